"""Putting back what libcst's parser drops, so that a tree's code is its text again.

Every position the engine computes from generated code (locating a report, a fix's offsets) holds
only if the tree generates the text it was parsed from. libcst's parser drops the whitespace
between an ``except`` handler's type and its colon when the handler has no ``as`` (LibCST issue
#1457, open in 1.9: ``except OSError :`` generates ``except OSError:``); everything generated after
it is then a character early, and a fix inserted there breaks the file (CPython's
``test_posix.py``). Such handlers are rare (formatters remove the space), so a file is looked at
only when a regular expression finds one; its handlers' whitespace is then read from the tokens.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import TypeVar

import libcst as cst

# A handler header with whitespace before a colon on its line, or continued by a backslash; or
# one continued in brackets, in a file where a closing bracket has whitespace before a colon
# (cheap: most files have none of these; no leading \b, which made the search 20 times slower).
_SPACED_EXCEPT = re.compile(r"except\b[^:\n]*(?:[ \t]:|\\\r?\n)")
_CONTINUED_EXCEPT = re.compile(r"except\b[^:\n]*[(\[][^:\n]*\n")
_SPACED_CLOSE = re.compile(r"[)\]][ \t]+:")
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")
_HANDLERS = (cst.ExceptHandler, cst.ExceptStarHandler)
_Handler = TypeVar("_Handler", cst.ExceptHandler, cst.ExceptStarHandler)


def restore_except_spacing(text: str, module: cst.Module) -> cst.Module:
    """``module`` with the whitespace before the colon of each handler without ``as`` as ``text``
    has it (``module`` itself when nothing is missing, or the tokens and the tree disagree)."""
    if _SPACED_EXCEPT.search(text) is None and (
        _CONTINUED_EXCEPT.search(text) is None or _SPACED_CLOSE.search(text) is None
    ):
        return module
    spaces = _spaces_before_colon(text)
    if spaces is None:
        return module
    # Imported here: the walker imports libcst_private, which imports this module.
    from vectra_lint.engine.walker import iter_nodes

    handlers = [node for node in iter_nodes(module, _HANDLERS) if node.type is not None and node.name is None]
    if len(spaces) != len(handlers):
        return module
    wanted = {
        id(handler): space
        for handler, space in zip(handlers, spaces, strict=True)
        if handler.whitespace_before_colon.value != space
    }
    if not wanted:
        return module
    restored = module.visit(_Restore(wanted))
    assert isinstance(restored, cst.Module)
    return restored


def _spaces_before_colon(text: str) -> list[str] | None:
    """For each handler with a type and no ``as``, in order: the text between its type and its
    colon. None when the text does not tokenize."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spaces: list[str] = []
    header: list[tokenize.TokenInfo] | None = None  # the tokens of a handler header being read
    depth = 0
    line_start = True
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, value = token.type, token.string
            if header is None:
                if line_start and kind == tokenize.NAME and value == "except":
                    header, depth = [], 0
                line_start = kind in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL)
                continue
            if kind == tokenize.OP and value in _OPENING:
                depth += 1
            elif kind == tokenize.OP and value in _CLOSING:
                depth -= 1
            elif depth == 0 and kind == tokenize.OP and value == ":":
                named = any(item.type == tokenize.NAME and item.string == "as" for item in header)
                typed = [item for item in header if not (item.type == tokenize.OP and item.string == "*")]
                if typed and not named:
                    end, start = typed[-1].end, token.start
                    spaces.append(text[starts[end[0] - 1] + end[1] : starts[start[0] - 1] + start[1]])
                header, line_start = None, False
                continue
            if kind not in (tokenize.NL, tokenize.COMMENT):
                header.append(token)
    except (tokenize.TokenError, SyntaxError):
        return None
    return spaces


class _Restore(cst.CSTTransformer):
    """Sets the whitespace before the colon of the handlers ``wanted`` (by id)."""

    def __init__(self, wanted: dict[int, str]) -> None:
        super().__init__()
        self.wanted = wanted

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        """Put back the handler's whitespace."""
        return self._restored(original_node, updated_node)

    def leave_ExceptStarHandler(
        self, original_node: cst.ExceptStarHandler, updated_node: cst.ExceptStarHandler
    ) -> cst.ExceptStarHandler:
        """Put back the handler's whitespace."""
        return self._restored(original_node, updated_node)

    def _restored(self, original: _Handler, updated: _Handler) -> _Handler:
        space = self.wanted.get(id(original))
        return updated if space is None else updated.with_changes(whitespace_before_colon=cst.SimpleWhitespace(space))
