"""What one lint of a document worked out from some of its nodes alone, kept for the next lint of
the same document (the editor's, at every keystroke).

The editor parses an edited text from the last one's tree (``lsp/reparse.py``): the statements
the edit did not touch are the very same node objects, and libcst's nodes never change. So what is
a function of some nodes (and of plain values given with them) alone, such as where a node is
within its statement or the code of a fix built from a function, is the same as last time for
the same nodes, and need not be worked out again. A lint without a memo (the CLI's) works
everything out (:data:`NO_MEMO`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar, cast

import libcst as cst

T = TypeVar("T")


class NodeMemo:
    """Values by the nodes (by identity) and the key they were made from; those of the last lint
    of the document are kept, older ones let go (what an edit replaced is not held)."""

    def __init__(self) -> None:
        """Nothing remembered yet."""
        self._last: dict[Hashable, tuple[tuple[cst.CSTNode, ...], object]] = {}
        self._now: dict[Hashable, tuple[tuple[cst.CSTNode, ...], object]] = {}

    def next_lint(self) -> None:
        """A new lint of the document starts: what the last one used stays available."""
        if self._now:
            self._last, self._now = self._now, {}

    def get(self, nodes: tuple[cst.CSTNode, ...], key: Hashable, make: Callable[[], T]) -> T:
        """The value ``make`` gives: a function of ``nodes`` and ``key`` alone (``key`` holds
        plain values, and starts with what the value is, so that no two uses share keys)."""
        full = (key, *map(id, nodes))
        found = self._now.get(full) or self._last.get(full)
        # The nodes are held with the value: an id is never another node's while the entry lives.
        if found is not None and all(kept is node for kept, node in zip(found[0], nodes, strict=True)):
            value = cast("T", found[1])
        else:
            value = make()
        self._now[full] = (nodes, value)
        return value


class _NoMemo(NodeMemo):
    def next_lint(self) -> None:
        pass

    def get(self, nodes: tuple[cst.CSTNode, ...], key: Hashable, make: Callable[[], T]) -> T:
        return make()


NO_MEMO: NodeMemo = _NoMemo()
"""Remembers nothing: a lint of a text that will not be linted again from the same tree."""
