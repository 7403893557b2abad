"""Where the fixes put the imports and the logger they add: where Ruff's isort would (I001), so a
fix never leaves a misplaced import. Each case is checked against the exact text and against
Ruff itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import fix, settings_for

# `time` stays used after the fix (VL201 removes an import only its fixed calls used).
SLEEP = "\n\nasync def poll() -> float:\n    time.sleep(1)\n    return time.monotonic()\n"
FIXED_SLEEP = "\n\nasync def poll() -> float:\n    await asyncio.sleep(1)\n    return time.monotonic()\n"


def _ruff_clean(source: str, tmp_path: Path) -> str:
    path = tmp_path / "check.py"
    path.write_text(source)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--select",
            "E402,I001",
            "--output-format",
            "concise",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode else ""


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("import time\n", "import asyncio\nimport time\n"),
        ("import os\nimport time\n", "import asyncio\nimport os\nimport time\n"),
        ("import abc\nimport time\n", "import abc\nimport asyncio\nimport time\n"),
        ("import time\nfrom os import path\n", "import asyncio\nimport time\nfrom os import path\n"),
        (
            "from __future__ import annotations\n\nimport time\n\nimport requests\n",
            "from __future__ import annotations\n\nimport asyncio\nimport time\n\nimport requests\n",
        ),
        (
            '"""Doc."""\n\nimport time\n\nimport requests\nfrom app import settings\n',
            '"""Doc."""\n\nimport asyncio\nimport time\n\nimport requests\nfrom app import settings\n',
        ),
        # A comment above an import stays with it, after a blank line.
        ("import abc\n\n# clock\nimport time\n", "import abc\nimport asyncio\n\n# clock\nimport time\n"),
        ('"""Doc."""\n\n# clock\nimport time\n', '"""Doc."""\n\nimport asyncio\n\n# clock\nimport time\n'),
    ],
)
def test_an_added_standard_library_import_joins_its_section_in_order(head: str, expected: str, tmp_path: Path) -> None:
    outcome = fix(head + SLEEP, settings_for("VL201"), "VL201")
    assert outcome.text == expected + FIXED_SLEEP
    assert _ruff_clean(outcome.text, tmp_path) == ""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # A new standard-library section: after the future imports, before the third-party ones.
        (
            'from __future__ import annotations\n\nimport requests\n\n\ndef f() -> None:\n    print("x")\n',
            "from __future__ import annotations\n\nimport logging\n\nimport requests\n\n"
            'logger = logging.getLogger(__name__)\n\n\ndef f() -> None:\n    logger.info("x")\n',
        ),
        (
            'import requests\n\n\ndef f() -> None:\n    print("x")\n',
            "import logging\n\nimport requests\n\n"
            'logger = logging.getLogger(__name__)\n\n\ndef f() -> None:\n    logger.info("x")\n',
        ),
        # No import at all: after the docstring, two blank lines before the function.
        (
            '"""Doc."""\n\n\ndef f() -> None:\n    print("x")\n',
            '"""Doc."""\n\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n\n'
            'def f() -> None:\n    logger.info("x")\n',
        ),
        (
            'from __future__ import annotations\nX = 1\nprint("x")\n',
            "from __future__ import annotations\n\nimport logging\n\nlogger = logging.getLogger(__name__)\n"
            'X = 1\nlogger.info("x")\n',
        ),
        # Before the section's from-imports.
        (
            "from os import path\n\nprint(path)\n",
            "import logging\nfrom os import path\n\nlogger = logging.getLogger(__name__)\n\nlogger.info(path)\n",
        ),
        # `import logging` sits where it would be sorted; the logger after the whole block.
        (
            'import os\nimport sys\n\nimport requests\n\nprint("x")\n',
            "import logging\nimport os\nimport sys\n\nimport requests\n\nlogger = logging.getLogger(__name__)\n\n"
            'logger.info("x")\n',
        ),
        # Every import E402 does not report stays above the logger (put after the first run of
        # import lines, it made each later import an E402).
        # A guarded import and the import after it stay above the logger.
        (
            "import os\n\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\nimport sys\n\n"
            "print(os, json, sys)\n",
            "import logging\nimport os\n\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n"
            'import sys\n\nlogger = logging.getLogger(__name__)\n\nlogger.info("%s %s %s", os, json, sys)\n',
        ),
        # `__all__` before the imports (CPython's getopt.py).
        (
            '"""Doc."""\n\n__all__ = ["run"]\n\nimport os\n\n\ndef run() -> None:\n    print(os.sep)\n',
            '"""Doc."""\n\nimport logging\n\n__all__ = ["run"]\n\nimport os\n\n'
            "logger = logging.getLogger(__name__)\n\n\ndef run() -> None:\n    logger.info(os.sep)\n",
        ),
        # A change of sys.path between imports.
        (
            'import sys\n\nsys.path.insert(0, "lib")\nimport tool\n\nprint(tool)\n',
            'import logging\nimport sys\n\nsys.path.insert(0, "lib")\nimport tool\n\n'
            "logger = logging.getLogger(__name__)\n\nlogger.info(tool)\n",
        ),
    ],
)
def test_an_added_logger_and_its_import_are_placed_like_isort(source: str, expected: str, tmp_path: Path) -> None:
    outcome = fix(source, settings_for("VL401"), "VL401")
    assert outcome.text == expected
    assert _ruff_clean(outcome.text, tmp_path) == ""


def test_a_name_taken_by_another_import_gets_an_alias(tmp_path: Path) -> None:
    outcome = fix('from app import logging\n\nprint("x")\n', settings_for("VL401"), "VL401")
    assert outcome.text == (
        "import logging as logging_module\n\nfrom app import logging\n\n"
        'logger = logging_module.getLogger(__name__)\n\nlogger.info("x")\n'
    )
    assert _ruff_clean(outcome.text, tmp_path) == ""


def test_an_added_logger_is_defined_before_a_print_that_runs_on_import() -> None:
    # The fixed print in the handler runs when the module is imported: the logger must exist.
    source = 'import os\ntry:\n    import tty\nexcept ImportError:\n    print("no tty")\n\nprint(os)\n'
    outcome = fix(source, settings_for("VL401"), "VL401")
    assert outcome.text.index("logger = logging.getLogger(__name__)") < outcome.text.index('logger.info("no tty")')
