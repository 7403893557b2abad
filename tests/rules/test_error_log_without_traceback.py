"""VL403's fix on calls already laid out over lines, and its safety beside namespace packages."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.helpers import fix, parses, settings_for
from tests.rules.project_helpers import invoke, write_project

HEADER = (
    "import logging\n\nlog = logging.getLogger('jobs')\n\n\ndef sync(job: object) -> None:\n    try:\n        pull()\n"
)


def _fixed(handler: str) -> str:
    """The handler's body after VL403's fix (its lines dedented to the handler's level)."""
    source = HEADER + "    except KeyError as err:\n" + textwrap.indent(textwrap.dedent(handler), " " * 8)
    outcome = fix(source, settings_for("VL403"), "VL403")
    assert parses(outcome.text)
    assert fix(outcome.text, settings_for("VL403"), "VL403").text == outcome.text  # nothing left to do
    head = HEADER + "    except KeyError as err:\n"
    assert outcome.text.startswith(head)
    return textwrap.dedent(outcome.text[len(head) :])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # One line: stays one line.
        ('log.error("pull failed: %s", err)\n', 'log.error("pull failed: %s", err, exc_info=True)\n'),
        # Hugging, no magic trailing comma: joined on one line, as a formatter would when it fits.
        ('log.error(\n    "pull failed: %s", err\n)\n', 'log.error("pull failed: %s", err, exc_info=True)\n'),
        # One per line without a trailing comma: no magic comma either, so one line.
        ('log.error(\n    "pull failed: %s",\n    err\n)\n', 'log.error("pull failed: %s", err, exc_info=True)\n'),
        # Visual indentation: joined.
        ('log.error("pull failed: %s",\n          err)\n', 'log.error("pull failed: %s", err, exc_info=True)\n'),
        # The magic trailing comma keeps one argument per line, at the arguments' indentation.
        (
            'log.error(\n    "pull failed: %s",\n    err,\n)\n',
            'log.error(\n    "pull failed: %s",\n    err,\n    exc_info=True,\n)\n',
        ),
        # A blank line after the parenthesis is not kept.
        (
            'log.error(\n\n    "pull failed: %s",\n    err,\n)\n',
            'log.error(\n    "pull failed: %s",\n    err,\n    exc_info=True,\n)\n',
        ),
        # A comment after the last argument stays on its line, with or without its comma.
        (
            'log.error(\n    "pull failed: %s",\n    err  # the key\n)\n',
            'log.error(\n    "pull failed: %s",\n    err,  # the key\n    exc_info=True,\n)\n',
        ),
        (
            'log.error(\n    "pull failed: %s",\n    err,  # the key\n)\n',
            'log.error(\n    "pull failed: %s",\n    err,  # the key\n    exc_info=True,\n)\n',
        ),
        # Comments after the parenthesis, between the arguments and before the closing one.
        (
            'log.error(  # noisy\n    "pull failed: %s",\n    # which key\n    err,\n    # end\n)\n',
            'log.error(  # noisy\n    "pull failed: %s",\n    # which key\n    err,\n'
            "    exc_info=True,\n    # end\n)\n",
        ),
        # Nested in another call: the arguments and the parenthesis keep their deeper indentation.
        (
            'retry(\n    log.error(\n        "pull failed: %s",\n        err,\n    ),\n)\n',
            'retry(\n    log.error(\n        "pull failed: %s",\n        err,\n        exc_info=True,\n    ),\n)\n',
        ),
        # Nothing passed yet.
        ("log.error()\n", "log.error(exc_info=True)\n"),
    ],
)
def test_vl403_adds_the_keyword_as_a_formatter_would(before: str, after: str) -> None:
    assert _fixed(before) == after


def _applicability(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str | None]]:
    result = invoke(root, monkeypatch, "--no-cache", "--output-format", "json", "--select", "VL403", ".")
    return [
        (d["path"], d["location"]["line"], d["fix"]["applicability"] if d["fix"] else None)
        for d in json.loads(result.output)
    ]


USES_STDLIB_LOGGING = """
    import logging

    logger = logging.getLogger(__name__)


    def retry() -> None:
        try:
            attempt()
        except TimeoutError:
            logger.error("retry failed")
"""


def test_vl403_a_sibling_logging_module_in_a_namespace_folder_is_not_the_standard_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `app/core` has no __init__.py: `app.core.tasks` is a package of the namespace `app.core`,
    # and `import logging` in it is the standard library, not `app/core/logging.py`.
    files = {
        "app/core/logging.py": "def setup() -> None:\n    pass\n",
        "app/core/tasks/__init__.py": "",
        "app/core/tasks/retry.py": USES_STDLIB_LOGGING,
    }
    (tmp_path / "namespace").mkdir()
    write_project(tmp_path / "namespace", files)
    assert _applicability(tmp_path / "namespace", monkeypatch) == [("app/core/tasks/retry.py", 10, "safe")]
    # When the root does provide a top-level `logging.py`, that one is imported: the fix is unsafe.
    shadowed = {**files, "logging.py": "def getLogger(name: str) -> object:\n    return object()\n"}
    (tmp_path / "shadowed").mkdir()
    write_project(tmp_path / "shadowed", shadowed)
    assert _applicability(tmp_path / "shadowed", monkeypatch) == [("app/core/tasks/retry.py", 10, "unsafe")]


def test_vl403_a_message_already_too_long_keeps_its_own_line() -> None:
    # 120 columns: joined (or hugging), the long line would grow; one argument per line, it does not.
    message = '"' + "x" * 115 + '"'
    for call in (f"log.error(\n    {message}\n)\n", f"log.error({message})\n"):
        assert _fixed(call) == f"log.error(\n    {message},\n    exc_info=True,\n)\n"
