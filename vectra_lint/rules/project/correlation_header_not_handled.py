"""VL702 correlation-header-not-handled."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from vectra_lint.analysis.correlation import CorrelationAnalysis, CorrelationFacts
from vectra_lint.analysis.definitions import node_at_start
from vectra_lint.rule import Expect, Invalid, Rule, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.diagnostics import Diagnostic

_MIDDLEWARE = """
@app.middleware("http")
async def correlation_middleware(request, call_next):
    cid = request.headers.get("X-Correlation-ID") or str(uuid.uuid4())
    token = correlation_id.set(cid)
    try:
        return await call_next(request)
    finally:
        correlation_id.reset(token)
"""


class CorrelationHeaderNotHandled(Rule):
    """
    ## What it does
    Checks that some HTTP middleware of the project reads the `X-Correlation-ID` request header,
    generates an id when the header is absent, and sets the correlation-id context. Middleware is
    looked for in every module: `@app.middleware("http")` functions, `BaseHTTPMiddleware`
    subclasses, pure ASGI classes (`async def __call__(self, scope, receive, send)`), and the
    `asgi_correlation_id` package's `CorrelationIdMiddleware` given to `add_middleware`
    (with `header_name="X-Correlation-ID"`).

    Reported at 1:1 of the module that must change: the one whose middleware deals with the
    correlation id but misses a step (the message says which), or, when no middleware deals with
    it, the module that creates the `FastAPI`/`Starlette` application.

    ## Why is this bad?
    §6.1: the middleware is where a request's correlation id enters the service. Without it, the
    caller's id is dropped and the logs of one request cannot be found together; without an id
    generated when the header is absent, the requests of callers that send none share no id.

    ## Notes
    What it needs to see: the whole project. It judges only when the checked paths contain the
    project root (every module is read then); on a partial run (pre-commit on changed files) it
    reports nothing, since the middleware may sit in a file that was not passed.

    A middleware "reads" the header when it names it: the literal (any case, bytes too), a module
    constant holding it, or a name like `CORRELATION_ID_HEADER`. It "generates" an id with a call
    such as `uuid4()`, `secrets.token_hex()` or `generate_correlation_id()`, and "sets the
    context" with `.set(...)` on a context variable or a helper like `set_correlation_id(...)`.
    """

    code = "VL702"
    name = "correlation-header-not-handled"
    message = "No middleware reads `X-Correlation-ID`, generates an id when it is absent and sets the context (§6.1)"
    analyses = (CorrelationAnalysis,)
    valid = (
        Valid("import uuid\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n" + _MIDDLEWARE, path="app/main.py"),
        Valid(
            "from asgi_correlation_id import CorrelationIdMiddleware\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
            'app.add_middleware(CorrelationIdMiddleware, header_name="X-Correlation-ID")\n',
            path="app/main.py",
        ),
        Valid('"""Helpers."""\n', path="app/core/helpers.py"),
    )
    invalid = (
        Invalid("from fastapi import FastAPI\n\napp = FastAPI()\n", path="app/main.py", expected=(Expect(1, 1),)),
        Invalid(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n" + _MIDDLEWARE.replace(" or str(uuid.uuid4())", ""),
            path="app/main.py",
            expected=(
                Expect(1, 1, "Middleware `correlation_middleware` generates no id when the header is absent (§6.1)"),
            ),
        ),
        Invalid(
            "from starlette.middleware.base import BaseHTTPMiddleware\n\n\n"
            "class CorrelationMiddleware(BaseHTTPMiddleware):\n"
            "    async def dispatch(self, request, call_next):\n"
            "        response = await call_next(request)\n"
            '        response.headers["X-Correlation-ID"] = str(uuid4())\n'
            "        return response\n",
            path="app/core/middleware.py",
            expected=(
                Expect(1, 1, "Middleware `CorrelationMiddleware` does not set the correlation-id context (§6.1)"),
            ),
        ),
    )

    def finish(self) -> None:
        """Note this module as a candidate: a middleware that misses a step, or the app without one."""
        facts = self.context.analysis(CorrelationAnalysis).file_facts()
        if any(middleware.complete for middleware in facts.middlewares):
            return
        partial = [m for m in facts.middlewares if m.about_correlation]
        if not partial and not facts.creates_app:
            return
        start = node_at_start(self.context.module)
        if partial:
            lacks = " and ".join(partial[0].missing())
            message = f"Middleware `{partial[0].name}` {lacks} (§6.1)"
            self.report(start, message, anchor=start, length=0, pending=("middleware",))
        elif facts.creates_app:
            self.report(start, anchor=start, length=0, pending=("app",))

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """With every file read: nothing if some middleware handles the header; else report the
        modules whose middleware misses a step, or, when there is none, the app's module."""
        if not project.settings.whole_project:
            return []
        middlewares = [
            middleware
            for facts in project.facts_of(CorrelationAnalysis).values()
            if isinstance(facts, CorrelationFacts)
            for middleware in facts.middlewares
        ]
        if any(middleware.complete for middleware in middlewares):
            return []
        wanted = "middleware" if any(middleware.about_correlation for middleware in middlewares) else "app"
        return [replace(d, pending=None) for d in diagnostics if d.pending == (wanted,)]
