"""The test modules on disk, by name: what VL705 looks for, and what the result cache must watch
(a file's VL705 finding depends on the tests folder, not only on the file). Kept free of libcst so
that a run answered from the cache can fingerprint it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_TEST_FOLDERS = ("tests",)
VL705 = "VL705"

_Folders = tuple[tuple[str, int], ...]
_cache: dict[tuple[str, tuple[str, ...]], tuple[_Folders, frozenset[str]]] = {}


def _scan(root: str, folders: tuple[str, ...]) -> tuple[_Folders, frozenset[str]]:
    seen: list[tuple[str, int]] = []
    names: set[str] = set()
    for folder in folders:
        top = os.path.join(root, folder)
        for directory, subfolders, files in os.walk(top):
            subfolders[:] = [name for name in subfolders if not name.startswith(".") and name != "__pycache__"]
            seen.append((directory, os.stat(directory).st_mtime_ns))
            names.update(name for name in files if name.endswith(".py"))
    return tuple(seen), frozenset(names)


def _unchanged(folders: _Folders) -> bool:
    try:
        return all(os.stat(directory).st_mtime_ns == mtime for directory, mtime in folders)
    except OSError:
        return False


def python_files_in(root: Path, folders: tuple[str, ...]) -> frozenset[str]:
    """The names of the ``.py`` files anywhere under the tests folders (relative to ``root``).

    Read once per process and read again only when a folder's modification time changed (a file
    or subfolder was added, removed or renamed), so a long-lived process never sees a stale list.
    """
    key = (str(root), folders)
    cached = _cache.get(key)
    if cached is None or not _unchanged(cached[0]):
        cached = _cache[key] = _scan(str(root), folders)
    return cached[1]


def disk_state(root: Path, enabled: frozenset[str], rule_options: Mapping[str, Mapping[str, object]]) -> str:
    """A fingerprint of what the enabled rules read from disk beyond the checked file: the names
    of the test modules when VL705 runs (empty otherwise)."""
    if VL705 not in enabled:
        return ""
    configured = rule_options.get(VL705, {}).get("tests", DEFAULT_TEST_FOLDERS)
    folders = tuple(str(folder) for folder in configured) if isinstance(configured, (list, tuple)) else ()
    names = python_files_in(root, folders or DEFAULT_TEST_FOLDERS)
    return hashlib.sha256("\0".join(sorted(names)).encode()).hexdigest()
