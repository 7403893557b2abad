"""VL701 and VL702 through the CLI: middleware and the logging module found in any module of a
project, reported at the module that must change, and never judged on a partial run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.project_helpers import check, messages, write_project

APP = """
    from fastapi import FastAPI

    from app.core.middleware import CorrelationMiddleware

    app = FastAPI()
    app.add_middleware(CorrelationMiddleware)
"""
LOGGING = """
    from contextvars import ContextVar

    correlation_id: ContextVar[str] = ContextVar("correlation_id", default="-")
"""
BASE_HTTP = """
    import uuid

    from starlette.middleware.base import BaseHTTPMiddleware

    from app.core.logging import correlation_id

    HEADER = "X-Correlation-ID"


    class CorrelationMiddleware(BaseHTTPMiddleware):
        async def dispatch(self, request, call_next):
            cid = request.headers[HEADER] if HEADER in request.headers else uuid.uuid4().hex
            correlation_id.set(cid)
            return await call_next(request)
"""
PURE_ASGI = """
    from app.core.logging import correlation_id
    from app.core.ids import new_correlation_id


    class CorrelationMiddleware:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            headers = dict(scope.get("headers", []))
            cid = headers.get(b"x-correlation-id", b"").decode() or new_correlation_id()
            correlation_id.set(cid)
            await self.app(scope, receive, send)
"""
PARTIAL = """
    from starlette.middleware.base import BaseHTTPMiddleware


    class CorrelationMiddleware(BaseHTTPMiddleware):
        async def dispatch(self, request, call_next):
            response = await call_next(request)
            response.headers["X-Correlation-ID"] = request.headers.get("X-Correlation-ID", "-")
            return response
"""


@pytest.mark.parametrize("middleware", [BASE_HTTP, PURE_ASGI], ids=["base-http", "pure-asgi"])
def test_vl702_finds_a_complete_middleware_in_another_module(
    middleware: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"app/main.py": APP, "app/core/logging.py": LOGGING, "app/core/middleware.py": middleware}
    assert check(write_project(tmp_path, files), monkeypatch, "VL7") == []


def test_vl702_reports_the_module_whose_middleware_misses_a_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"app/main.py": APP, "app/core/logging.py": LOGGING, "app/core/middleware.py": PARTIAL}
    assert messages(write_project(tmp_path, files), monkeypatch, "VL702") == [
        "app/core/middleware.py:1:1 VL702 Middleware `CorrelationMiddleware` generates no id when the header is "
        "absent and does not set the correlation-id context (§6.1)"
    ]


def test_vl702_reports_the_app_module_when_no_middleware_deals_with_the_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/core/logging.py": LOGGING,
        "app/core/timing.py": """
            from starlette.middleware.base import BaseHTTPMiddleware


            class TimingMiddleware(BaseHTTPMiddleware):
                async def dispatch(self, request, call_next):
                    return await call_next(request)
        """,
    }
    assert check(write_project(tmp_path, files), monkeypatch, "VL7") == ["app/main.py:1:1 VL702"]


def test_vl7_on_named_files_judge_absences_against_the_whole_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/core/context.py": 'from contextvars import ContextVar\n\ncorrelation_id = ContextVar("correlation_id")\n',
    }
    root = write_project(tmp_path, files)
    assert check(root, monkeypatch, "VL7") == ["app/core/context.py:3:18 VL701", "app/main.py:1:1 VL702"]
    # Named files (pre-commit) are settled against every file of the project: what a full run says.
    assert check(root, monkeypatch, "VL7", ["app/main.py", "app/core/context.py"]) == [
        "app/core/context.py:3:18 VL701",
        "app/main.py:1:1 VL702",
    ]
    # From a subfolder, `..` is the root: the whole project again (paths shown relative to the cwd).
    assert check(root / "app", monkeypatch, "VL7", [".."]) == ["core/context.py:3:18 VL701", "main.py:1:1 VL702"]


def test_vl701_judges_the_logging_module_even_when_passed_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/core/logging.py": 'import contextvars\n\nrequest_id = contextvars.ContextVar("request_id")\n',
    }
    root = write_project(tmp_path, files)
    expected = [
        "app/core/logging.py:3:14 VL701 The correlation-id `ContextVar` is named `request_id`; "
        "name it `correlation_id` (§6.1)"
    ]
    assert messages(root, monkeypatch, "VL701", ["app/core/logging.py"]) == expected
    assert messages(root, monkeypatch, "VL701") == expected


def test_vl701_without_any_logging_module_reports_at_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n", "app/core/config.py": "DEBUG = True\n"}
    assert messages(write_project(tmp_path, files), monkeypatch, "VL701") == [
        "app/main.py:1:1 VL701 The project has no logging module defining the `correlation_id` ContextVar (§6.1)"
    ]


def test_vl701_logging_module_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.vectra-lint.rules.correlation-id-missing]\nlogging-module = ["src/**/log_setup.py"]\n'
    files = {
        "src/svc/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "src/svc/log_setup.py": "import logging\n",
        "app/core/logging.py": "import logging\n",
    }
    assert check(write_project(tmp_path, files, "[tool.vectra-lint]\n" + config), monkeypatch, "VL701") == [
        "src/svc/log_setup.py:1:1 VL701"
    ]


def test_vl702_parsing_an_id_is_not_generating_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    middleware = """
        import asyncio
        from uuid import UUID

        from fastapi import FastAPI

        from app.core.logging import correlation_id

        app = FastAPI()
        ready = asyncio.Event()


        @app.middleware("http")
        async def correlation(request, call_next):
            ready.set()
            cid = UUID(request.headers["x-correlation-id"])
            correlation_id.set(str(cid))
            return await call_next(request)
    """
    files = {"app/main.py": middleware, "app/core/logging.py": LOGGING}
    assert messages(write_project(tmp_path, files), monkeypatch, "VL702") == [
        "app/main.py:1:1 VL702 Middleware `correlation` generates no id when the header is absent (§6.1)"
    ]


HELPER_MIDDLEWARE = """
    from fastapi import FastAPI

    from app.core.logging import correlation_id, resolve_correlation_id

    app = FastAPI()


    @app.middleware("http")
    async def tracing(request, call_next):
        correlation_id.set(resolve_correlation_id(request))
        return await call_next(request)
"""


@pytest.mark.parametrize(
    ("fallback", "expected"),
    [
        ("str(uuid.uuid4())", []),
        (
            '"-"',
            ["app/main.py:1:1 VL702 Middleware `tracing` generates no id when the header is absent (§6.1)"],
        ),
    ],
)
def test_vl702_follows_correlation_helpers_into_other_modules(
    fallback: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logging_module = f"""
        import uuid
        from contextvars import ContextVar

        correlation_id: ContextVar[str] = ContextVar("correlation_id", default="-")


        def resolve_correlation_id(request):
            return request.headers.get("X-Correlation-ID") or {fallback}
    """
    files = {"app/main.py": HELPER_MIDDLEWARE, "app/core/logging.py": logging_module}
    assert messages(write_project(tmp_path, files), monkeypatch, "VL702") == expected


def test_vl702_a_class_named_middleware_on_a_project_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    middleware = """
        from app.core.base import HttpMiddleware


        class CorrelationIdMiddleware(HttpMiddleware):
            async def handle(self, request):
                request.state.cid = request.headers.get("X-Correlation-ID")
    """
    files = {"app/main.py": APP, "app/core/logging.py": LOGGING, "app/core/middleware.py": middleware}
    assert messages(write_project(tmp_path, files), monkeypatch, "VL702") == [
        "app/core/middleware.py:1:1 VL702 Middleware `CorrelationIdMiddleware` generates no id when the header is "
        "absent and does not set the correlation-id context (§6.1)"
    ]


def test_vl702_a_data_class_named_middleware_is_not_taken_for_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seen on vectra-lint itself: a frozen dataclass `Middleware` describing what was found.
    files = {
        "app/main.py": APP,
        "app/core/logging.py": LOGGING,
        "app/core/middleware.py": BASE_HTTP,
        "app/analysis.py": """
            from dataclasses import dataclass


            @dataclass(frozen=True)
            class Middleware:
                name: str
                reads_header: bool
        """,
    }
    assert check(write_project(tmp_path, files), monkeypatch, "VL702") == []
