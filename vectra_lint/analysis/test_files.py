"""The test modules on disk and what they import: what VL705 looks for, and what the result cache must
watch (a service's VL705 finding depends on the tests folder, not only on the service). Kept free of
libcst so that a run answered from the cache can fingerprint it.

A test module checked in the run is known by its module summary (``ModuleFacts.import_targets``);
one that is not (pre-commit passes only the changed files) is read here, with the same answer: its
import statements, at any depth, as full dotted targets.
"""

from __future__ import annotations

import ast
import hashlib
import os
import posixpath
from collections.abc import Iterable, Mapping
from pathlib import Path

DEFAULT_TEST_FOLDERS = ("tests",)
VL705 = "VL705"
NOT_TESTS = frozenset({"__init__.py", "conftest.py"})
"""Files under the tests folders that are no test modules: a fixture importing a service tests nothing."""

_Folders = tuple[tuple[str, int], ...]
_cache: dict[tuple[str, tuple[str, ...]], tuple[_Folders, tuple[str, ...]]] = {}
_imports: dict[str, tuple[int, int, tuple[str, ...]]] = {}


def _scan(root: str, folders: tuple[str, ...]) -> tuple[_Folders, tuple[str, ...]]:
    seen: list[tuple[str, int]] = []
    paths: list[str] = []
    for folder in folders:
        top = os.path.join(root, folder)
        for directory, subfolders, files in os.walk(top):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith(".") and name != "__pycache__")
            seen.append((directory, os.stat(directory).st_mtime_ns))
            relative = os.path.relpath(directory, root).replace(os.sep, "/")
            paths.extend(posixpath.normpath(f"{relative}/{name}") for name in sorted(files) if name.endswith(".py"))
    return tuple(seen), tuple(paths)


def _unchanged(folders: _Folders) -> bool:
    try:
        return all(os.stat(directory).st_mtime_ns == mtime for directory, mtime in folders)
    except OSError:
        return False


def python_files_in(root: Path, folders: tuple[str, ...]) -> tuple[str, ...]:
    """The ``.py`` files anywhere under the tests folders, relative to ``root`` (posix).

    Read once per process and read again only when a folder's modification time changed (a file
    or subfolder was added, removed or renamed), so a long-lived process never sees a stale list.
    """
    key = (str(root), folders)
    cached = _cache.get(key)
    if cached is None or not _unchanged(cached[0]):
        cached = _cache[key] = _scan(str(root), folders)
    return cached[1]


def is_test_module(relative: str, folders: Iterable[str]) -> bool:
    """Whether the root-relative ``relative`` is a test module under one of the tests folders."""
    if relative.rsplit("/", 1)[-1] in NOT_TESTS:
        return False
    for folder in folders:
        folder = posixpath.normpath(folder.strip("/"))
        if folder == "." or relative.startswith(folder + "/"):
            return True
    return False


def disk_import_targets(path: str, words: Iterable[str]) -> tuple[str, ...] | None:
    """The import targets of the file at ``path`` (as ``ModuleFacts.import_targets``), or None
    when its text contains none of ``words`` (then it cannot import a module of that name) or it
    cannot be read. Parsed once per version of the file and process."""
    try:
        stat = os.stat(path)
        known = _imports.get(path)
        if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if not any(word.encode() in data for word in words):
        return None
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        targets: tuple[str, ...] = ()
    else:
        targets = tuple(dict.fromkeys(_targets(tree)))
    _imports[path] = (stat.st_mtime_ns, stat.st_size, targets)
    return targets


def _targets(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    yield base
                else:
                    yield f"{base}.{alias.name}" if base and not base.endswith(".") else f"{base}{alias.name}"


def absolute_targets(targets: Iterable[str], names: Iterable[str], package: bool) -> set[str]:
    """``targets`` with relative ones made absolute against each name of the importing module."""
    names = tuple(names)
    found: set[str] = set()
    for target in targets:
        level = len(target) - len(target.lstrip("."))
        if not level:
            found.add(target)
            continue
        rest = target[level:]
        for name in names:
            parts = name.split(".") if package else name.split(".")[:-1]
            if level - 1 <= len(parts):
                found.add(".".join([*parts[: len(parts) - (level - 1)], rest]).strip("."))
    return found


def imports_module(targets: Iterable[str], modules: Iterable[str]) -> bool:
    """Whether one of the absolute ``targets`` is one of ``modules`` or a name inside it."""
    modules = tuple(modules)
    return any(target == module or target.startswith(module + ".") for target in targets for module in modules)


def disk_state(root: Path, enabled: frozenset[str], rule_options: Mapping[str, Mapping[str, object]]) -> str:
    """A fingerprint of what the enabled rules read from disk beyond the checked file: the test
    modules (paths, sizes and modification times) when VL705 runs (empty otherwise)."""
    if VL705 not in enabled:
        return ""
    configured = rule_options.get(VL705, {}).get("tests", DEFAULT_TEST_FOLDERS)
    folders = tuple(str(folder) for folder in configured) if isinstance(configured, (list, tuple)) else ()
    parts = []
    for relative in python_files_in(root, folders or DEFAULT_TEST_FOLDERS):
        try:
            stat = os.stat(os.path.join(root, relative))
        except OSError:
            continue
        parts.append(f"{relative}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
