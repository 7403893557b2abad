"""Parsing source with libcst, without re-validating every node its parser builds.

libcst validates each node as it is constructed (``CSTNode.__post_init__`` calls ``_validate``),
including every node of a tree its own parser has just built from source it accepted: about a
sixth of the parse's time, for no finding (libcst's source says as much: "avoid validating the
tree when parsing a file"). Nodes that rules build for fixes are still validated: validation is
off only while ``parse_module`` runs, and the engine runs no other code meanwhile (no threads).

A few node types keep it: their checks are grammar rules that libcst's parser leaves to validation
(``u"a" b"c"`` parses, then fails validation), or might (argument and parameter order); invalid
source must keep failing as it did.
"""

from __future__ import annotations

import libcst as cst
from libcst._nodes.base import CSTNode

_VALIDATE = CSTNode.__post_init__
_STILL_VALIDATED = frozenset({cst.ConcatenatedString, cst.Call, cst.Arg, cst.Parameters, cst.Param, cst.Lambda})


def _unvalidated(self: CSTNode) -> None:
    if type(self) in _STILL_VALIDATED:
        self._validate()


def parse_module(text: str) -> cst.Module:
    """``libcst.parse_module``, minus most of the per-node validation of the parser's own output."""
    CSTNode.__post_init__ = _unvalidated  # type: ignore[method-assign]  # restored below, whatever happens
    try:
        return cst.parse_module(text)
    finally:
        CSTNode.__post_init__ = _VALIDATE  # type: ignore[method-assign]  # see above
