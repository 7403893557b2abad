"""The keys of the frontend's translation files (JSON, or TS/JS modules exporting object literals)."""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

SCRIPT_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


def matching_files(root: str, pattern: str) -> list[Path]:
    """The regular files that the glob ``pattern`` (``**`` for any folders) matches under
    ``root``, in path order, each once.

    Unlike ``glob.glob``, ``**`` does not descend into links to folders (a link to ``..`` would
    make it loop), and FIFOs and devices (a link to ``/dev/zero``), which would block a read,
    are left out.
    """
    current = [os.path.join(root, "")]
    parts = os.path.normpath(os.path.join(root, pattern)).split(os.sep)
    if parts and parts[0] == "":
        parts = parts[1:]
        current = [os.sep]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        following: list[str] = []
        for base in current:
            if part == "**":
                # The folder itself and every folder below it but hidden ones, as glob's `**`;
                # os.walk does not follow links to folders.
                for folder, folders, _ in os.walk(base):
                    folders[:] = sorted(name for name in folders if not name.startswith("."))
                    following.append(folder)
            elif glob.has_magic(part):
                try:
                    names = sorted(os.listdir(base))
                except OSError:
                    continue
                hidden = not part.startswith(".")
                following.extend(
                    os.path.join(base, name)
                    for name in fnmatch.filter(names, part)
                    if not (hidden and name.startswith("."))
                )
            else:
                following.append(os.path.join(base, part))
        current = following if last else [path for path in following if os.path.isdir(path)]
    found: dict[str, Path] = {}
    for path in sorted(set(current)):
        try:
            real = os.path.realpath(path)
            if stat.S_ISREG(os.stat(real).st_mode):
                found.setdefault(real, Path(path))
        except (OSError, ValueError):
            continue
    return sorted(found.values())


class TranslationError(Exception):
    """A translation file that cannot be read; the message names it."""


def _json_keys(value: object) -> Iterator[str]:
    # An explicit stack, as for script files: the nesting of a JSON file has no limit.
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, inner in current.items():
                yield str(key)
                stack.append(inner)
        elif isinstance(current, list):
            stack.extend(current)


def _script_keys(data: bytes, tsx: bool) -> Iterator[str]:
    """The keys of every object literal of a TS/JS module."""
    # Imported here: the cache's fingerprint finds the translation files on every run
    # (``matching_files``); the TypeScript reader is needed only to read one of these.
    from vectra_lint.frontend.typescript import parse_tree, property_name

    # An explicit stack: a generated translation module may nest deeply.
    stack: list[Node] = [parse_tree(data, tsx=tsx)]
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
        return frozenset(_script_keys(data, tsx=path.suffix.lower() in (".tsx", ".jsx")))
    try:
        return frozenset(_json_keys(json.loads(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TranslationError(f"{path}: not valid JSON: {error}") from None
    except RecursionError:
        # Python's JSON reader recurses per level: a file nested some thousand levels deep
        # cannot be read (no translation file needs that).
        raise TranslationError(f"{path}: nested too deeply to be read") from None
