"""VL401 and VL403 on the shapes that broke real projects: home-made loggers, secrets in prints, long lines."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.rules.project_helpers import check, invoke, messages, write_project

HOME_MADE_LOGGER = """
    class AppLogger:
        def error(self, message):
            print(message)


    logger = AppLogger()
"""

STD_LOGGER = """
    import logging

    logger = logging.getLogger("app")
"""

SERVICE = """
    from app.core.log import logger


    def sync(job):
        try:
            job.run()
        except OSError as e:
            logger.error(f"FAIL | {e}")
            raise
"""


def _fixes(root: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> list[tuple[str, int, str | None]]:
    result = invoke(root, monkeypatch, "--output-format", "json", "--select", code, ".")
    return [
        (d["path"], d["location"]["line"], d["fix"]["applicability"] if d["fix"] else None)
        for d in json.loads(result.output)
    ]


def _diamond(levels: int, bottom: str) -> str:
    """Classes ``A0`` and ``B0`` deriving from both ``A1`` and ``B1``, and so on down to the last
    level's, which derive from ``bottom``: every class below the top is a base of both above it,
    as mixins are, so there are 2**levels ways down."""
    lines = [f"class A{levels - 1}({bottom}):\n    pass\n", f"class B{levels - 1}({bottom}):\n    pass\n"]
    for level in range(levels - 2, -1, -1):
        bases = f"A{level + 1}, B{level + 1}"
        lines += [f"class A{level}({bases}):\n    pass\n", f"class B{level}({bases}):\n    pass\n"]
    return "\n\n".join(lines)


def test_a_logger_class_under_twenty_levels_of_mixins_is_a_logger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each class was judged once per way down to it (a million here), and past 16 levels not at all.
    log = "import logging\n\n\n" + _diamond(20, "logging.Logger") + '\n\nlogger = A0("app")\n'
    write_project(tmp_path, {"app/core/log.py": log, "app/services/sync.py": SERVICE})
    assert _fixes(tmp_path, monkeypatch, "VL403") == [("app/services/sync.py", 8, "safe")]


def test_vl401_fixes_the_print_of_an_enum_under_twenty_levels_of_mixins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kinds = "import enum\n\n\n" + _diamond(20, "enum.Enum") + "\n\ndef show(kind: A0) -> None:\n    print(kind)\n"
    write_project(tmp_path, {"app/kinds.py": kinds})
    assert _fixes(tmp_path, monkeypatch, "VL401") == [("app/kinds.py", len(kinds.splitlines()), "unsafe")]


def test_vl403_ignores_a_home_made_logger_imported_from_another_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Adding exc_info=True to this logger's error() was a TypeError on every error path.
    write_project(tmp_path, {"app/core/log.py": HOME_MADE_LOGGER, "app/services/sync.py": SERVICE})
    assert check(tmp_path, monkeypatch, "VL403") == []


def test_vl403_fix_is_safe_for_a_logging_logger_imported_from_another_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {"app/core/log.py": STD_LOGGER, "app/services/sync.py": SERVICE})
    assert _fixes(tmp_path, monkeypatch, "VL403") == [("app/services/sync.py", 8, "safe")]


def test_vl403_fix_is_unsafe_when_the_logger_cannot_be_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(
        tmp_path,
        {
            "app/jobs.py": """
                import structlog

                logger = structlog.get_logger()


                def sync(job, log):
                    try:
                        job.run()
                    except OSError:
                        logger.error("FAIL")
                        log.error("FAIL")
                        raise
            """
        },
    )
    assert _fixes(tmp_path, monkeypatch, "VL403") == [("app/jobs.py", 10, "unsafe"), ("app/jobs.py", 11, "unsafe")]


def test_vl403_resolves_self_attributes_and_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "app/jobs.py": """
                import logging

                from app.core.log import AppLogger


                class Sync:
                    def __init__(self, audit: AppLogger) -> None:
                        self.logger = logging.getLogger(__name__)
                        self.audit = audit

                    def run(self, job) -> None:
                        try:
                            job.run()
                        except OSError:
                            self.logger.error("FAIL")
                            self.audit.error("FAIL")
            """,
            "app/core/log.py": HOME_MADE_LOGGER,
        },
    )
    assert _fixes(tmp_path, monkeypatch, "VL403") == [("app/jobs.py", 15, "safe")]


def test_vl403_follows_a_package_that_rebinds_a_submodule_name_and_local_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cheshire-cat's shape: `cat/__init__.py` does `from .log import log`, so `from cat import log`
    # is the LogEngine object, not the module; and some functions import it locally.
    write_project(
        tmp_path,
        {
            "cat/__init__.py": "from .log import log\n",
            "cat/log.py": HOME_MADE_LOGGER.replace("logger = AppLogger()", "log = AppLogger()"),
            "cat/registry.py": """
                from cat import log


                def fetch(client):
                    try:
                        client.get()
                    except OSError:
                        log.error("Error while calling plugins registry")


                def salvage(model):
                    from cat.log import log

                    try:
                        model.validate()
                    except ValueError as e:
                        log.error(f"Could not salvage settings: {e}")
            """,
        },
    )
    assert check(tmp_path, monkeypatch, "VL403") == []


def _message(length: int) -> str:
    """A string literal of exactly ``length`` characters, quotes included."""
    text = '"Could not process the job, the storage backend refused it'
    return text + "." * (length - len(text) - 1) + '"'


def test_vl401_and_vl403_fixes_stay_within_the_line_length(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Lines at 12 spaces: `logger.error(` + message + `, exc_info=True)` is 126 wide for an 85-wide
    # message; `logger.info(` + message + `)` is 120 for 95, 121 for 96.
    a, b, c, d = _message(85), _message(95), _message(96), _message(87)
    handler = "def handle(job):\n    try:\n        job.run()\n    except OSError:\n        if job:\n"
    body = (
        f"            logger.error({a})\n            print({b})\n            print({c})\n"
        f"            logger.error({d}, job)\n"
    )
    header = "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
    write_project(tmp_path, {"app/jobs.py": header + handler + body})
    result = invoke(tmp_path, monkeypatch, "--select", "VL401,VL403,E501", "--fix", "--unsafe-fixes", ".")
    assert result.output == "Fixed 4 errors, 0 remaining.\n"
    assert (tmp_path / "app/jobs.py").read_text() == header + handler + (
        f"            logger.error(\n                {a}, exc_info=True\n            )\n"
        f"            logger.info({b})\n"
        f"            logger.info(\n                {c}\n            )\n"
        f"            logger.error(\n                {d},\n"
        "                job,\n                exc_info=True,\n            )\n"
    )


def test_vl401_has_no_fix_for_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {"app/main.py": 'from app.core.config import settings\n\nprint(f"Gemini key: {settings.GEMINI_API_KEY}")\n'},
    )
    assert _fixes(tmp_path, monkeypatch, "VL401") == [("app/main.py", 3, None)]


LOGURU_LOG = """
    from loguru import logger

    __all__ = ["logger"]
"""

PRINTING = """
    from app.core.log import logger


    def count(n):
        print("count", n)
        logger.info("done")
"""


@pytest.mark.parametrize("paths", [["."], ["app/services/count.py"]], ids=["whole project", "the one file"])
def test_vl401_has_no_fix_for_a_loguru_logger_another_module_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: list[str]
) -> None:
    # loguru would log "count %s", the value lost: the fix waits for the project phase, which
    # reads app/core/log.py (also when only the printing file is named, as pre-commit does).
    root = write_project(tmp_path, {"app/core/log.py": LOGURU_LOG, "app/services/count.py": PRINTING})
    before = (root / "app/services/count.py").read_bytes()
    result = invoke(root, monkeypatch, "--output-format", "json", "--select", "VL401", *paths)
    assert [(d["location"]["line"], d["fix"]) for d in json.loads(result.output)] == [(5, None)]
    invoke(root, monkeypatch, "--select", "VL401", "--fix", "--unsafe-fixes", *paths)
    assert (root / "app/services/count.py").read_bytes() == before


@pytest.mark.parametrize("paths", [["."], ["app/services/count.py"]], ids=["whole project", "the one file"])
def test_vl401_fixes_a_print_logged_with_a_standard_logger_another_module_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: list[str]
) -> None:
    root = write_project(tmp_path, {"app/core/log.py": STD_LOGGER, "app/services/count.py": PRINTING})
    invoke(root, monkeypatch, "--select", "VL401", "--fix", "--unsafe-fixes", *paths)
    fixed = (root / "app/services/count.py").read_text(encoding="utf-8")
    expected = textwrap.dedent(PRINTING).lstrip("\n").replace('print("count", n)', 'logger.info("count %s", n)')
    assert fixed == expected
    assert check(root, monkeypatch, "VL401", paths) == []


@pytest.mark.parametrize("paths", [["."], ["app/services/sync.py"]], ids=["whole project", "the one file"])
def test_vl403_tells_a_loguru_logger_another_module_exports_to_log_with_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: list[str]
) -> None:
    # lnbits logs with loguru: `exc_info=True` would be a format argument there, no traceback.
    root = write_project(tmp_path, {"app/core/log.py": LOGURU_LOG, "app/services/sync.py": SERVICE})
    before = (root / "app/services/sync.py").read_bytes()
    assert messages(root, monkeypatch, "VL403", paths) == [
        "app/services/sync.py:8:9 VL403 `logger.error` in an `except` block logs no traceback; "
        "loguru's `.exception(...)` does"
    ]
    invoke(root, monkeypatch, "--select", "VL403", "--fix", "--unsafe-fixes", *paths)
    assert (root / "app/services/sync.py").read_bytes() == before


def test_vl403_fixes_a_loguru_error_log_into_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = textwrap.dedent(SERVICE).lstrip("\n").replace("from app.core.log import", "from loguru import")
    root = write_project(tmp_path, {"app/services/sync.py": service})
    invoke(root, monkeypatch, "--select", "VL403", "--fix")
    fixed = (root / "app/services/sync.py").read_text(encoding="utf-8")
    assert fixed == service.replace('logger.error(f"FAIL | {e}")', 'logger.exception(f"FAIL | {e}")')
    assert check(root, monkeypatch, "VL403") == []


ATTACHED = SERVICE.replace('logger.error(f"FAIL | {e}")', 'logger.error(f"FAIL | {e}", exc_info=True)')


@pytest.mark.parametrize("paths", [["."], ["app/services/sync.py"]], ids=["whole project", "the one file"])
def test_vl403_reports_exc_info_on_a_loguru_logger_another_module_exports_and_not_on_a_standard_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: list[str]
) -> None:
    # loguru takes `exc_info=True` for a format argument: no traceback is logged.
    root = write_project(tmp_path, {"app/core/log.py": LOGURU_LOG, "app/services/sync.py": ATTACHED})
    assert messages(root, monkeypatch, "VL403", paths) == [
        "app/services/sync.py:8:9 VL403 `logger.error` in an `except` block logs no traceback; "
        "loguru's `.exception(...)` does"
    ]
    (root / "app/core/log.py").write_text(textwrap.dedent(STD_LOGGER).lstrip("\n"), encoding="utf-8")
    assert check(root, monkeypatch, "VL403", paths) == []
