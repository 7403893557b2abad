"""Cheap checks that keep pathological files away from libcst and Ruff.

libcst's native parser crashes the process (a segfault, not an exception) on a few thousand
nested brackets or a chain of some ten thousand ``+`` terms, and its time grows with the square of
an expression's depth (2,000 levels: several seconds; 6,000: about a minute). Ruff overflows its
stack on such chains. CPython itself rejects most of these files (200 nested brackets, about 3,000
chained terms), so a file that looks deep is first compiled by CPython: what CPython rejects is a
syntax error (VL001) reported before libcst sees it, and what CPython accepts but is deeper than
:data:`MAX_DEPTH` cannot be analysed (:class:`CannotAnalyse`).

Ordinary files pay one scan of their brackets and line lengths; only files that look deep are
compiled.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

MAX_DEPTH = 600
"""The deepest syntax tree (CPython's) analysed; libcst needs about a second at this depth."""

# Thresholds of the cheap scan below which a file cannot reach MAX_DEPTH. They are loose on
# purpose: crossing one costs only a CPython compile.
_SUSPECT_BRACKETS = 60
_SUSPECT_LINE = 3000
_SUSPECT_CONTINUED_LINES = 300
# The scan runs on the UTF-8 bytes: deleting every other byte with bytes.translate is several
# times faster than a regular expression on the text (no multi-byte character has an ASCII byte).
_NOT_BRACKET_OR_NEWLINE = bytes(byte for byte in range(256) if byte not in b"()[]{}\n\0")
# A line starting at column 0 with a name, decorator or comment starts a new statement: counting
# restarts there, so that a bracket inside a string does not leave the rest of the file "open".
_TOP_LEVEL_LINE = re.compile(rb"\n(?=[A-Za-z_@#])")
_OPENING = frozenset(b"([{")
_NEWLINE = ord("\n")


class CannotAnalyse(Exception):
    """A file CPython accepts but vectra-lint cannot analyse (its parser would crash or stall)."""


@dataclass(frozen=True)
class Rejected:
    """Why CPython rejects a file, where (1-based), as a syntax error (VL001 words it)."""

    reason: str
    """CPython's words."""
    line: int
    column: int
    syntax: bool = True
    """False: CPython gave up compiling it (too deep, out of memory) rather than finding an error."""


def looks_deep(text: str) -> bool:
    """Whether ``text`` may hold a deep expression: many nested brackets, a very long line, or a
    bracketed expression over very many lines. Brackets inside strings and comments count too: a
    false alarm costs one CPython compile."""
    if len(text) < _SUSPECT_LINE and text.count("\n") < _SUSPECT_CONTINUED_LINES:
        # No line can be long, no bracketed run can span enough lines: only nesting can be deep,
        # and it cannot be deeper than there are opening brackets (300 nested fit in 600 characters).
        if text.count("(") + text.count("[") + text.count("{") <= _SUSPECT_BRACKETS:
            return False
    elif max(map(len, text.split("\n"))) > _SUSPECT_LINE:
        return True
    depth = deepest = continued = 0
    marked = _TOP_LEVEL_LINE.sub(b"\0", text.encode("utf-8", "surrogatepass"))
    for char in marked.translate(None, _NOT_BRACKET_OR_NEWLINE):
        if char == 0:
            depth = continued = 0
        elif char == _NEWLINE:
            if depth > 0:
                continued += 1
                if continued > _SUSPECT_CONTINUED_LINES:
                    return True
            else:
                continued = 0
        elif char in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth > 0:
            depth -= 1
    return deepest > _SUSPECT_BRACKETS


def precheck(text: str, path: str) -> Rejected | None:
    """CPython's verdict on a file that looks deep: None when it may go to libcst.

    Raises :class:`CannotAnalyse` when CPython accepts the file but it is too deep to analyse.
    """
    if not looks_deep(text):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's code's warnings are not ours to print
            tree = compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return Rejected(error.msg, error.lineno or 1, error.offset or 1)
    except (RecursionError, MemoryError) as error:
        # CPython gives no position: the file is rejected as a whole.
        return Rejected(str(error) or type(error).__name__, 1, 1, syntax=False)
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        raise CannotAnalyse(
            f"its syntax tree is {depth} levels deep (at most {MAX_DEPTH} are analysed); "
            "exclude it if it is generated code"
        )
    return None


def _depth(tree: ast.AST) -> int:
    # Iterative: the tree may be deeper than Python's recursion limit. The fields are read here
    # rather than through ast.iter_child_nodes, whose generator per node tripled the cost.
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > deepest:
            deepest = level
        level += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append((value, level))
            elif type(value) is list:
                stack.extend((item, level) for item in value if isinstance(item, ast.AST))
    return deepest
