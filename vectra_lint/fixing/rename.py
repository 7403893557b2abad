"""A fix that renames a string the project holds in several places (VL304's error codes).

An error code is also a key of the frontend's translation files and a value the tests assert:
upper-casing it at the raise sites alone would break both. The project phase therefore makes
every fix that carries ``Fix.rename`` one rename of the code: the fixes of every diagnostic of
that code (raise sites, class defaults), the keys equal to it in the translation files (VL706's
``translations`` globs), and the string literals equal to it in test modules. It is safe only
when that covers every occurrence of the old string in the files looked at; otherwise it is
unsafe and its description says what it leaves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix

LISTED = 5
"""Places left with the old string named in a fix's description; the rest are counted."""
_KEY_FOLLOWS = re.compile(r"\s*:")
_IDENTIFIER = re.compile(r"[\w$]")


@dataclass(frozen=True)
class Source:
    """A file the rename looks in: how it is shown, its text, and what kind of file it is."""

    display: str
    text: str
    test: bool = False
    """A test module: a string literal equal to the old code is renamed."""
    translation: bool = False
    """A translation file (JSON, or TS/JS with unquoted keys): a key equal to the old code is renamed."""


def plan(
    diagnostics: Iterable[Diagnostic], sources: Iterable[Source], others: Iterable[tuple[str, str]] = ()
) -> dict[int, Fix]:
    """The fix of each renaming diagnostic (by ``id``) made a rename across ``sources``.

    Without a translation file among ``sources``, where the frontend holds the codes is not
    known: the rename is then unsafe.

    Every diagnostic of one rename gets the same edits: a fix applied from any of them renames
    everywhere (``Fix.edits`` on its own file, ``Fix.elsewhere`` on the others). ``others`` are
    the repository's other text files (shown, text): the frontend's source, docs, configuration.
    The rename does not edit them; an occurrence there makes it unsafe.
    """
    others = list(others)
    groups: dict[tuple[str, str], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.fix is not None and diagnostic.fix.rename is not None:
            groups.setdefault(diagnostic.fix.rename, []).append(diagnostic)
    listed = list(sources)
    fixes: dict[int, Fix] = {}
    for (old, new), members in groups.items():
        edits: dict[str, set[Edit]] = {}
        for member in members:
            assert member.fix is not None
            edits.setdefault(member.path, set()).update(member.fix.edits)
        read = {source.display for source in listed}
        # A file of the code that could not be read (standard input) was not looked in.
        left = sorted({f"{member.path} (not read)" for member in members if member.path not in read})
        if not any(source.translation for source in listed):
            left.append("the frontend (no translation file: option `translations` of VL706)")
        for source in listed:
            spans = [(edit.start, edit.end) for edit in edits.get(source.display, ())]
            for start in _occurrences(source.text, old):
                if any(begin <= start < end for begin, end in spans):
                    continue
                if _renamed(source, start, old):
                    edits.setdefault(source.display, set()).add(Edit(start, start + len(old), new))
                else:
                    line = source.text.count("\n", 0, start) + 1
                    left.append(f"{source.display}:{line}")
        for display, text in others:
            start = text.find(old)
            if start != -1:
                left.append(f"{display}:{text.count(chr(10), 0, start) + 1}")
        description = f"Rename error code {old!r} to {new!r} in {len(edits)} file{'s' if len(edits) != 1 else ''}"
        if left:
            more = f" and {len(left) - LISTED} more" if len(left) > LISTED else ""
            description += f"; leaves {old!r} at {', '.join(left[:LISTED])}{more}"
        applicability = Applicability.UNSAFE if left else Applicability.SAFE
        for member in members:
            assert member.fix is not None
            elsewhere = tuple((path, tuple(sorted(edits[path]))) for path in sorted(edits) if path != member.path)
            fix = replace(
                member.fix,
                edits=tuple(sorted(edits[member.path])),
                applicability=applicability,
                description=description,
                elsewhere=elsewhere,
            )
            fixes[id(member)] = fix
    return fixes


def _occurrences(text: str, old: str) -> Iterable[int]:
    start = text.find(old)
    while start != -1:
        yield start
        start = text.find(old, start + len(old))


def _renamed(source: Source, start: int, old: str) -> bool:
    """Whether the occurrence at ``start`` is one the rename owns: a translation key, or a whole
    string literal in a test module."""
    text = source.text
    end = start + len(old)
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    quoted = before in ("'", '"') and after == before
    if source.translation:
        if quoted:
            return _KEY_FOLLOWS.match(text, end + 1) is not None
        # An unquoted key of a TS/JS object literal (`entity_not_found: "..."`).
        bare = not _IDENTIFIER.match(before or " ") and not _IDENTIFIER.match(after or " ") and before != "."
        return bare and _KEY_FOLLOWS.match(text, end) is not None
    if source.test and quoted:
        # Not a prefixed string (`f"..."`, `b"..."`) nor the inside of a triple-quoted one.
        outer = text[start - 2] if start >= 2 else ""
        return not (outer.isalnum() or outer == "_" or outer == before)
    return False
