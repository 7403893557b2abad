"""Module names of files, and whether an imported module belongs to the project.

Both questions are asked in worker processes (one file at a time) and again in the project phase,
and must get the same answers, so they depend only on a file's root-relative path and on which
``__init__.py`` files and top-level folders exist on disk (looked up once per folder and cached).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

SOURCE_FOLDERS = ("", "src")
"""Folders under the project root where top-level packages live (``src`` layouts)."""


@lru_cache(maxsize=4096)
def _is_package(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "__init__.py"))


@lru_cache(maxsize=4096)
def _exists_top(base: str, name: str) -> bool:
    return os.path.isdir(os.path.join(base, name)) or os.path.isfile(os.path.join(base, f"{name}.py"))


def _parts(relative: str) -> list[str]:
    stem = relative
    for suffix in (".pyi", ".py"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return [part for part in stem.split("/") if part]


def is_package_file(relative: str) -> bool:
    """Whether the file is a package's ``__init__``."""
    parts = _parts(relative)
    return bool(parts) and parts[-1] == "__init__"


def _package_depth(parts: list[str], relative: str, root: Path) -> int:
    """How many of the folders above the file, from the nearest up, are packages."""
    prefix = "/" if relative.startswith("/") else str(root)
    return _folder_package_depth(prefix, tuple(parts[:-1]))


# Per folder: the files of one folder share the answer, and a file asks it twice (its names and
# its package base).
@lru_cache(maxsize=4096)
def _folder_package_depth(prefix: str, directory: tuple[str, ...]) -> int:
    depth = 0
    while depth < len(directory) and _is_package(os.path.join(prefix, *directory[: len(directory) - depth])):
        depth += 1
    return depth


def module_names(relative: str, root: Path) -> tuple[str, ...]:
    """The dotted names under which the file at ``relative`` (posix, relative to ``root``) is imported.

    First the name given by its chain of packages (folders with ``__init__.py``, which is how
    Python finds it when the topmost package's parent is on ``sys.path``: ``django.db.models``
    for ``django-5.2.19/django/db/models/__init__.py``), then its path from the root with a
    leading ``src/`` dropped (``app.services.users``, which also covers namespace packages
    without ``__init__.py``). Duplicates are dropped; the result is empty for odd paths.
    """
    parts = _parts(relative)
    if not parts:
        return ()
    package = parts[-1] == "__init__"
    module_parts = parts[:-1] if package else parts
    depth = _package_depth(parts, relative, root)
    names: list[str] = []
    by_package = module_parts[len(module_parts) - depth - (0 if package else 1) :]
    # A file in a folder that is no package is importable by its bare stem only when that folder
    # is on sys.path; the bare stem (`utils`) would clash across the project, so it is left out.
    if depth and all(part.isidentifier() for part in by_package):
        names.append(".".join(by_package))
    if not relative.startswith(("/", "..")):
        from_root = module_parts[1:] if module_parts[:1] == ["src"] else module_parts
        if from_root and all(part.isidentifier() for part in from_root):
            names.append(".".join(from_root))
    return tuple(dict.fromkeys(names))


def package_base(relative: str, root: Path) -> str | None:
    """The folder that holds the file's topmost package (the one that must be on ``sys.path``),
    or None when the file is in no package."""
    parts = _parts(relative)
    depth = _package_depth(parts, relative, root)
    if depth == 0:
        return None
    prefix = "/" if relative.startswith("/") else str(root)
    directory = parts[:-1]
    return os.path.join(prefix, *directory[: len(directory) - depth])


class ProjectModules:
    """Decides whether a dotted module name belongs to the project or is a library.

    A top-level name is the project's when a folder or ``.py`` file of that name exists in the
    root, in ``root/src``, or beside the topmost package of a checked file; everything else
    (standard library, installed packages) is external.
    """

    def __init__(self, root: Path, bases: tuple[str, ...] = ()) -> None:
        """Index the checked modules by dotted name."""
        self._bases = tuple(dict.fromkeys([os.path.join(str(root), folder) for folder in SOURCE_FOLDERS] + list(bases)))
        self._known: dict[str, bool] = {}

    def is_project(self, dotted: str) -> bool:
        """Whether the module ``dotted`` (or the package it is in) is part of the project."""
        top = dotted.split(".", 1)[0]
        if not top:
            return True  # a relative import that could not be resolved stays inside the project
        known = self._known.get(top)
        if known is None:
            known = any(_exists_top(base, top) for base in self._bases)
            self._known[top] = known
        return known


def imported_path(relative: str, root: Path, module: str, level: int = 0) -> str | None:
    """The root-relative path, without suffix, of the module an import in ``relative`` names.

    ``level`` is the number of leading dots of a relative import (``from ..services import x``
    in ``app/api/users.py`` is ``app/services``), resolved on the file's folders. An absolute
    ``a.b.c`` is looked for where ``a`` is a folder above the file (``backend/app/...`` importing
    ``app.core``) that is no subpackage, then in the root, ``src`` and beside the file's topmost
    package. ``None``: a library module, or a relative import climbing above the root.
    """
    folders = _parts(relative)[:-1]
    names = [part for part in module.split(".") if part]
    if level:
        if level - 1 > len(folders):
            return None
        return "/".join(folders[: len(folders) - (level - 1)] + names)
    if not names:
        return None
    top = names[0]
    base = "/" if relative.startswith("/") else str(root)
    for index in range(len(folders) - 1, -1, -1):
        if folders[index] == top and not _is_package(os.path.join(base, *folders[:index])):
            return "/".join(folders[:index] + names)
    for folder in SOURCE_FOLDERS:
        if _exists_top(os.path.join(base, folder) if folder else base, top):
            return "/".join(([folder] if folder else []) + names)
    package = package_base(relative, root)
    if package is not None and _exists_top(package, top):
        prefix = os.path.relpath(package, base).replace(os.sep, "/")
        return "/".join(([] if prefix == "." else [prefix]) + names)
    return None
