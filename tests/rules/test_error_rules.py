"""VL301-VL307 through the CLI, with the exception hierarchy and constants spread over modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import check, invoke, messages, write_project

CORE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "from .exceptions import FunctionalError, NotFoundError\n",
    "app/core/exceptions.py": """
        from typing import ClassVar


        class VectraException(Exception):
            error_code: ClassVar[str]


        class FunctionalError(VectraException):
            pass


        class TechnicalError(VectraException):
            pass


        class NotFoundError(FunctionalError):
            error_code = "NOT_FOUND"


        class LegacyError(ValueError):
            pass
    """,
    "app/core/codes.py": """
        ERROR_AUTH = "auth_failed"
        ERROR_OK = "OK_CODE"
        GREETING = "hello-world"
    """,
}


def project(root: Path, **files: str) -> Path:
    """The core modules plus ``files`` (keys with ``__`` for ``/``)."""
    return write_project(root, {**CORE, **{name.replace("__", "/") + ".py": text for name, text in files.items()}})


def test_vl303_hierarchy_across_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(
        tmp_path,
        app__services__errors="""
            from app.core import NotFoundError
            from app.core.exceptions import LegacyError
            from app.core.exceptions import TechnicalError as TE
            from ..core import exceptions as exc


            class UserNotFound(NotFoundError):
                pass


            class DiskFull(TE):
                pass


            class Wrapped(exc.FunctionalError):
                pass


            class StillLegacy(LegacyError):
                pass


            class Mixed(LegacyError, exc.FunctionalError):
                pass
        """,
    )
    assert check(tmp_path, monkeypatch, "VL303") == [
        "app/core/exceptions.py:20:7 VL303",
        "app/services/errors.py:19:7 VL303",
    ]
    # Checked alone (as pre-commit does), the other project modules are still read: same findings.
    assert check(tmp_path, monkeypatch, "VL303", ["app/services/errors.py"]) == ["app/services/errors.py:19:7 VL303"]


def test_vl301_accepts_any_vectra_exception_from_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(
        tmp_path,
        app__services__storage="""
            from app.core.exceptions import FunctionalError, TechnicalError
            from app.core.exceptions import TechnicalError as TE


            class StorageError(TE):
                pass


            def wrap() -> None:
                try:
                    run()
                except Exception as exc:
                    raise StorageError("DISK") from exc


            def swallow() -> None:
                try:
                    run()
                except (OSError, BaseException):
                    return None


            def functional() -> None:
                try:
                    run()
                except Exception as exc:
                    raise FunctionalError("NOPE") from exc
        """,
    )
    # Wrapping into a FunctionalError preserves the context as well as a TechnicalError (§6).
    assert check(tmp_path, monkeypatch, "VL301") == ["app/services/storage.py:19:5 VL301"]
    # Alone (pre-commit), the other project modules are still read: the same findings.
    assert check(tmp_path, monkeypatch, "VL301", ["app/services/storage.py"]) == ["app/services/storage.py:19:5 VL301"]


SWALLOWS = """
    import sys


    def main() -> None:
        try:
            run()
        except Exception as e:
            print(e)
            raise SystemExit(1) from e


    def answer() -> str:
        try:
            return rerank()
        except Exception:
            return fallback()
"""


def test_vl301_checks_only_the_configured_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, app__core__rag__answer=SWALLOWS, app__services__answer=SWALLOWS)
    # `raise SystemExit(1) from e` hands the error on; the fallback is reported in services only.
    assert check(tmp_path, monkeypatch, "VL301") == ["app/services/answer.py:15:5 VL301"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.vectra-lint.rules.broad-except]\nlayers = ["services", "workers"]\n'
        '[tool.vectra-lint.layers]\nworkers = ["app/workers/**", "app/core/rag/**"]\n'
    )
    assert check(tmp_path, monkeypatch, "VL301") == [
        "app/core/rag/answer.py:15:5 VL301",
        "app/services/answer.py:15:5 VL301",
    ]


def test_vl304_follows_names_to_constants_in_other_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(
        tmp_path,
        app__auth="""
            from app.core import codes
            from app.core.codes import ERROR_AUTH as AUTH, ERROR_OK
            from app.core.exceptions import FunctionalError

            LOCAL = "local-code"


            def deny() -> None:
                raise FunctionalError("denied", error_code=AUTH)


            def also() -> None:
                raise FunctionalError("denied", error_code=codes.ERROR_AUTH)


            def fine() -> None:
                raise FunctionalError("ok", error_code=ERROR_OK)


            def local() -> None:
                raise FunctionalError("local", error_code=LOCAL)
        """,
    )
    assert messages(tmp_path, monkeypatch, "VL304") == [
        "app/auth.py:5:9 VL304 `LOCAL` = 'local-code' is used as an error code and is not SCREAMING_SNAKE_CASE (§15)",
        "app/auth.py:9:48 VL304 Error code `AUTH` holds 'auth_failed', which is not SCREAMING_SNAKE_CASE (§15)",
        "app/auth.py:13:48 VL304 Error code `codes.ERROR_AUTH` holds 'auth_failed', which is not SCREAMING_SNAKE_CASE "
        "(§15)",
        "app/auth.py:21:47 VL304 Error code `LOCAL` holds 'local-code', which is not SCREAMING_SNAKE_CASE (§15)",
        "app/core/codes.py:1:14 VL304 `ERROR_AUTH` = 'auth_failed' is used as an error code and is not "
        "SCREAMING_SNAKE_CASE (§15)",
    ]
    # Alone, the imported constant and the uses of the codes module are still known.
    assert check(tmp_path, monkeypatch, "VL304", ["app/auth.py"]) == [
        "app/auth.py:5:9 VL304",
        "app/auth.py:9:48 VL304",
        "app/auth.py:13:48 VL304",
        "app/auth.py:21:47 VL304",
    ]
    assert check(tmp_path, monkeypatch, "VL304", ["app/core/codes.py"]) == ["app/core/codes.py:1:14 VL304"]


def test_vl304_fixes_a_constant_used_in_another_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(
        tmp_path,
        app__auth="""
            from app.core.codes import ERROR_AUTH
            from app.core.exceptions import FunctionalError

            raise FunctionalError("denied", error_code=ERROR_AUTH)
        """,
    )
    invoke(tmp_path, monkeypatch, "--select", "VL304", "--fix", ".")
    assert 'ERROR_AUTH = "auth_failed"' in (tmp_path / "app/core/codes.py").read_text()  # unsafe: not applied
    result = invoke(tmp_path, monkeypatch, "--select", "VL304", "--fix", "--unsafe-fixes", ".")
    assert "Fixed 1 error" in result.output
    assert (tmp_path / "app/core/codes.py").read_text() == (
        'ERROR_AUTH = "AUTH_FAILED"\nERROR_OK = "OK_CODE"\nGREETING = "hello-world"\n'
    )
    assert check(tmp_path, monkeypatch, "VL304") == []


def test_vl305_knows_which_classes_set_a_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(
        tmp_path,
        app__services__upload="""
            from app.core.exceptions import FunctionalError, NotFoundError, TechnicalError


            class DocumentMissing(NotFoundError):
                pass


            def upload(data: bytes) -> None:
                if not data:
                    raise FunctionalError("The uploaded file is empty")
                if data == b"?":
                    raise DocumentMissing("gone")
                error = TechnicalError("locked")
                raise FunctionalError("bad", "BAD_UPLOAD")
        """,
    )
    assert check(tmp_path, monkeypatch, "VL305") == [
        "app/services/upload.py:10:15 VL305",
        "app/services/upload.py:13:13 VL305",
    ]
    # Alone (pre-commit), the classes of other modules are still known.
    assert check(tmp_path, monkeypatch, "VL305", ["app/services/upload.py"]) == [
        "app/services/upload.py:10:15 VL305",
        "app/services/upload.py:13:13 VL305",
    ]


def test_vl306_only_in_the_configured_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint]\n[tool.vectra-lint.layers]\nservices = ["app/domain/**"]\n'
    raising = """
        from fastapi import HTTPException
        from app.core.exceptions import LegacyError, NotFoundError


        def find() -> None:
            raise ValueError("bad")


        def route() -> None:
            raise HTTPException(status_code=404, detail="Not found")


        def legacy() -> None:
            raise LegacyError("old")


        def good() -> None:
            raise NotFoundError("User missing")
    """
    write_project(tmp_path, {**CORE, "app/domain/users.py": raising, "app/services/users.py": raising}, config)
    assert messages(tmp_path, monkeypatch, "VL306") == [
        "app/domain/users.py:6:11 VL306 `ValueError` with a raw message in the services layer; raise a Vectra "
        "exception with an error code (§15)",
        "app/domain/users.py:10:11 VL306 `HTTPException` with a raw message in the services layer; raise a Vectra "
        "exception with an error code (§15)",
        "app/domain/users.py:14:11 VL306 `LegacyError` with a raw message in the services layer; raise a Vectra "
        "exception with an error code (§15)",
    ]


def test_vl307_fix_binds_a_name_and_chains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "app/load.py": """
                def load(exc: int) -> None:
                    try:
                        run()
                    except OSError:
                        raise StorageError(exc)
                    except KeyError as missing:
                        raise LookupError(missing)
                    except ValueError:
                        raise StorageError("x") from None
            """
        },
    )
    assert check(tmp_path, monkeypatch, "VL307") == ["app/load.py:5:9 VL307", "app/load.py:7:9 VL307"]
    invoke(tmp_path, monkeypatch, "--select", "VL307", "--fix", ".")
    assert (tmp_path / "app/load.py").read_text() == (
        "def load(exc: int) -> None:\n    try:\n        run()\n    except OSError as exc_1:\n"
        "        raise StorageError(exc) from exc_1\n    except KeyError as missing:\n"
        "        raise LookupError(missing) from missing\n    except ValueError:\n"
        '        raise StorageError("x") from None\n'
    )


def test_vl302_then_vl307_fix_a_bare_except(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"app/job.py": "try:\n    run()\nexcept:\n    raise RuntimeError('failed')\n"})
    invoke(tmp_path, monkeypatch, "--select", "VL302,VL307", "--fix", ".")
    assert (tmp_path / "app/job.py").read_text() == (
        "try:\n    run()\nexcept Exception as exc:\n    raise RuntimeError('failed') from exc\n"
    )


def test_vl305_reports_a_missing_code_its_init_requires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "app/core/exceptions.py": """
                class VectraException(Exception):
                    error_code = "INTERNAL_ERROR"

                    def __init__(self, message: str, error_code: str = "internal_error") -> None:
                        super().__init__(message)
                        self.error_code = error_code


                class FunctionalError(VectraException):
                    def __init__(self, message: str, error_code: str) -> None:
                        super().__init__(message, error_code)


                class TechnicalError(VectraException):
                    pass
            """,
            "app/services/images.py": """
                from app.core.exceptions import FunctionalError, TechnicalError


                class ImageError(FunctionalError):
                    error_code = "IMAGE_INVALID"


                def check(kind: str) -> None:
                    if kind == "pdf":
                        raise FunctionalError("File must be an image")
                    if kind == "gif":
                        raise ImageError("Animated images are not supported")
                    if kind == "svg":
                        raise FunctionalError("Vector images are not supported", "IMAGE_VECTOR")
                    raise TechnicalError("Unknown image kind")
            """,
        },
    )
    assert check(tmp_path, monkeypatch, "VL304,VL305") == [
        "app/core/exceptions.py:4:56 VL304",
        "app/services/images.py:10:15 VL305",
        "app/services/images.py:12:15 VL305",
    ]


def test_vl304_reads_positions_only_of_vectra_or_unresolved_exceptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(
        tmp_path,
        app__services__store="""
            import errno
            import subprocess as sp
            from pymongo.errors import DuplicateKeyError

            from app.core.exceptions import LegacyError, NotFoundError
            from ..core import exceptions

            CMD = "git-log"


            class QuotaError(PermissionError):
                pass


            def store(path: str) -> None:
                from psycopg.errors import UniqueViolation
                from ..core.exceptions import FunctionalError as DeniedError

                raise FileNotFoundError(errno.ENOENT, "no-such-file", path)
                raise sp.CalledProcessError(1, CMD)
                raise DuplicateKeyError("dup key", "e11000")
                raise UniqueViolation("stmt", "params", "orig")
                raise LegacyError("legacy", "legacy-code")
                raise QuotaError("quota", "over-quota")
                raise NotFoundError("missing", "user-missing")
                raise exceptions.TechnicalError("down", "db-down")
                raise DeniedError("denied", "access-denied")
                raise UndefinedError("who", "who-knows")
        """,
    )
    assert messages(tmp_path, monkeypatch, "VL304") == [
        "app/services/store.py:25:36 VL304 Error code 'user-missing' is not SCREAMING_SNAKE_CASE (§15)",
        "app/services/store.py:26:45 VL304 Error code 'db-down' is not SCREAMING_SNAKE_CASE (§15)",
        "app/services/store.py:27:33 VL304 Error code 'access-denied' is not SCREAMING_SNAKE_CASE (§15)",
        "app/services/store.py:28:33 VL304 Error code 'who-knows' is not SCREAMING_SNAKE_CASE (§15)",
    ]
    assert check(tmp_path, monkeypatch, "VL304", ["app/services/store.py"]) == [
        "app/services/store.py:25:36 VL304",
        "app/services/store.py:26:45 VL304",
        "app/services/store.py:27:33 VL304",
        "app/services/store.py:28:33 VL304",
    ]
    result = invoke(tmp_path, monkeypatch, "--select", "VL304", "--fix", "--unsafe-fixes", ".")
    assert result.exit_code == 0, result.output
    fixed = (tmp_path / "app/services/store.py").read_text()
    assert 'CMD = "git-log"' in fixed
    assert 'FileNotFoundError(errno.ENOENT, "no-such-file", path)' in fixed
    assert 'UniqueViolation("stmt", "params", "orig")' in fixed
    assert 'QuotaError("quota", "over-quota")' in fixed
    assert 'NotFoundError("missing", "USER_MISSING")' in fixed
    assert 'DeniedError("denied", "ACCESS_DENIED")' in fixed
    assert 'LegacyError("legacy", "legacy-code")' in fixed
