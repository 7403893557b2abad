"""VL701 correlation-id-missing."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from vectra_lint.analysis.correlation import CorrelationAnalysis, CorrelationFacts
from vectra_lint.analysis.definitions import node_at_start, path_matches
from vectra_lint.rule import Expect, Invalid, Rule, StringsOption, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.diagnostics import Diagnostic

NAME = "correlation_id"
LOGGING_MODULE = StringsOption(
    "logging-module",
    ("app/core/logging.py",),
    "Gitignore-style globs (relative to the project root) of the logging module.",
)
# Names under which teams keep a correlation id before they follow §6.1.
_ID_WORDS = ("correlation", "request_id", "trace_id", "cid")


def _is_correlation_var(bound: str, given: str) -> bool:
    return any(word in bound.lower() or word in given.lower() for word in _ID_WORDS)


class CorrelationIdMissing(Rule):
    """
    ## What it does
    Checks that the logging module (option `logging-module`, default `app/core/logging.py`,
    globs relative to the project root) defines a module-level `ContextVar` named
    `correlation_id`. Reported at 1:1 of the logging module when it defines none, defines it
    under another name (`request_id_var = ContextVar("correlation_id")`), or imports it from
    another module instead of defining it.

    When the project has no logging module at all, the report goes to the module that defines
    the correlation-id `ContextVar` elsewhere (it should move), or, when there is none, to the
    module that creates the `FastAPI`/`Starlette` application.

    ## Why is this bad?
    §6.1: one `ContextVar` named `correlation_id` in `app/core/logging.py` is what the middleware
    sets, the workers update and the log filter reads; a second one, or one under another name,
    splits the trace.

    ## Notes
    What it needs to see: the logging module alone decides whether that module is reported, so a
    run on changed files only (pre-commit) reports it correctly. That the logging module is
    *missing* is judged only when the checked paths contain the project root (every file is
    read then); on a partial run nothing is reported about it.
    """

    code = "VL701"
    name = "correlation-id-missing"
    message = "The logging module defines no `ContextVar` named `correlation_id` (§6.1)"
    options = (LOGGING_MODULE,)
    analyses = (CorrelationAnalysis,)
    valid = (
        Valid(
            '"""Logging."""\n\nfrom contextvars import ContextVar\n\n'
            'correlation_id: ContextVar[str] = ContextVar("correlation_id", default="-")\n',
            path="app/core/logging.py",
        ),
        Valid("from app.core.logging import correlation_id\n", path="app/core/context.py"),
        Valid(
            'import contextvars\n\ncorrelation_id = contextvars.ContextVar("cid")\n',
            path="src/shared/log_setup.py",
            options={"logging-module": ["src/shared/log_setup.py"]},
        ),
    )
    invalid = (
        Invalid('"""Logging."""\n\nimport logging\n', path="app/core/logging.py", expected=(Expect(1, 1),)),
        Invalid(
            "from app.core.context import correlation_id\n",
            path="app/core/logging.py",
            expected=(
                Expect(
                    1,
                    1,
                    "`correlation_id` is imported from `app.core.context`; "
                    "define the `ContextVar` in the logging module (§6.1)",
                ),
            ),
        ),
        Invalid(
            'from contextvars import ContextVar\n\nrequest_id_var = ContextVar("request_id")\n',
            path="app/core/logging.py",
            expected=(
                Expect(
                    1, 1, "The correlation-id `ContextVar` is named `request_id_var`; name it `correlation_id` (§6.1)"
                ),
            ),
        ),
        Invalid(
            'from contextvars import ContextVar\n\ncorrelation_id = ContextVar("correlation_id")\n',
            path="app/core/context.py",
            expected=(
                Expect(
                    1,
                    1,
                    "`correlation_id` is defined here; "
                    "the correlation-id `ContextVar` belongs in the logging module (§6.1)",
                ),
            ),
        ),
    )

    def finish(self) -> None:
        """Judge the logging module; elsewhere, note where the report goes if there is none."""
        facts = self.context.analysis(CorrelationAnalysis).file_facts()
        if not facts.context_vars and not facts.creates_app and not self._is_logging_module():
            return
        start = node_at_start(self.context.module)
        if self._is_logging_module():
            message = self._judge_logging_module(facts)
            if message is not None:
                self.report(start, message, anchor=start, length=0)
            return
        defined = [bound for bound, given in facts.context_vars if _is_correlation_var(bound, given)]
        if defined:
            message = (
                f"`{defined[0]}` is defined here; the correlation-id `ContextVar` belongs in the logging module (§6.1)"
            )
            self.report(start, message, anchor=start, length=0, pending=("contextvar",))
        elif facts.creates_app:
            message = "The project has no logging module defining the `correlation_id` ContextVar (§6.1)"
            self.report(start, message, anchor=start, length=0, pending=("app",))

    def _is_logging_module(self) -> bool:
        return path_matches(self.context.path, self.option(LOGGING_MODULE))

    def _judge_logging_module(self, facts: CorrelationFacts) -> str | None:
        bound_names = [bound for bound, _ in facts.context_vars]
        if NAME in bound_names:
            return None
        others = [bound for bound, given in facts.context_vars if _is_correlation_var(bound, given)]
        if others:
            return f"The correlation-id `ContextVar` is named `{others[0]}`; name it `{NAME}` (§6.1)"
        imported = self.context.scope.bindings(self.context.module).imports.get(NAME)
        if imported is not None:
            origin = imported.rsplit(".", 1)[0]
            return f"`{NAME}` is imported from `{origin}`; define the `ContextVar` in the logging module (§6.1)"
        return self.message

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """With every file read and no logging module among them: report where the var lives, else at the app."""
        settings = project.settings
        if not settings.whole_project:
            return []
        globs = settings.option(cls.code, LOGGING_MODULE)
        if any(path_matches(path, globs) for path in project.facts):
            return []
        facts = [f for f in project.facts_of(CorrelationAnalysis).values() if isinstance(f, CorrelationFacts)]
        has_var = any(_is_correlation_var(bound, given) for f in facts for bound, given in f.context_vars)
        wanted = "contextvar" if has_var else "app"
        return [replace(d, pending=None) for d in diagnostics if d.pending == (wanted,)]
