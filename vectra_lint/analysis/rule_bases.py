"""Base classes shared by the async and error rules (kept outside ``rules/``, which holds one rule per module)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, cast

import libcst as cst

from vectra_lint.analysis.blocking_calls import BlockingCall, BlockingCalls
from vectra_lint.analysis.module_summary import INDEX_ANALYSES
from vectra_lint.analysis.project_index import ProjectIndex, Tri, file_index
from vectra_lint.rule import Analysis, FixSpec, Message, Rule

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.diagnostics import Diagnostic
    from vectra_lint.engine.context import FileContext


@dataclass(frozen=True)
class Candidate:
    """What a pending diagnostic carries to the project phase: a frozen (picklable) dataclass,
    subclassed by each rule with the fields its ``decide`` needs."""

    path: str
    """The checked file, relative to the project root."""


CandidateT = TypeVar("CandidateT", bound=Candidate)


@dataclass(frozen=True)
class Verdict:
    """A rule's decision about one candidate: report (YES), drop (NO/UNKNOWN), or wait (DEFER)."""

    found: Tri
    message: str | Message | None = None


class IndexRule(Rule, Generic[CandidateT]):
    """A rule that decides with the project index.

    Candidates found during the walk go to ``judge``, which asks ``decide`` with the file's own
    index: a definite answer is reported (or dropped) at once; one that depends on other project
    modules is reported as pending, and ``decide`` runs again in the project phase with the index
    of every checked file, where what is still unknown is dropped (benefit of the doubt).
    """

    analyses: ClassVar[tuple[type[Analysis], ...]] = INDEX_ANALYSES

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: CandidateT) -> Verdict:
        """Decide one candidate (as given to ``judge``)."""
        raise NotImplementedError

    def index(self) -> ProjectIndex:
        """This file's own index (complete only after the walk: call from ``finish``)."""
        return file_index(self.context)

    def judge(
        self,
        node: cst.CSTNode,
        candidate: CandidateT,
        *,
        anchor: cst.CSTNode | None = None,
        fix: FixSpec | None = None,
        length: int | None = None,
    ) -> None:
        """Report ``node`` now, later (pending) or never, as ``decide`` says."""
        verdict = self.decide(self.index(), candidate)
        if verdict.found is Tri.YES:
            self.report(node, verdict.message, anchor=anchor, fix=fix, length=length)
        elif verdict.found is Tri.DEFER:
            self.report(node, verdict.message, anchor=anchor, fix=fix, length=length, pending=candidate)

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep the pending diagnostics that the whole project confirms, with their final message."""
        index = ProjectIndex.of(project)
        kept: list[Diagnostic] = []
        for diagnostic in diagnostics:
            # ``judge`` is the only place that sets ``pending`` for this rule, always to a CandidateT.
            verdict = cls.decide(index, cast(CandidateT, diagnostic.pending))
            if verdict.found is Tri.YES:
                message = diagnostic.message if verdict.message is None else str(verdict.message)
                kept.append(replace(diagnostic, message=message, pending=None))
        return kept


@dataclass(frozen=True)
class CallMessage(Message):
    """A message about one call, named by its source text (``requests.get``)."""

    call: str


def may_define_coroutines(context: FileContext) -> bool:
    """Whether the file can hold an ``async def`` at all: without the word, rules about code run
    in coroutines have nothing to look at (most files), and are left out of the walk."""
    return context.mentions("async")


class BlockingCallRule(Rule):
    """VL202-VL205: a call the blocking tables give this rule's code, made directly in a coroutine."""

    analyses: ClassVar[tuple[type[Analysis], ...]] = (BlockingCalls,)
    call_message: ClassVar[type[CallMessage]]
    """The rule's message type (its text names the call)."""

    def describe(self, node: cst.Call, found: BlockingCall) -> Message:
        """The message for one call."""
        return self.call_message(self.context.code_for(node.func))

    def fix_for(self, node: cst.Call, found: BlockingCall) -> FixSpec | None:
        """The fix for one call, if the rule offers one."""
        return None

    def applies(self) -> bool:
        """Only files that say ``async`` can define coroutines."""
        return may_define_coroutines(self.context)

    def visit_Call(self, node: cst.Call) -> None:
        """Report the calls of this rule's kind made directly inside an ``async def``."""
        if not self.context.scope.in_async_function():
            return
        found = self.context.analysis(BlockingCalls).match(node)
        if found is None or found.code != self.code:
            return
        self.report(node, self.describe(node, found), fix=self.fix_for(node, found))
