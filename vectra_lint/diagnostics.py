"""The results of a lint run: diagnostics, their fixes and text edits.

Everything here is a frozen dataclass of plain values so that results can cross process
boundaries (the engine runs files in a process pool) and be compared in tests.
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field


class Applicability(str, enum.Enum):
    """How safe a fix is to apply without a human looking at it."""

    SAFE = "safe"
    """Behaviour is preserved and the intent is unambiguous: applied by ``--fix``."""

    UNSAFE = "unsafe"
    """May change behaviour: applied only with ``--unsafe-fixes``."""


def fix_applies(applicability: Applicability | None, pending: object, unsafe: bool) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) applies a fix of this
    ``applicability`` (None: no fix) to a finding: not while it is ``pending`` the project phase,
    which may yet drop it."""
    return applicability is not None and pending is None and (unsafe or applicability is Applicability.SAFE)


def shown_root(shown: str, relative: str) -> str:
    """How the project root is shown, given how a file whose root-relative path is ``relative``
    was shown: as many folders above ``shown`` as ``relative`` is deep (``../..`` for
    ``service.py`` shown from ``app/services``)."""
    return posixpath.normpath(posixpath.join(shown, *[".."] * len(relative.split("/"))))


def selects(selector: str, code: str) -> bool:
    """Whether the code prefix ``selector`` names ``code``, as in Ruff: the same letters, then
    the selector's digits leading the code's (``E5`` names ``E501``; ``E`` names no ``ERA001`` nor
    ``EXT001``, and ``AC`` no ``ACME001``). Both upper-case."""
    letters = selector.rstrip("0123456789")
    digits = code[len(letters) :]
    # The code's letters end where the selector's do: its next character is a digit.
    return code.startswith(letters) and digits[:1].isdigit() and digits.startswith(selector[len(letters) :])


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``source[start:end]`` (character offsets in the decoded text) with ``content``."""

    start: int
    end: int
    content: str


def apply_edits(text: str, edits: Iterable[Edit], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with ``edits`` applied: sorted, none overlapping another, each inside."""
    pieces: list[str] = []
    position = start
    for edit in edits:
        pieces += [text[position : edit.start], edit.content]
        position = edit.end
    pieces.append(text[position:end])
    return "".join(pieces)


@dataclass(frozen=True)
class Fix:
    """A set of edits that together fix one diagnostic; applied all or nothing."""

    edits: tuple[Edit, ...]
    applicability: Applicability
    description: str
    rename: tuple[str, str] | None = None
    """A string the project may hold elsewhere, and its new value: ``(old, new)``. The project
    phase makes such a fix a rename everywhere (``fixing/rename.py``)."""
    elsewhere: tuple[tuple[str, tuple[Edit, ...]], ...] = ()
    """The rename's edits of other files, by display path; applied with ``edits``, all or nothing."""


@dataclass(frozen=True)
class Diagnostic:
    """One finding, located by 1-based line and column (columns count characters).

    ``noqa_lines`` are the lines on which a ``# noqa`` comment suppresses this diagnostic: its own
    line and the first and last line of the statement it is in. It is engine bookkeeping and is not
    part of any output format.
    """

    path: str
    code: str
    name: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None = None
    noqa_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    pending: object = field(default=None, compare=False, repr=False)
    """Set on diagnostics awaiting the project phase (``Rule.resolve_pending``); engine bookkeeping."""

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """The order every reporter uses: path, line, column, code; then the message, so that
        findings at one place (a project rule's, at line 1 of a translation file) keep one order
        whatever order the files were checked in."""
        return (self.path, self.line, self.column, self.code, self.message)
