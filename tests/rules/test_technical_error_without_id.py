"""VL308 technical-error-without-id: the technical base and the subclasses that bypass it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import CONFIG, check, write_project

BASE = """\
from uuid import uuid4


class VectraException(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
"""


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, errors: str, config: str = CONFIG) -> list[str]:
    write_project(root, {"app/__init__.py": "", "app/core/base.py": BASE, "app/core/errors.py": errors}, config)
    return check(root, monkeypatch, "VL308")


@pytest.mark.parametrize(
    "body",
    [
        "self.error_id = str(uuid4())",
        "self.error_id = uuid4().hex",
        "self.error_id: str = uuid.uuid4().hex",
        "self.error_id = error_id or str(uuid4())",
    ],
)
def test_a_base_that_sets_an_id_from_a_uuid_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    errors = f"""\
    import uuid
    from uuid import uuid4

    from app.core.base import VectraException


    class TechnicalError(VectraException):
        def __init__(self, message: str, error_id: str | None = None) -> None:
            super().__init__(message)
            {body}
    """
    assert _run(tmp_path, monkeypatch, errors) == []


@pytest.mark.parametrize(
    "body",
    ['self.error_id = "TECH"', "self.error_id = time.time()", "self.id = str(uuid4())", "logger.error('failed')"],
)
def test_a_base_without_a_uuid_error_id_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    errors = f"""\
    import logging
    import time
    from uuid import uuid4

    from app.core.base import VectraException

    logger = logging.getLogger(__name__)


    class TechnicalError(VectraException):
        def __init__(self, message: str) -> None:
            super().__init__(message)
            {body}
    """
    assert _run(tmp_path, monkeypatch, errors) == ["app/core/errors.py:10:7 VL308"]


def test_a_base_without_init_is_judged_by_what_it_inherits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = """\
    from app.core.base import VectraException


    class TechnicalError(VectraException):
        status_code = 500
    """
    assert _run(tmp_path, monkeypatch, errors) == ["app/core/errors.py:4:7 VL308"]
    # A base that sets the id for every error, in another module, gives it to the technical one.
    write_project(tmp_path, {"app/core/base.py": BASE + "        self.error_id = str(uuid4())\n"})
    assert check(tmp_path, monkeypatch, "VL308") == []


def test_a_class_level_field_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = """\
    from dataclasses import dataclass, field
    from uuid import uuid4


    @dataclass
    class TechnicalError(Exception):
        message: str
        error_id: str = field(default_factory=lambda: str(uuid4()))
    """
    assert _run(tmp_path, monkeypatch, errors) == []


def test_subclasses_that_bypass_the_base_init_are_reported_across_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    technical = """\
    from uuid import uuid4

    from app.core.base import VectraException


    class TechnicalError(VectraException):
        def __init__(self, message: str) -> None:
            super().__init__(message)
            self.error_id = str(uuid4())


    class FunctionalError(VectraException):
        pass
    """
    subclasses = """\
    from uuid import uuid4

    from app.core.errors import FunctionalError, TechnicalError


    class DatabaseError(TechnicalError):
        def __init__(self, table: str) -> None:
            super().__init__(f"failure on {table}")


    class StorageError(TechnicalError):
        def __init__(self, path: str) -> None:
            TechnicalError.__init__(self, path)


    class QueueError(TechnicalError):
        def __init__(self, queue: str) -> None:
            Exception.__init__(self, queue)


    class CacheError(DatabaseError):
        def __init__(self, key: str) -> None:
            self.key = key


    class SelfMadeError(TechnicalError):
        def __init__(self, key: str) -> None:
            self.error_id = uuid4().hex


    class NotFound(FunctionalError):
        def __init__(self, key: str) -> None:
            self.key = key


    class Plain(TechnicalError):
        status_code = 503
    """
    write_project(
        tmp_path,
        {"app/__init__.py": "", "app/core/base.py": BASE, "app/core/errors.py": technical, "app/db.py": subclasses},
    )
    assert check(tmp_path, monkeypatch, "VL308") == ["app/db.py:16:7 VL308", "app/db.py:21:7 VL308"]


def test_the_technical_base_name_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = """\
    class ServerError(Exception):
        def __init__(self, message: str) -> None:
            super().__init__(message)


    class TechnicalError(Exception):
        def __init__(self, message: str) -> None:
            super().__init__(message)
    """
    config = '[tool.vectra-lint.names]\ntechnical-base = "ServerError"\n'
    assert _run(tmp_path, monkeypatch, errors, config) == ["app/core/errors.py:1:7 VL308"]
