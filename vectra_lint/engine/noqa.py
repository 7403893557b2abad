"""``# noqa`` directives as text: what a comment names (its codes, its reason, the file-level
form) and whether a code is among them. Applying them to a file's diagnostics, and reporting
those that suppress nothing (VL002) or give no reason (VL003), is ``suppression.py``'s work;
``noqa_check.py`` warns about comments that do not say what their author meant."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# `# noqa`, `# noqa: VL401`, `# noqa: VL401, E501 -- reason`; codes are ours or Ruff's style.
NOQA = re.compile(
    r"#\s*noqa(?P<sep>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,?\s*[A-Z]+[0-9]+)*))?(?P<rest>.*)$",
    re.IGNORECASE,
)
FILE_NOQA = re.compile(
    r"^#\s*vectra-lint\s*:\s*noqa(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,?\s*[A-Z]+[0-9]+)*))?\s*$", re.I
)
CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
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


def file_level(comment: str) -> tuple[str, ...] | None:
    """The codes of a file-level ``# vectra-lint: noqa[: CODES]`` (empty: every code), else None."""
    match = FILE_NOQA.match(comment.strip())
    if match is None:
        return None
    return tuple(code.upper() for code in CODE.findall(match.group("codes") or ""))


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is named by any of ``selectors`` (codes or code prefixes)."""
    return any(code.startswith(selector) for selector in selectors)
