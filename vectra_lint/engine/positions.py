"""Where nodes are in the source, computed only for the nodes that were reported.

libcst's ``PositionProvider`` records a range for every node of the file, about three times the
cost of the parse. This module runs libcst's code generation with a state that tracks text offsets
only at the nodes asked for, and stops as soon as the last of them has been generated.

Usually it generates far less than the file: the walk counts the lines before each statement, so
a node can be located by generating just the statement it is in, starting at that line
(``locate_in``). ``locate`` generates the module from its start, for the rest. Offsets are turned
into lines and columns with a line-start table.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState

from vectra_lint.engine.lines import LineIndex

__all__ = ["LineIndex", "Located", "locate", "locate_in"]


@dataclass(frozen=True)
class Located:
    """A node's syntactic span and whitespace-inclusive span, as character offsets."""

    start: int
    end: int
    outer_start: int
    outer_end: int
    indent: tuple[str, ...]
    """The indentation in force where the node starts, to generate a replacement for it."""


_BODIES = (cst.IndentedBlock, cst.SimpleStatementSuite)


class _Done(Exception):
    """Raised inside code generation once every wanted node is located."""


class _LocatingState(CodegenState):
    # CodegenState is a slotted dataclass; these attributes live in the instance dict.
    def __init__(
        self,
        module: cst.Module,
        wanted: Iterable[cst.CSTNode],
        starts: Iterable[cst.CSTNode] = (),
        offset: int = 0,
        indent: tuple[str, ...] = (),
    ) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.indent_tokens.extend(indent)
        self.wanted: set[int] = {id(node) for node in wanted}
        # Nodes of which only the start is needed (a compound statement's first line, where its
        # body begins): found as soon as their generation begins, so the body is not generated.
        self.starts_only: set[int] = {id(node) for node in starts} - self.wanted
        self.wanted |= self.starts_only
        self.pending = len(self.wanted)
        self.offset = offset
        self.synced = 0
        self.outer_starts: dict[int, tuple[int, tuple[str, ...]]] = {}
        self.syntactic: dict[int, tuple[int, int]] = {}
        self.found: dict[int, Located] = {}
        self.stopping = False

    def _now(self) -> int:
        tokens = self.tokens
        if self.synced < len(tokens):
            self.offset += sum(len(t) for t in tokens[self.synced :])
            self.synced = len(tokens)
        return self.offset

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted:
            self.outer_starts[key] = (self._now(), tuple(self.indent_tokens))
            if key in self.starts_only and type(node) in _BODIES:
                # A block has no syntactic position of its own; its start is where it begins.
                now = self.offset
                self._found(key, Located(now, now, now, now, tuple(self.indent_tokens)))

    def _found(self, key: int, located: Located) -> None:
        self.found[key] = located
        self.pending -= 1
        if self.pending == 0:
            self.stopping = True
            raise _Done

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key not in self.wanted or key in self.found:
            return
        outer_start, indent = self.outer_starts[key]
        outer_end = self._now()
        start, end = self.syntactic.get(key, (outer_start, outer_end))
        self._found(key, Located(start, end, outer_start, outer_end, indent))

    # libcst only uses the result in a `with` statement; its annotation is narrower than that.
    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        # Called for most nodes: a shared do-nothing context object is much cheaper than the
        # generator-based context manager of the base class.
        key = id(node)
        if key not in self.wanted:
            return _NOTHING
        if key in self.starts_only:
            if key in self.found:
                return _NOTHING  # a block found where it began
            now = self._now()
            outer_start, indent = self.outer_starts[key]
            self._found(key, Located(now, now, outer_start, outer_start, indent))
            return _NOTHING
        # A node whose span is hoisted from a child needs that child located too.
        for child in (start_node, end_node):
            if child is not None and id(child) not in self.wanted:
                self.wanted.add(id(child))
                self.pending += 1
        return _Recording(self, node, start_node, end_node)


class _Nothing(AbstractContextManager[None]):
    def __exit__(self, *exc_info: object) -> None:
        return None


_NOTHING = _Nothing()


class _Recording(AbstractContextManager[None]):
    """Records a wanted node's syntactic span around its code generation."""

    def __init__(
        self, state: _LocatingState, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state._now()

    def __exit__(self, *exc_info: object) -> None:
        state = self.state
        if state.stopping:
            return
        start = state.found[id(self.start_node)].start if self.start_node is not None else self.start
        end = state.found[id(self.end_node)].end if self.end_node is not None else state._now()
        state.syntactic[id(self.node)] = (start, end)


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, Located]:
    """The spans of ``nodes`` (keyed by ``id(node)``), from one partial code generation of ``module``."""
    return _run(module, module, _LocatingState(module, nodes))


def locate_in(
    module: cst.Module,
    statement: cst.CSTNode,
    offset: int,
    indent: tuple[str, ...],
    nodes: Iterable[cst.CSTNode],
    starts: Iterable[cst.CSTNode] = (),
) -> dict[int, Located]:
    """Like ``locate``, generating only ``statement``, whose text begins at ``offset`` with the
    enclosing blocks' ``indent``. Nodes that are not inside the statement are not found.

    For ``starts`` only the start is wanted: their end is reported equal to their start.
    """
    return _run(module, statement, _LocatingState(module, nodes, starts, offset, indent))


def _run(module: cst.Module, root: cst.CSTNode, state: _LocatingState) -> dict[int, Located]:
    if state.pending == 0:
        return {}
    try:
        root._codegen(state)
    except _Done:
        pass
    return state.found
