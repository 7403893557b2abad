"""``# noqa`` directives as text, the one place that knows their grammar: what a comment names
(its codes, its reason, the file-level form), where its codes are, and whether a code is among
them. Applying them to a file's diagnostics, and reporting those that suppress nothing (VL002) or
give no reason (VL003), is ``suppression.py``'s work; ``noqa_check.py`` warns about comments that
do not say what their author meant; ``fixing/add_noqa.py`` writes them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from vectra_lint.diagnostics import selects

# `# noqa`, `# noqa: VL401`, `# noqa: VL401, E501 -- reason`; codes are ours or Ruff's style.
NOQA = re.compile(
    r"#\s*noqa(?P<sep>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,?\s*[A-Z]+[0-9]+)*))?(?P<rest>.*)$",
    re.IGNORECASE,
)
FILE_NOQA = re.compile(
    r"^#\s*vectra-lint\s*:\s*noqa(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,?\s*[A-Z]+[0-9]+)*))?\s*$", re.I
)
CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
# A noqa marker, well formed or not (codes written without their colon still make one).
ANY_NOQA = re.compile(r"#\s*noqa\b", re.IGNORECASE)
# A trailing directive: from the blanks before its `#` to the end of the line.
TRAILING = re.compile(r"\s+#\s*noqa\b.*$", re.IGNORECASE)
_CODE_AFTER = re.compile(r"^\s+[A-Z]+[0-9]+\b", re.IGNORECASE)
# PEP 8 is delegated to Ruff; these selectors are handed to it. Of Pyflakes (F), only the two
# rules of §13 are merged: a selector `F`, `F4`, `F84`... stands for those of them it covers.
RUFF_SELECTOR = re.compile(r"^(E|W)\d{0,3}$|^F(4(01?)?|8(41?)?)?$")
REASON = re.compile(r"^\s*--\s*\S")


@dataclass(frozen=True)
class Directive:
    """One ``# noqa`` comment: where it is and what it names."""

    line: int
    column: int
    end_column: int
    start: int
    """Character offset of the ``#`` in the file (the comment ends at ``start + len(comment)``)."""
    codes: tuple[str, ...]
    """Empty for a bare ``# noqa`` that suppresses everything on its lines."""
    has_reason: bool
    comment: str
    """The whole comment text, to rewrite it when codes are removed."""
    codes_span: tuple[int, int]
    """Where the ``: CODES`` part is inside ``comment`` (empty for a bare noqa)."""


def parse_comment(comment: str) -> tuple[tuple[str, ...], bool, tuple[int, int]] | None:
    """(codes, has_reason, span of ``: CODES``) for a noqa comment, else None."""
    match = NOQA.search(comment)
    if match is None:
        return None
    codes = tuple(code.upper() for code in CODE.findall(match.group("codes") or ""))
    span = match.span("sep") if match.group("sep") else (match.end(), match.end())
    return codes, bool(REASON.match(match.group("rest"))), span


def may_hold(text: str) -> bool:
    """Whether ``text`` may hold a directive: a cheap test before any regex."""
    # Lowering the text and searching it in C is about ten times faster than a case-insensitive
    # regex search, which cost more than the rest of a file's set-up.
    return "noqa" in text.lower()


def missing_colon(comment: str) -> bool:
    """Whether ``comment`` is a bare noqa followed by codes without their colon (``# noqa VL401``)."""
    match = NOQA.search(comment)
    return match is not None and match.group("codes") is None and _CODE_AFTER.match(match.group("rest")) is not None


def names_tool(comment: str) -> bool:
    """Whether ``comment`` starts with ``vectra-lint`` (the file-level form, well formed or not)."""
    return comment.lstrip("#").strip().lower().startswith("vectra-lint")


def explanation_end(comment: str) -> int:
    """Where the directive starts in ``comment``: the text before it is an explanation (0: none)."""
    match = NOQA.search(comment)
    return match.start() if match is not None else 0


def code_spans(line: str, at: int) -> list[tuple[str, int, int]]:
    """(code, start, end) of each code of a directive starting at column ``at`` of ``line`` (empty:
    none starts there, or a bare one)."""
    match = NOQA.match(line, at)
    if match is None or not match.group("codes"):
        return []
    start = match.start("codes")
    return [
        (found.group().upper(), start + found.start(), start + found.end())
        for found in CODE.finditer(match.group("codes"))
    ]


def file_level(comment: str) -> tuple[str, ...] | None:
    """The codes of a file-level ``# vectra-lint: noqa[: CODES]`` (empty: every code), else None."""
    match = FILE_NOQA.match(comment.strip())
    if match is None:
        return None
    return tuple(code.upper() for code in CODE.findall(match.group("codes") or ""))


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is named by any of ``selectors`` (codes or code prefixes)."""
    return any(selects(selector, code) for selector in selectors)
