"""VL701 correlation-id-missing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from vectra_lint.analysis.correlation import CorrelationAnalysis, CorrelationFacts
from vectra_lint.analysis.definitions import node_at_start, path_matches
from vectra_lint.api import Expect, Invalid, Message, Rule, StringsOption, Valid

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

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


def is_logging_module(path: str, root: Path, globs: Sequence[str]) -> bool:
    """Whether the file at ``path`` (relative to ``root``) matches the logging-module globs taken
    from the root, or from any folder above or below it: where the command runs decides the root
    when no ``pyproject.toml`` does, and must not decide which file is the logging module
    (`core/logging.py` from `app/`, `proj/app/core/logging.py` from above `proj/`)."""
    if path_matches(path, globs):
        return True
    name = PurePosixPath(path).name
    if not any(fnmatch(name, glob.rsplit("/", 1)[-1]) or "**" in glob.rsplit("/", 1)[-1] for glob in globs):
        return False  # most files: no glob can match the file's own name
    parts = PurePosixPath(os.path.normpath(os.path.join(root, path))).parts[1:]
    return any(path_matches("/".join(parts[start:]), globs) for start in range(len(parts)))


@dataclass(frozen=True)
class Awaiting:
    """Which report the project phase keeps when no logging module is among the checked files:
    those at a `ContextVar` defined elsewhere (``contextvar``), else those at the app (``app``)."""

    where: Literal["contextvar", "app"]


@dataclass(frozen=True)
class MisnamedMessage(Message):
    """The logging module's correlation-id ``ContextVar``, bound to another name than ``correlation_id``."""

    bound: str

    def __str__(self) -> str:
        """The text users see."""
        return f"The correlation-id `ContextVar` is named `{self.bound}`; name it `{NAME}` (§6.1)"


@dataclass(frozen=True)
class ImportedMessage(Message):
    """The logging module imports ``correlation_id`` from the module ``origin`` instead of defining it."""

    origin: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{NAME}` is imported from `{self.origin}`; define the `ContextVar` in the logging module (§6.1)"


@dataclass(frozen=True)
class ElsewhereMessage(Message):
    """A correlation-id ``ContextVar`` (its bound name) defined outside the logging module."""

    bound: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.bound}` is defined here; the correlation-id `ContextVar` belongs in the logging module (§6.1)"


# Where the project has no logging module and no correlation-id `ContextVar` anywhere.
_NO_LOGGING_MODULE = "The project has no logging module defining the `correlation_id` ContextVar (§6.1)"


class CorrelationIdMissing(Rule):
    """
    ## What it does
    Checks that the logging module (option `logging-module`, default `app/core/logging.py`,
    globs relative to the project root) defines a module-level `ContextVar` for the correlation
    id: bound to the name `correlation_id`, or given that name (`correlation_id_ctx =
    ContextVar("correlation_id")`). Reported at the `ContextVar` when it is one under another name
    (`request_id_var = ContextVar("request_id")`); at 1:1 of the logging module when it defines
    none, or imports `correlation_id` from another module instead of defining it. The logging
    module's globs are matched from the project root and from any folder above or below it, so
    the findings do not depend on the folder a run without `pyproject.toml` starts in.

    When the project has no logging module at all, the report goes to the correlation-id
    `ContextVar` defined elsewhere (it should move), or, when there is none, to the top of the
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
            'from contextvars import ContextVar\n\ncorrelation_id_ctx = ContextVar("correlation_id", default=None)\n',
            path="app/core/logging.py",
        ),
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
            expected=(Expect(1, 1, ImportedMessage("app.core.context")),),
        ),
        Invalid(
            'from contextvars import ContextVar\n\nrequest_id_var = ContextVar("request_id")\n',
            path="app/core/logging.py",
            expected=(Expect(3, 18, MisnamedMessage("request_id_var")),),
        ),
        Invalid(
            'from contextvars import ContextVar\n\ncorrelation_id = ContextVar("correlation_id")\n',
            path="app/core/context.py",
            expected=(Expect(3, 18, ElsewhereMessage("correlation_id")),),
        ),
    )

    def finish(self) -> None:
        """Judge the logging module; elsewhere, note where the report goes if there is none."""
        analysis = self.context.analysis(CorrelationAnalysis)
        facts = analysis.file_facts()
        if not facts.context_vars and not facts.creates_app and not self._is_logging_module():
            return
        start = node_at_start(self.context.module)
        if self._is_logging_module():
            judged = self._judge_logging_module(facts)
            if judged is not None:
                message, about = judged
                found = analysis.context_var_node(about) if about is not None else None
                if found is not None:
                    self.report(found[0], message, anchor=found[1])
                else:
                    self.report(start, message, anchor=start, length=0)
            return
        defined = [bound for bound, given in facts.context_vars if _is_correlation_var(bound, given)]
        if defined:
            found = analysis.context_var_node(defined[0])
            assert found is not None  # every module-level ContextVar of the facts has its node
            self.report(found[0], ElsewhereMessage(defined[0]), anchor=found[1], pending=Awaiting("contextvar"))
        elif facts.creates_app:
            self.report(start, _NO_LOGGING_MODULE, anchor=start, length=0, pending=Awaiting("app"))

    def _is_logging_module(self) -> bool:
        return is_logging_module(self.context.path, self.context.settings.root, self.option(LOGGING_MODULE))

    def _judge_logging_module(self, facts: CorrelationFacts) -> tuple[str | Message, str | None] | None:
        """The message for the logging module, and the ContextVar it is about (None: at its top)."""
        if any(NAME in (bound, given) for bound, given in facts.context_vars):
            return None
        others = [bound for bound, given in facts.context_vars if _is_correlation_var(bound, given)]
        if others:
            return MisnamedMessage(others[0]), others[0]
        imported = self.context.scope.bindings(self.context.module).imports.get(NAME)
        if imported is not None:
            return ImportedMessage(imported.rsplit(".", 1)[0]), None
        return self.message, None

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """With every file read and no logging module among them: report where the var lives, else at the app."""
        settings = project.settings
        if not settings.whole_project:
            return []
        globs = settings.option(cls.code, LOGGING_MODULE)
        if any(is_logging_module(path, settings.root, globs) for path in project.facts):
            return []
        facts = [f for f in project.facts_of(CorrelationAnalysis).values() if isinstance(f, CorrelationFacts)]
        has_var = any(_is_correlation_var(bound, given) for f in facts for bound, given in f.context_vars)
        wanted = Awaiting("contextvar" if has_var else "app")
        return [replace(d, pending=None) for d in diagnostics if d.pending == wanted]
