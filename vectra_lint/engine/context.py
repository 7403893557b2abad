"""What a rule knows about the file it is checking, and the shared analyses of that file."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import libcst as cst

from vectra_lint.config.settings import Settings
from vectra_lint.engine.memo import NO_MEMO, NodeMemo
from vectra_lint.engine.scope import ScopeTracker

if TYPE_CHECKING:
    from vectra_lint.rule import Analysis

AnalysisT = TypeVar("AnalysisT", bound="Analysis")
T = TypeVar("T")


class FileContext:
    """Per-file state shared by all rules during the single walk."""

    def __init__(
        self, path: str, source: str, module: cst.Module, settings: Settings, memo: NodeMemo = NO_MEMO
    ) -> None:
        """Set up the context of one file; the analyses are added by the engine."""
        self.path = path
        """The file's path relative to the project root, in posix form (how layer globs see it)."""
        self.source = source
        self.module = module
        self.settings = settings
        self.memo = memo
        """What the last lint of the same document made from the same nodes (the editor's); in
        other lints, nothing."""
        self.scope = ScopeTracker(source)
        """Imports, enclosing functions and handlers, updated by the walker before rules see a node."""
        self.current_statement: cst.CSTNode | None = None
        """The innermost statement being walked; reports are anchored to it for ``# noqa``."""
        self.statements: list[cst.CSTNode] = []
        """The statements being walked, outermost first (``current_statement`` is the last)."""
        self.analyses: dict[type[Analysis], Analysis] = {}
        self._mentions: dict[str, bool] = {}
        self._once: dict[str, Any] = {}  # Any: each key's maker says what it holds

    def mentions(self, text: str) -> bool:
        """Whether the source contains ``text`` anywhere: several rules' ``applies`` ask the same
        question of the same file, and each answer is a scan of the whole text."""
        found = self._mentions.get(text)
        if found is None:
            found = self._mentions[text] = text in self.source
        return found

    def once(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, worked out once per file under ``key``: what fixes ask of the whole module
        again for each finding (where new statements go) is read from the tree once."""
        if key not in self._once:
            self._once[key] = make()
        found: T = self._once[key]
        return found

    def analysis(self, kind: type[AnalysisT]) -> AnalysisT:
        """The shared analysis of this file (declared in the rule's ``analyses``)."""
        found = self.analyses[kind]
        assert isinstance(found, kind)
        return found

    @cached_property
    def layers(self) -> frozenset[str]:
        """The configured layers (``routes``, ``services``, ...) this file belongs to."""
        return self.settings.layers_of(self.path)

    def in_layer(self, *names: str) -> bool:
        """Whether this file is in any of the named layers."""
        return not self.layers.isdisjoint(names)

    def code_for(self, node: cst.CSTNode) -> str:
        """The source text libcst generates for ``node`` (for messages)."""
        return self.module.code_for_node(node)
