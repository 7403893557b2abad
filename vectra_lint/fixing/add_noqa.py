"""``check --add-noqa``: silence every current finding with a ``# noqa`` comment, as Ruff does.

Each comment goes on a line where the engine honours it for that diagnostic (its own line, else
the first or last line of its statement), never where a comment cannot be: inside a multi-line
string or after a backslash continuation. An existing ``# noqa: CODES`` on the line is extended;
a bare ``# noqa`` already silences everything. Running it twice adds nothing, and the program's
syntax tree is unchanged (checked before anything is written).

Trailing whitespace (Ruff's W291, W293 and, on a whitespace-only line, what else judges its
indentation) is not silenced but removed: a comment written at the end of the line would end the
whitespace anyway, and the next check would call the comment unused.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine import noqa
from vectra_lint.fixing.apply import apply_fixes

NOT_SILENCEABLE = frozenset({"VL001", "VL002"})
"""A file that does not parse has no comments the engine could read; an unused noqa is not
silenced by another one but removed (its safe fix is applied)."""
UNUSED_NOQA = "VL002"
TRAILING_WHITESPACE = frozenset({"W291", "W293"})
"""Findings that a comment at the end of their own line cures: there the whitespace is removed,
not silenced."""

# Only these end a line for Python (and for the engine's line numbers): `str.splitlines` also
# splits on form feeds, \x1c-\x1e, \x85 and \u2028, which may stand inside strings and comments.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# What Python allows between tokens: the blanks a comment may replace.
_BLANKS = " \t\f"


class NotSilenced(Exception):
    """The comments would change the program (a bug to report, never a file to write)."""


@dataclass(frozen=True)
class _Layout:
    comments: dict[int, tuple[int, str]]
    """Line -> (column of the ``#``, the comment) for the lines that end in a comment."""
    closed: frozenset[int]
    """Lines that cannot take a comment: they end inside a string or with a backslash."""


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their line breaks, split where Python splits them."""
    return _LINE.findall(text)


# Python 3.12 splits f-strings into parts; a multi-line one spans lines in its middle part.
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)


def _layout(text: str, lines: list[str]) -> _Layout | None:
    comments: dict[int, tuple[int, str]] = {}
    closed: set[int] = set()
    try:
        # newline=None: a lone "\r" ends a line for the tokenizer as it does for Python.
        for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = (token.start[1], token.string)
            elif token.start[0] != token.end[0] and token.type in (tokenize.STRING, _FSTRING_MIDDLE):
                closed.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return None
    # A backslash that ends a comment (`# C:\`) continues nothing; one after code does.
    closed.update(
        number
        for number, line in enumerate(lines, start=1)
        if number not in comments and line.rstrip("\r\n").endswith("\\")
    )
    return _Layout(comments, frozenset(closed))


def _line_for(diagnostic: Diagnostic, layout: _Layout, line_count: int) -> int | None:
    candidates = [diagnostic.line, *sorted(set(diagnostic.noqa_lines) - {diagnostic.line}, reverse=True)]
    for line in candidates:
        if 1 <= line <= line_count and line not in layout.closed:
            return line
    return None


def add_noqa(text: str, diagnostics: Sequence[Diagnostic], reason: str | None = None) -> tuple[str, int]:
    """``text`` with a ``# noqa`` for each diagnostic, and how many comments were added or extended
    (unused codes in existing comments are removed too, trailing whitespace that is reported is
    removed).

    ``reason`` is written after the codes (``-- reason``) of new comments, for projects that
    require one. Raises ``NotSilenced`` if the result would not be the same program.
    """
    original = text
    unused = [d for d in diagnostics if d.code == UNUSED_NOQA and d.fix is not None]
    if unused:
        # Its edits stay inside the comment's line: the other diagnostics' lines do not move.
        text, _ = apply_fixes(text, unused)
    lines = split_lines(text)
    layout = _layout(text, lines)
    if layout is None:
        return text, 0
    wanted: dict[int, list[str]] = {}
    stripped: set[int] = set()
    for diagnostic in diagnostics:
        if diagnostic.code in NOT_SILENCEABLE:
            continue
        line = _line_for(diagnostic, layout, len(lines))
        if line is None:
            continue
        codes = wanted.setdefault(line, [])
        if diagnostic.code in TRAILING_WHITESPACE and line == diagnostic.line:
            stripped.add(line)
        elif diagnostic.code not in codes:
            codes.append(diagnostic.code)
    changed = 0
    for number, codes in sorted(wanted.items()):
        text_line = lines[number - 1]
        body = text_line.rstrip("\r\n")
        ending = text_line[len(body) :]
        if number in stripped:
            body = body.rstrip(_BLANKS)
        new_body, commented = _with_codes(body, layout.comments.get(number), codes, reason)
        lines[number - 1] = new_body + ending
        changed += commented
    fixed = "".join(lines)
    if fixed != original and not _same_program(original, fixed):
        raise NotSilenced("adding the comments would change the program; nothing was written")
    return fixed, changed


def _blank(body: str) -> bool:
    return not body.strip(_BLANKS)


def _with_codes(body: str, comment: tuple[int, str] | None, codes: list[str], reason: str | None) -> tuple[str, bool]:
    """The line with ``codes`` in its noqa comment, and whether the comment was added or extended."""
    if _blank(body):
        # Only whitespace was there (W293, a tab in it, ...): once it is gone nothing is left to
        # silence, and a comment would be reported as unused.
        return "", False
    if not codes:
        return body, False
    if comment is not None:
        column, text = comment
        parsed = noqa.parse_comment(text)
        if parsed is not None:
            existing, _, (start, end) = parsed
            if not existing:
                return body, False  # a bare directive silences every code already
            missing = [code for code in codes if code not in existing]
            if not missing:
                return body, False
            merged = text[:start] + ": " + ", ".join([*existing, *missing]) + text[end:]
            return body[:column] + merged + body[column + len(text) :], True
    suffix = f"  # noqa: {', '.join(codes)}" + (f" -- {reason}" if reason else "")
    return body.rstrip(_BLANKS) + suffix, True


def _same_program(before: str, after: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like: not ours to say
        try:
            tree = ast.dump(ast.parse(before))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return True  # a file this Python cannot read (newer syntax): the comments are all we added
        try:
            return tree == ast.dump(ast.parse(after))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
