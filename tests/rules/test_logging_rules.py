"""VL401 and VL403 on the shapes that broke real projects: home-made loggers, secrets in prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.rules.project_helpers import check, invoke, write_project

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
