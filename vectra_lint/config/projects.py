"""Which project each file belongs to, and that project's settings (as Ruff finds its settings).

A file belongs to the project whose root is its nearest ancestor folder holding a ``pyproject.toml``
with a ``[tool.vectra-lint]`` table; without one, its nearest ancestor holding a ``pyproject.toml``
or ``setup.cfg`` (default settings); without either, the git top. A file with no marker above it
at all is rooted where ``find_root`` puts the path it was found through. ``--config FILE`` makes
every file one project. Nothing here depends on the folder the command runs in, nor on the order
of the paths: a file's project is a function of the file alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vectra_lint.config.files import TABLE, ConfigError, find_root, read
from vectra_lint.config.settings import Settings


@dataclass(frozen=True)
class Project:
    """One project of a run: its root, its config file (None: defaults) and resolved settings."""

    root: Path
    config: Path | None
    settings: Settings
    digest: str
    """The settings' cache digest (``pipeline/cache.settings_digest``)."""
    marked: bool
    """Whether the root was found by a marker (a config, ``pyproject.toml``, ``setup.cfg``,
    ``.git``): then the project's other files are known, and a partial run is settled against
    them. A root guessed from the path named is not."""


@dataclass(frozen=True)
class _Marks:
    """What a folder and its ancestors hold: the nearest folder of each kind of marker."""

    table: str | None
    plain: str | None
    git: str | None


# Resolves (config file or None, root) into (settings, digest); the CLI passes one that reads and
# writes the settings cache, so that this module does not import the loader (and every rule).
SettingsMaker = Callable[[Path | None, Path], tuple[Settings, str]]


class Projects:
    """Finds and remembers the project of each folder; one per run."""

    def __init__(self, make: SettingsMaker, forced_config: Path | None = None) -> None:
        """``make`` resolves a project's settings; ``forced_config`` (``--config``) makes one project."""
        self._make = make
        self._forced = forced_config
        self._marks: dict[str, _Marks] = {}
        self._by_root: dict[tuple[str, str | None], Project] = {}

    def _marks_of(self, folder: str) -> _Marks:
        found = self._marks.get(folder)
        if found is not None:
            return found
        parent = os.path.dirname(folder)
        above = self._marks_of(parent) if parent != folder else _Marks(None, None, None)
        table, plain, git = above.table, above.plain, above.git
        pyproject = Path(folder, "pyproject.toml")
        has_pyproject = _is_file(pyproject)
        if has_pyproject and has_table(pyproject):
            table = folder
        if has_pyproject or _is_file(Path(folder, "setup.cfg")):
            plain = folder
        if os.path.exists(os.path.join(folder, ".git")):
            git = folder
        found = _Marks(table, plain, git)
        self._marks[folder] = found
        return found

    def root_of(self, folder: str) -> tuple[str, Path | None] | None:
        """(root, config file) of the project that files in ``folder`` (absolute, real) belong to;
        None when no marker is above it (the caller then roots it where the path named puts it)."""
        if self._forced is not None:
            return str(self._forced.parent.resolve()), self._forced
        marks = self._marks_of(folder)
        if marks.table is not None:
            return marks.table, Path(marks.table, "pyproject.toml")
        root = marks.plain or marks.git
        return (root, None) if root is not None else None

    def of(self, folder: str, fallback: Callable[[], str]) -> Project:
        """The project of files in ``folder``; ``fallback()`` is the root when no marker is found
        (worked out only then: a walk up the folders for each path named)."""
        found = self.root_of(folder)
        root, config = found if found is not None else (fallback(), None)
        return self.project(root, config, marked=found is not None)

    def project(self, root: str, config: Path | None, marked: bool = True) -> Project:
        """The project rooted at ``root`` with ``config`` (resolved once per run)."""
        key = (root, str(config) if config is not None else None)
        found = self._by_root.get(key)
        if found is None:
            settings, digest = self._make(config, Path(root))
            found = Project(Path(root), config, settings, digest, marked)
            self._by_root[key] = found
        return found

    def for_path(self, path: Path) -> Project:
        """The project of one file or folder, named alone (standard input, ``--show-settings``)."""
        absolute = Path(os.path.abspath(path))
        try:
            real = absolute.resolve()
        except (OSError, RuntimeError):
            real = absolute
        folder = real if real.is_dir() else real.parent
        return self.of(str(folder), lambda: str(find_root(absolute)))

    def git_top(self, folder: str) -> str | None:
        """The top of the git repository ``folder`` is in, if any."""
        return self._marks_of(folder).git

    def projects(self) -> list[Project]:
        """Every project resolved so far."""
        return list(self._by_root.values())


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError as error:
        # An unreadable folder on the way: its pyproject.toml, if any, would be missed.
        raise ConfigError(f"{error.filename}: cannot look for pyproject.toml: {error.strerror or error}") from None


def has_table(pyproject: Path) -> bool:
    """Whether the existing ``pyproject`` makes its folder a configured project (a
    ``[tool.vectra-lint]`` table; a file that does not load counts, its loading says why)."""
    try:
        data = read(pyproject)
    except ConfigError:
        return True  # its own loading reports what is wrong with it
    tool = data.get("tool", {})
    return not isinstance(tool, dict) or TABLE in tool


def project_root(folder: Path) -> Path:
    """The root of the project ``folder`` belongs to, found without reading its settings."""
    real = folder.resolve()

    def unused(config: Path | None, root: Path) -> tuple[Settings, str]:
        raise AssertionError("only the root is asked for")

    found = Projects(unused).root_of(str(real))
    return Path(found[0]) if found is not None else find_root(real)


def fallback_root(path: Path) -> str:
    """Where a file found through ``path`` is rooted when no marker is above it."""
    return str(find_root(path))
