"""A package whose modules star-import each other (``pkg/__init__.py`` star-imports every module,
each module star-imports ``pkg``) is checked in seconds, and the names its star imports bind are
resolved. Each name was looked up again on every way back to it: a name bound nowhere took longer
than any run could wait."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MODULES = 8
CONFIG = '[tool.vectra-lint]\nselect = ["VL207", "VL303"]\n'
INIT = (
    '"""The package."""\n'
    + "".join(f"from .m{index} import *\n" for index in range(MODULES))
    + "from .errors import *\nfrom .io import *\n\n\nclass WrappedError(AppError):\n    pass\n"
)
ERRORS = "class AppError(Exception):\n    pass\n"
IO = "import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n"
# `Unknown` is bound nowhere: its lookup goes through every star import, and back.
MODULE = (
    "from pkg import *\nfrom pkg import nap\n\n\nclass Failure(AppError):\n    pass\n\n\n"
    "async def handle() -> None:\n    nap()\n\n\nclass Other(Unknown):\n    pass\n"
)

EXPECTED = [
    "pkg/__init__.py:14:7: VL303 Exception class `WrappedError` does not descend from `VectraException`"
    " (§4: all custom exceptions do)",
    "pkg/errors.py:1:7: VL303 Exception class `AppError` does not descend from `VectraException`"
    " (§4: all custom exceptions do)",
    *(
        line
        for index in range(MODULES)
        for line in (
            f"pkg/m{index}.py:5:7: VL303 Exception class `Failure` does not descend from `VectraException`"
            " (§4: all custom exceptions do)",
            f"pkg/m{index}.py:10:5: VL207 `nap` blocks the event loop inside `async def handle`: nap -> time.sleep"
            " (VL201)",
        )
    ),
]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """The project: ``pkg`` and its modules that star-import each other."""
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "__init__.py").write_text(INIT)
    (folder / "errors.py").write_text(ERRORS)
    (folder / "io.py").write_text(IO)
    for index in range(MODULES):
        (folder / f"m{index}.py").write_text(MODULE)
    return tmp_path


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A subprocess with a timeout: a run that does not finish fails the test instead of hanging it.
    command = [sys.executable, "-m", "vectra_lint", "check", "--no-cache", "--output-format", "concise", "-q", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_modules_that_star_import_each_other_are_checked(package: Path, jobs: str) -> None:
    result = _check(package, "--jobs", jobs, ".")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == EXPECTED


def test_the_files_named_in_any_order_give_the_same_findings(package: Path) -> None:
    names = ["pkg/m3.py", "pkg/__init__.py", "pkg/m0.py"]
    forward = _check(package, "--jobs", "1", *names)
    backward = _check(package, "--jobs", "1", *reversed(names))
    assert forward.returncode == backward.returncode == 1
    assert forward.stdout == backward.stdout
    assert forward.stdout.splitlines() == [EXPECTED[0], *EXPECTED[2:4], *EXPECTED[8:10]]
