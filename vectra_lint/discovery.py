"""Which files a run checks: the paths given, minus excludes and what git ignores."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from vectra_lint.runner import Task
from vectra_lint.settings import Settings


@dataclass(frozen=True)
class Discovery:
    """The files found, and the paths that could not be used (each with a message)."""

    tasks: list[Task]
    errors: list[str]


def _relative(path: Path, base: Path) -> str | None:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return None


def display_path(path: Path, cwd: Path) -> str:
    """How a path is shown: relative to the working directory when it is below it."""
    return _relative(path, cwd) or path.as_posix()


class _Ignores:
    """Exclude globs (matched against root-relative paths and bare names) and .gitignore files."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.root
        self.exclude = pathspec.PathSpec.from_lines("gitignore", settings.exclude)
        self.gitignore = settings.respect_gitignore
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _gitignore_of(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            spec = None
            for name in (".gitignore", ".git/info/exclude"):
                file = folder / name
                if file.is_file():
                    try:
                        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
                    except OSError:
                        continue
                    extra = pathspec.GitIgnoreSpec.from_lines(lines)
                    spec = extra if spec is None else spec + extra
            self._specs[folder] = spec
        return self._specs[folder]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        relative = _relative(path, self.root)
        suffix = "/" if is_dir else ""
        if relative is not None and relative != "." and self.exclude.match_file(relative + suffix):
            return True
        if self.exclude.match_file(path.name + suffix):
            return True
        if not self.gitignore or relative is None:
            return False
        # Every .gitignore from the root down to the file's folder applies, relative to its folder.
        for folder in (self.root, *[self.root / p for p in _prefixes(relative)]):
            spec = self._gitignore_of(folder)
            inner = _relative(path, folder)
            if spec is not None and inner and spec.match_file(inner + suffix):
                return True
        return False


def _prefixes(relative: str) -> Iterator[str]:
    parts = relative.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        yield "/".join(parts[:i])


def discover(paths: Iterable[Path], settings: Settings, cwd: Path, force_exclude: bool = False) -> Discovery:
    """Python files under ``paths``. A file named directly is checked even when excluded, unless
    ``force_exclude`` (as pre-commit hooks use: they pass every changed file by name)."""
    ignores = _Ignores(settings)
    tasks: dict[Path, Task] = {}
    errors: list[str] = []

    def add(file: Path) -> None:
        resolved = file.resolve()
        relative = _relative(resolved, settings.root) or resolved.as_posix()
        tasks.setdefault(resolved, Task(resolved, display_path(file.absolute(), cwd), relative))

    for given in paths:
        path = given if given.is_absolute() else cwd / given
        if not path.exists():
            errors.append(f"{given}: no such file or directory")
            continue
        absolute = Path(os.path.abspath(path))
        if path.is_file():
            if not (force_exclude and ignores.ignored(absolute.resolve(), is_dir=False)):
                add(absolute)
            continue
        for folder, dirs, files in os.walk(absolute):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not ignores.ignored((here / d).resolve(), is_dir=True))
            for name in sorted(files):
                if name.endswith(".py") and not ignores.ignored((here / name).resolve(), is_dir=False):
                    add(here / name)
    return Discovery(list(tasks.values()), errors)
