"""The keys of the frontend's translation files (JSON, or TS/JS modules exporting object literals)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vectra_lint.frontend.typescript import parse_tree, property_name

if TYPE_CHECKING:
    from tree_sitter import Node

SCRIPT_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


class TranslationError(Exception):
    """A translation file that cannot be read; the message names it."""


def _json_keys(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from _json_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_keys(inner)


def _object_keys(node: Node) -> Iterator[str]:
    # An explicit stack: a generated translation module may nest deeply.
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "pair":
            key = property_name(current.child_by_field_name("key"))
            if key is not None:
                yield key
        stack.extend(current.named_children)


def translation_keys(path: Path) -> frozenset[str]:
    """Every key, at any depth, of a translation file: the codes it translates.

    JSON files are read as JSON; TS/JS files are parsed and the keys of all their object
    literals are taken (``export default {...}``, ``export const errors = {...}``).
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TranslationError(f"{path}: cannot read: {error.strerror or error}") from None
    if path.suffix.lower() in SCRIPT_SUFFIXES:
        return frozenset(_object_keys(parse_tree(data, tsx=path.suffix.lower() in (".tsx", ".jsx"))))
    try:
        return frozenset(_json_keys(json.loads(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TranslationError(f"{path}: not valid JSON: {error}") from None
