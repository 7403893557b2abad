"""Where nodes are in the source, computed only for the nodes that were reported.

libcst's ``PositionProvider`` records a range for every node of the file, about three times the
cost of the parse. Instead, code generation runs with a state that tracks text offsets only at the
nodes asked for, and stops as soon as the last of them has been generated (``libcst_private.py``,
which falls back to ``PositionProvider`` where libcst no longer works as it expects).

Usually it generates far less than the file: the walk counts the lines before each statement, so
a node can be located by generating just the statement it is in, starting at that line
(``locate_in``). ``locate`` generates the module from its start, for the rest. Offsets are turned
into lines and columns with a line-start table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from vectra_lint.engine import libcst_private
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


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, Located]:
    """The spans of ``nodes`` (keyed by ``id(node)``), from one partial code generation of ``module``."""
    return {key: Located(*span) for key, span in libcst_private.locate(module, module, nodes).items()}


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
    found = libcst_private.locate(module, statement, nodes, starts, offset, indent)
    return {key: Located(*span) for key, span in found.items()}
