"""Which ``Any`` of an annotation needs a comment explaining it (§2): VL103 reports them, and
VL402's fix explains the one it writes when it declares its result with the function's return type."""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst

from vectra_lint.analysis.definitions import qualified_module_name
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.walker import iter_nodes
from vectra_lint.rule import BoolOption

ANY = frozenset({"typing.Any", "typing_extensions.Any", "builtins.Any"})
"""``builtins.Any``: a bare ``Any`` nothing at module level binds (a star import)."""
ALLOW_JSON_DICT = BoolOption(
    "allow-json-dict",
    True,
    "Accept `dict[str, Any]` / `Dict[str, Any]` (a JSON object, as the standard's own examples write it) without "
    "a comment; false requires one there too.",
)
"""VL103's option."""
JSON_DICTS = frozenset({"builtins.dict", "typing.Dict", "typing_extensions.Dict"})
_WORD_ANY = re.compile(r"\bAny\b")


def any_in_annotation(context: FileContext, annotation: cst.BaseExpression, json_dicts: bool) -> list[cst.CSTNode]:
    """The ``Any`` of ``annotation`` (an annotation's expression) that want an explaining comment:
    each ``typing.Any`` however imported, outside ``dict[str, Any]`` when ``json_dicts``; a string
    annotation naming ``Any`` as a whole."""
    if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
        text = annotation.evaluated_value
        return [annotation] if isinstance(text, str) and _WORD_ANY.search(text) else []

    def is_json_dict(node: cst.Subscript) -> bool:
        """``dict[str, Any]`` / ``Dict[str, Any]``: a JSON object, whose values are any JSON."""
        if len(node.slice) != 2 or qualified_module_name(context, node.value) not in JSON_DICTS:
            return False
        key, value = (element.slice for element in node.slice)
        return (
            isinstance(key, cst.Index)
            and isinstance(value, cst.Index)
            and qualified_module_name(context, key.value) == "builtins.str"
            and qualified_module_name(context, value.value) in ANY
        )

    return [
        found
        for found in _any_references(annotation, is_json_dict if json_dicts else None)
        if qualified_module_name(context, found) in ANY
    ]


def _any_references(
    node: cst.BaseExpression, skip: Callable[[cst.Subscript], bool] | None = None
) -> list[cst.Name | cst.Attribute]:
    """The ``Any`` and ``x.Any`` in a type expression.

    The usual shapes (names, ``a.b``, ``x[...]``, ``a | b``, lists of ``Callable``) are followed
    by hand; anything else is searched generically.
    """
    found: list[cst.Name | cst.Attribute] = []
    stack: list[cst.BaseExpression] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            if current.value == "Any":
                found.append(current)
        elif isinstance(current, cst.Attribute):
            # Only the last part can be `Any`; the rest is a module path.
            if current.attr.value == "Any":
                found.append(current)
        elif isinstance(current, cst.Subscript):
            if skip is not None and skip(current):
                continue
            stack.append(current.value)
            for element in current.slice:
                if isinstance(element.slice, cst.Index):
                    stack.append(element.slice.value)
        elif isinstance(current, cst.BinaryOperation):
            stack.extend((current.left, current.right))
        elif isinstance(current, (cst.List, cst.Tuple)):
            stack.extend(element.value for element in current.elements)
        elif isinstance(current, (cst.BaseString, cst.Ellipsis, cst.BaseNumber)):
            continue
        else:
            attribute_names = {id(item.attr) for item in iter_nodes(current, cst.Attribute)}
            for item in iter_nodes(current, (cst.Name, cst.Attribute)):
                if isinstance(item, cst.Attribute) and item.attr.value == "Any":
                    found.append(item)
                elif isinstance(item, cst.Name) and item.value == "Any" and id(item) not in attribute_names:
                    found.append(item)
    return found
