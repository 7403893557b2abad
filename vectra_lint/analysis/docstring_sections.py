"""A small parser for Google- and NumPy-style docstrings: which sections, which parameters.

Only what VL604 needs is extracted: the section kinds present (``params``, ``returns``,
``yields``, ...) and the documented parameter names with their stars. The parser is written for
this project rather than taken from ``docstring-parser``: that package guesses one style for the
whole text, turns malformed sections into exceptions, and does not keep ``*args``/``**kwargs``
stars apart from the name, all of which matter here.

Google style::

    Args:
        path (str): The file.
        *args: Forwarded.

    Returns:
        str: The hash.

NumPy style::

    Parameters
    ----------
    path : str
        The file.
    x, y : int
        Coordinates.

    Returns
    -------
    str
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass

# Section titles by kind; titles are matched case-insensitively.
_SECTIONS: dict[str, str] = {
    "args": "params",
    "arguments": "params",
    "parameters": "params",
    "params": "params",
    "keyword args": "params",
    "keyword arguments": "params",
    "kwargs": "params",
    "other parameters": "params",
    "other params": "params",
    "returns": "returns",
    "return": "returns",
    "yields": "yields",
    "yield": "yields",
    "raises": "raises",
    "raise": "raises",
    "exceptions": "raises",
    "warns": "warns",
    "receives": "receives",
    "attributes": "attributes",
    "example": "examples",
    "examples": "examples",
    "note": "notes",
    "notes": "notes",
    "warning": "warnings",
    "warnings": "warnings",
    "see also": "see_also",
    "references": "references",
    "todo": "todo",
    "methods": "methods",
}
_GOOGLE_HEADER = re.compile(r"^(?P<title>[A-Za-z][A-Za-z ]*?)\s*:\s*(?P<rest>.*)$")
_NUMPY_UNDERLINE = re.compile(r"^-{3,}\s*$")
_PARAM_NAME = r"(?:\\?\*){0,2}[A-Za-z_][A-Za-z0-9_]*"
_GOOGLE_ENTRY = re.compile(rf"^(?P<name>{_PARAM_NAME})\s*(?:\([^)]*\))?\s*:")
_NUMPY_ENTRY = re.compile(rf"^(?P<names>{_PARAM_NAME}(?:\s*,\s*{_PARAM_NAME})*)\s*(?::.*)?$")


@dataclass(frozen=True)
class DocumentedParam:
    """A parameter named in a parameters section."""

    name: str
    """Without stars or escapes."""
    stars: str
    """``""``, ``"*"`` or ``"**"`` as written."""

    @property
    def written(self) -> str:
        """The name as the docstring writes it (``**kwargs``)."""
        return f"{self.stars}{self.name}"


# Sections that make a docstring a structured Google/NumPy one for the purpose of checking its
# parameters: a lone "Example:" or "Note:" heads prose docstrings just as often.
STRUCTURAL = frozenset({"params", "returns", "yields", "raises"})


@dataclass(frozen=True)
class ParsedDocstring:
    """The structure of a docstring; ``style`` is None for prose without sections."""

    style: str | None
    sections: frozenset[str]
    params: tuple[DocumentedParam, ...]

    @property
    def structured(self) -> bool:
        """Whether it documents parameters, returns, yields or raises in sections."""
        return not self.sections.isdisjoint(STRUCTURAL)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _param(written: str) -> DocumentedParam:
    unescaped = written.replace("\\", "")
    name = unescaped.lstrip("*")
    return DocumentedParam(name, unescaped[: len(unescaped) - len(name)])


def _numpy(lines: list[str]) -> ParsedDocstring | None:
    # A NumPy section is a known title underlined by dashes at the same indentation.
    headers: list[tuple[int, str]] = []
    for index in range(len(lines) - 1):
        title = lines[index].strip().lower()
        underline = lines[index + 1]
        if title in _SECTIONS and _NUMPY_UNDERLINE.match(underline.strip()):
            if _indent(underline) == _indent(lines[index]):
                headers.append((index, _SECTIONS[title]))
    if not headers:
        return None
    params: list[DocumentedParam] = []
    for position, (index, kind) in enumerate(headers):
        if kind != "params":
            continue
        end = headers[position + 1][0] if position + 1 < len(headers) else len(lines)
        base = _indent(lines[index])
        for line in lines[index + 2 : end]:
            if not line.strip() or _indent(line) != base:
                continue
            match = _NUMPY_ENTRY.match(line.strip())
            if match is not None:
                params.extend(_param(name.strip()) for name in match.group("names").split(","))
    return ParsedDocstring("numpy", frozenset(kind for _, kind in headers), tuple(params))


def _google(lines: list[str]) -> ParsedDocstring | None:
    sections: set[str] = set()
    params: list[DocumentedParam] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _GOOGLE_HEADER.match(line.strip())
        kind = _SECTIONS.get(match.group("title").lower()) if match is not None else None
        if match is None or kind is None or (match.group("rest") and kind != "returns"):
            # A title with text after the colon is prose ("Note: ..."), except an inline
            # "Returns: the value".
            index += 1
            continue
        sections.add(kind)
        base = _indent(line)
        index += 1
        entry_indent: int | None = None
        while index < len(lines):
            body_line = lines[index]
            if body_line.strip():
                indent = _indent(body_line)
                if indent <= base:
                    break
                if entry_indent is None:
                    entry_indent = indent
                if kind == "params" and indent == entry_indent:
                    entry = _GOOGLE_ENTRY.match(body_line.strip())
                    if entry is not None:
                        params.append(_param(entry.group("name")))
            index += 1
    if not sections:
        return None
    return ParsedDocstring("google", frozenset(sections), tuple(params))


# A line that can only be a section title; most docstrings have none and are not parsed further.
_MAYBE_SECTION = re.compile(
    r"^[ \t]*(args|arguments|parameters|params|keyword args|keyword arguments|kwargs|other param(eter)?s|"
    r"returns?|yields?|raises?|exceptions)[ \t]*:?",
    re.IGNORECASE | re.MULTILINE,
)


def may_have_sections(text: str) -> bool:
    """A cheap test (also on a literal's source, quotes and all): could ``text`` have a parameters,
    returns, yields or raises section? When not, :func:`parse` would find none."""
    return _MAYBE_SECTION.search(text) is not None


# The editor checks the same docstrings at every keystroke; the answer is plain data.
@functools.lru_cache(maxsize=1024)
def parse(text: str) -> ParsedDocstring:
    """The sections and documented parameters of a docstring (NumPy style wins when both match)."""
    if not may_have_sections(text):
        return ParsedDocstring(None, frozenset(), ())
    lines = inspect.cleandoc(text).splitlines()
    return _numpy(lines) or _google(lines) or ParsedDocstring(None, frozenset(), ())
