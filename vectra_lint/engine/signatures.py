"""Locating a function's parameter names (and where its ``:`` is) by reading the source text of
its signature, instead of generating the parameters, their annotations and their defaults; and
where a function or class and its name start, from the lines of its decorators.

Three rules report on nearly every function's header (a parameter without annotation, a missing
return annotation with its fix at the ``:``), and generating a signature up to its last wanted
parameter is most of what locating costs. The text from the ``(`` after the function's name is
the signature itself: a small scanner skips strings, comments and brackets, splits it at its
top-level commas, and checks that each part starts with the parameter libcst has in that place.
Whatever it does not read with certainty (f-strings, whose quotes may nest, and lambdas, whose
commas are top-level) makes it give up, and the caller generates the statement as before.
"""

from __future__ import annotations

import re
from typing import TypeAlias

import libcst as cst

from vectra_lint.engine.positions import LineIndex, Located

# One token of a signature: what splits it (commas, brackets), what may hide those (strings,
# comments), and words (a parameter's name, a string's prefix, ``lambda``).
_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<comment>#[^\r\n]*)|(?P<word>\w+)|(?P<quote>['\"])"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<comma>,)|(?P<other>.)"
)
# A string literal from its opening quote; a backslash escapes the next character, in raw
# strings too (for where the literal ends, that is how Python's tokenizer reads it).
_STRING = re.compile(
    r"\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''|\"(?:\\.|[^\"\\\r\n])*\"|'(?:\\.|[^'\\\r\n])*'",
    re.DOTALL,
)
# Prefixes whose strings hold no code (f- and t-strings may nest quotes from Python 3.12).
_PLAIN_PREFIXES = frozenset({"r", "u", "b", "br", "rb"})

_Slot: TypeAlias = "cst.Param | str"
"""A parameter, or the marker (``/`` or a bare ``*``) that takes a place in the list."""


def header_nodes(function: cst.FunctionDef) -> dict[int, cst.CSTNode]:
    """The nodes ``locate_signature`` can locate (keyed by ``id``): the parameters' names, and the
    whitespace before the ``:`` when there is no return annotation."""
    nodes: dict[int, cst.CSTNode] = {id(param.name): param.name for param in _params(function.params)}
    if function.returns is None:
        nodes[id(function.whitespace_before_colon)] = function.whitespace_before_colon
    return nodes


def locate_name(
    text: str, lines: LineIndex, definition: cst.FunctionDef | cst.ClassDef, line_breaks: int, indent: tuple[str, ...]
) -> tuple[Located, Located] | None:
    """Where ``definition``, whose text begins after ``line_breaks`` line breaks, starts (its
    ``def``, ``async`` or ``class`` keyword: only its start is computed) and where its name is;
    None when the text does not read as expected."""
    width = sum(len(token) for token in indent)
    # Its leading comment and blank lines are one line each; then each decorator's lines, up to
    # the first line break outside brackets, strings and comments.
    line = line_breaks + 1 + len(definition.leading_lines)
    for decorator in definition.decorators:
        line += len(decorator.leading_lines)
        at = lines.line_start(line) + width
        end = _line_end(text, at + 1)
        if end is None or not text.startswith("@", at):
            return None
        line += text.count("\n", at, end) + 1
    line += len(definition.lines_after_decorators)
    start = lines.line_start(line) + width
    if isinstance(definition, cst.ClassDef):
        keyword = "class"
        name = start + len("class") + len(definition.whitespace_after_class.value)
    else:
        asynchronous = definition.asynchronous
        keyword = "def" if asynchronous is None else "async"
        name = start + len("def") + len(definition.whitespace_after_def.value)
        if asynchronous is not None:
            name += len("async") + len(asynchronous.whitespace_after.value)
    value = definition.name.value
    if not text.startswith(keyword, start) or not text.startswith(value, name):
        return None
    outer, end = lines.line_start(line_breaks + 1), name + len(value)
    return Located(start, start, outer, outer, indent), Located(name, end, name, end, indent)


def locate_signature(
    text: str, function: cst.FunctionDef, name: Located, wanted: list[cst.CSTNode]
) -> dict[int, Located] | None:
    """Where ``wanted`` (some of ``header_nodes(function)``) are, given where the function's name
    is; None when the signature holds something the scanner does not read with certainty."""
    if function.type_parameters is not None:
        return None
    position = name.end + len(function.whitespace_after_name.value)
    position += len(function.whitespace_after_type_parameters.value)
    if text[name.start : name.end] != function.name.value or not text.startswith("(", position):
        return None
    scanned = _scan(text, position + 1, _slots(function.params))
    if scanned is None:
        return None
    starts, close = scanned
    found: dict[int, Located] = {}
    for param, start in starts.items():
        end = start + len(param.name.value)
        found[id(param.name)] = Located(start, end, start, end, name.indent)
    if function.returns is None:
        start = close + 1
        end = start + len(function.whitespace_before_colon.value)
        found[id(function.whitespace_before_colon)] = Located(start, end, start, end, name.indent)
    return {id(node): found[id(node)] for node in wanted}


def _line_end(text: str, position: int) -> int | None:
    """The offset of the line break that ends the logical line going on at ``position`` (outside
    any bracket); None when unsure."""
    depth = 0
    while True:
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        kind, start, position = match.lastgroup, match.start(), match.end()
        if kind == "space":
            if depth == 0 and "\n" in match.group():
                return start + match.group().index("\n")
        elif kind == "word" and text.startswith(("'", '"'), position):
            if match.group().lower() not in _PLAIN_PREFIXES:
                return None
        elif kind == "quote":
            string = _STRING.match(text, start)
            if string is None:
                return None
            position = string.end()
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1


def _params(params: cst.Parameters) -> list[cst.Param]:
    stars = [star for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param)]
    return [*params.posonly_params, *params.params, *params.kwonly_params, *stars]


def _slots(params: cst.Parameters) -> list[_Slot]:
    """The parts of the parameter list between its top-level commas, in the order of the text."""
    slots: list[_Slot] = [*params.posonly_params]
    if params.posonly_params or isinstance(params.posonly_ind, cst.ParamSlash):
        slots.append("/")
    slots.extend(params.params)
    star_arg = params.star_arg
    if isinstance(star_arg, cst.Param):
        slots.append(star_arg)
    elif isinstance(star_arg, cst.ParamStar) or (isinstance(star_arg, cst.MaybeSentinel) and params.kwonly_params):
        slots.append("*")
    slots.extend(params.kwonly_params)
    if params.star_kwarg is not None:
        slots.append(params.star_kwarg)
    return slots


def _scan(text: str, position: int, slots: list[_Slot]) -> tuple[dict[cst.Param, int], int] | None:
    """Where each parameter's name starts, and the offset of the closing ``)``, scanning from just
    after the ``(``; None when unsure."""
    starts: dict[cst.Param, int] = {}
    depth = 0
    index = 0
    # What the current part held so far, at its top level: stars and slashes, then its first word.
    marks = ""
    first_word: str | None = None
    while True:
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        kind, start, position = match.lastgroup, match.start(), match.end()
        if kind == "space" or kind == "comment":
            continue
        if kind == "word":
            if text.startswith(("'", '"'), position):
                if match.group().lower() not in _PLAIN_PREFIXES:
                    return None
                kind = "quote"
                start = position
            elif depth == 0 and first_word is None:
                first_word = match.group()
                if index >= len(slots):
                    return None
                slot = slots[index]
                if isinstance(slot, str) or first_word != slot.name.value or marks != slot.star:
                    return None
                starts[slot] = start
                continue
            elif match.group() == "lambda" and depth == 0:
                return None
            else:
                continue
        if kind == "quote":
            string = _STRING.match(text, start)
            if string is None:
                return None
            position = string.end()
        elif kind == "open":
            depth += 1
        elif kind == "close" and depth > 0:
            depth -= 1
        elif kind == "other" and depth == 0 and first_word is None:
            marks += match.group()
        elif (kind == "comma" or kind == "close") and depth == 0:
            if first_word is None and marks == "" and kind == "close" and index == len(slots):
                return starts, start  # `()`, or a trailing comma
            if index >= len(slots):
                return None
            slot = slots[index]
            if (first_word is None) != isinstance(slot, str) or (isinstance(slot, str) and marks != slot):
                return None
            index += 1
            marks, first_word = "", None
            if kind == "close":
                return (starts, start) if index == len(slots) else None
