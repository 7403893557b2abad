"""VL702 correlation-header-not-handled."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from vectra_lint.analysis.correlation import CorrelationAnalysis, CorrelationFacts, Middleware, helpers_by_name
from vectra_lint.analysis.definitions import node_at_start
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

_MIDDLEWARE = """
@app.middleware("http")
async def correlation_middleware(request: Request, call_next: RequestResponseEndpoint) -> Response:
    \"\"\"Take the caller's correlation id, or make one, for the request's logs.\"\"\"
    cid = request.headers.get("X-Correlation-ID") or str(uuid.uuid4())
    token = correlation_id.set(cid)
    try:
        return await call_next(request)
    finally:
        correlation_id.reset(token)
"""


@dataclass(frozen=True)
class MiddlewareModule:
    """A checked module (``path``) with a middleware that misses a step, or that creates the app."""

    path: str


@dataclass(frozen=True)
class MissingStepsMessage(Message):
    """A middleware (by name) that deals with the correlation id, and the steps it misses, in words."""

    middleware: str
    missing: tuple[str, ...]

    @classmethod
    def of(cls, middleware: Middleware) -> MissingStepsMessage:
        """What ``middleware`` misses."""
        return cls(middleware.name, tuple(middleware.missing()))

    def __str__(self) -> str:
        """The text users see."""
        return f"Middleware `{self.middleware}` {' and '.join(self.missing)} (§6.1)"


class CorrelationHeaderNotHandled(Rule):
    """
    ## What it does
    Checks that some HTTP middleware of the project reads the `X-Correlation-ID` request header,
    generates an id when the header is absent, and sets the correlation-id context. Middleware is
    looked for in every module: `@app.middleware("http")` functions, `BaseHTTPMiddleware`
    subclasses, pure ASGI classes (`async def __call__(self, scope, receive, send)`), classes
    named `...Middleware`, and the `asgi_correlation_id` package's `CorrelationIdMiddleware` given
    to `add_middleware` (with `header_name="X-Correlation-ID"`). What a middleware delegates to a
    function with `correlation` in its name (`resolve_correlation_id(request)`), in any module,
    counts as done by the middleware.

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
        Valid(
            "import uuid\n\nfrom fastapi import FastAPI, Request, Response\n"
            "from starlette.middleware.base import RequestResponseEndpoint\n\n"
            "from app.core.logging import correlation_id\n\napp = FastAPI()\n\n" + _MIDDLEWARE,
            path="app/main.py",
        ),
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
                Expect(
                    1, 1, MissingStepsMessage("correlation_middleware", ("generates no id when the header is absent",))
                ),
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
                Expect(
                    1, 1, MissingStepsMessage("CorrelationMiddleware", ("does not set the correlation-id context",))
                ),
            ),
        ),
    )

    def finish(self) -> None:
        """Note this module as a candidate: a middleware that misses a step, or the app without one."""
        facts = self.context.analysis(CorrelationAnalysis).file_facts()
        if not facts.middlewares and not facts.creates_app:
            return
        # This module's own helpers now; those of the other modules in the project phase.
        middlewares = [middleware.with_helpers(helpers_by_name([facts])) for middleware in facts.middlewares]
        if any(middleware.complete for middleware in middlewares):
            return
        # A middleware that calls a helper of another module may turn out to deal with the id.
        partial = [middleware for middleware in middlewares if middleware.about_correlation or middleware.calls]
        if not partial and not facts.creates_app:
            return
        start = node_at_start(self.context.module)
        message = MissingStepsMessage.of(partial[0]) if partial else self.message
        self.report(start, message, anchor=start, length=0, pending=MiddlewareModule(self.context.path))

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """With every file read: nothing if some middleware handles the header; else report the
        modules whose middleware misses a step, or, when there is none, the app's module."""
        if not project.settings.whole_project:
            return []
        facts = {
            path: found
            for path, found in project.facts_of(CorrelationAnalysis).items()
            if isinstance(found, CorrelationFacts)
        }
        helpers = helpers_by_name(facts.values())
        partial: dict[str, Middleware] = {}
        for path, found in sorted(facts.items()):
            for middleware in found.middlewares:
                effective = middleware.with_helpers(helpers)
                if effective.complete:
                    return []
                if effective.about_correlation:
                    partial.setdefault(path, effective)
        kept = []
        for diagnostic in diagnostics:
            path = diagnostic.pending.path if isinstance(diagnostic.pending, MiddlewareModule) else ""
            if path in partial:
                kept.append(replace(diagnostic, message=str(MissingStepsMessage.of(partial[path])), pending=None))
            elif not partial and path in facts and facts[path].creates_app:
                kept.append(replace(diagnostic, message=cls.message, pending=None))
        return kept
