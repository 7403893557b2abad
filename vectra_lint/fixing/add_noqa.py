"""``check --add-noqa``: silence every current finding with a ``# noqa`` comment, as Ruff does.

Each comment goes on a line where the engine honours it for that diagnostic (its own line, else
the first or last line of its statement), never where a comment cannot be: inside a multi-line
string or after a backslash continuation. An existing ``# noqa: CODES`` on the line is extended;
a bare ``# noqa`` already silences everything. Running it twice adds nothing.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine import noqa
from vectra_lint.fixing.apply import apply_fixes

NOT_SILENCEABLE = frozenset({"VL001", "VL002"})
"""A file that does not parse has no comments the engine could read; an unused noqa is not
silenced by another one but removed (its safe fix is applied)."""
UNUSED_NOQA = "VL002"


@dataclass(frozen=True)
class _Layout:
    comments: dict[int, tuple[int, str]]
    """Line -> (column of the ``#``, the comment) for the lines that end in a comment."""
    closed: frozenset[int]
    """Lines that cannot take a comment: they end inside a string or with a backslash."""


def _layout(text: str) -> _Layout | None:
    comments: dict[int, tuple[int, str]] = {}
    closed: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = (token.start[1], token.string)
            elif token.start[0] != token.end[0] and token.type in (tokenize.STRING, _FSTRING_MIDDLE):
                closed.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = _lines(text)
    closed.update(number for number, line in enumerate(lines, start=1) if line.rstrip("\r\n").endswith("\\"))
    return _Layout(comments, frozenset(closed))


# The lines Python (and the tokenizer's line numbers) count: str.splitlines also breaks at a form
# feed, \x1c-\x1e, \x85, \u2028 and \u2029, which would put a comment on the wrong line or inside one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> list[str]:
    """``text``'s lines with their line breaks."""
    return _LINE.findall(text)


# Python 3.12 splits f-strings into parts; a multi-line one spans lines in its middle part.
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)


def _line_for(diagnostic: Diagnostic, layout: _Layout, line_count: int) -> int | None:
    candidates = [diagnostic.line, *sorted(set(diagnostic.noqa_lines) - {diagnostic.line}, reverse=True)]
    for line in candidates:
        if 1 <= line <= line_count and line not in layout.closed:
            return line
    return None


def add_noqa(text: str, diagnostics: Sequence[Diagnostic], reason: str | None = None) -> tuple[str, int]:
    """``text`` with a ``# noqa`` for each diagnostic, and how many comments were added or extended
    (unused codes in existing comments are removed too).

    ``reason`` is written after the codes (``-- reason``) of new comments, for projects that
    require one.
    """
    unused = [d for d in diagnostics if d.code == UNUSED_NOQA and d.fix is not None]
    if unused:
        # Its edits stay inside the comment's line: the other diagnostics' lines do not move.
        text, _ = apply_fixes(text, unused)
    layout = _layout(text)
    if layout is None:
        return text, 0
    lines = _lines(text)
    wanted: dict[int, list[str]] = {}
    for diagnostic in diagnostics:
        if diagnostic.code in NOT_SILENCEABLE:
            continue
        line = _line_for(diagnostic, layout, len(lines))
        if line is not None and diagnostic.code not in wanted.setdefault(line, []):
            wanted[line].append(diagnostic.code)
    changed = 0
    for number, codes in sorted(wanted.items()):
        original = lines[number - 1]
        body = original.rstrip("\r\n")
        ending = original[len(body) :]
        new_body = _with_codes(body, layout.comments.get(number), codes, reason)
        if new_body != body:
            lines[number - 1] = new_body + ending
            changed += 1
    return "".join(lines), changed


def _with_codes(body: str, comment: tuple[int, str] | None, codes: list[str], reason: str | None) -> str:
    if comment is not None:
        column, text = comment
        parsed = noqa.parse_comment(text)
        if parsed is not None:
            existing, _, (start, end) = parsed
            if not existing:
                return body  # a bare directive silences every code already
            missing = [code for code in codes if code not in existing]
            if not missing:
                return body
            merged = text[:start] + ": " + ", ".join([*existing, *missing]) + text[end:]
            return body[:column] + merged + body[column + len(text) :]
    suffix = f"  # noqa: {', '.join(codes)}" + (f" -- {reason}" if reason else "")
    return body.rstrip() + suffix
