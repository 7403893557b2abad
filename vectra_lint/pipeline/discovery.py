"""Which files a run checks: the paths given, minus excludes and what git ignores."""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
from pathspec.util import normalize_file

from vectra_lint.config.files import ConfigError
from vectra_lint.config.projects import Project, Projects, fallback_root
from vectra_lint.config.settings import Settings
from vectra_lint.fixing.files import LEFTOVER

# Plain strings rather than pathlib below: a large tree has thousands of folders (Django's
# locale folders), and pathlib's parsing was most of the discovery time.


@dataclass(frozen=True)
class Task:
    """One file to check: where it is, how to show it, and its path inside the project."""

    path: Path | None
    """None for standard input."""
    display: str
    relative: str


@dataclass(frozen=True)
class Discovery:
    """The files found, and the paths that could not be used (each with a message)."""

    tasks: list[Task]
    errors: list[str]
    leftovers: list[Path] = field(default_factory=list)
    """Temporary files of a killed ``--fix`` run found in the folders walked."""
    owner: dict[str, Project] = field(default_factory=dict)
    """The project of each task, by its (real, absolute) path."""

    def by_project(self) -> list[tuple[Project, list[Task]]]:
        """The tasks grouped by project, projects in root order."""
        groups: dict[str, tuple[Project, list[Task]]] = {}
        for task in self.tasks:
            project = self.owner[str(task.path)]
            groups.setdefault(str(project.root), (project, []))[1].append(task)
        return [groups[root] for root in sorted(groups)]


def _relative(path: str, base: str) -> str | None:
    """``path`` relative to ``base`` in posix form, or None when it is not below it."""
    if path == base:
        return "."
    prefix = base.rstrip(os.sep) + os.sep
    if not path.startswith(prefix):
        return None
    return path[len(prefix) :].replace(os.sep, "/")


def display_path(path: Path, cwd: Path) -> str:
    """How a path is shown: relative to the working directory when it is below it."""
    return _relative(str(path), str(cwd)) or path.as_posix()


def _gitignore_spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        # git skips a pattern it cannot use (a lone "!"); so do we, keeping the others.
        return pathspec.GitIgnoreSpec.from_lines(line for line in lines if _valid_pattern(line))


def _valid_pattern(line: str) -> bool:
    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def _read_gitignore(folder: str) -> pathspec.GitIgnoreSpec | None:
    spec = None
    for name in (".gitignore", os.path.join(".git", "info", "exclude")):
        file = os.path.join(folder, name)
        if os.path.isfile(file):
            try:
                with open(file, encoding="utf-8", errors="replace") as handle:
                    lines = handle.read().splitlines()
            except OSError:
                continue
            extra = _gitignore_spec(lines)
            spec = extra if spec is None else spec + extra
    return spec


# Any: the pattern class, which nothing here looks at.
GitIgnores = tuple[tuple[str, "pathspec.PathSpec[Any]"], ...]
"""(folder, spec) for each folder from the root down that has a .gitignore."""


# Any: the pattern class, which nothing here looks at.
def _without_matches(spec: pathspec.PathSpec[Any], paths: Iterable[str]) -> pathspec.PathSpec[Any]:
    """``spec`` without the patterns that match any of ``paths`` (given as folders)."""
    names = [path + "/" for path in paths if path and path != "."]
    kept = [pattern for pattern in spec.patterns if not any(pattern.match_file(name) for name in names)]
    return spec if len(kept) == len(spec.patterns) else type(spec)(kept)


def _ancestry(path: str, base: str) -> list[str]:
    """``path`` and its parents up to ``base``, relative to it, plus the bare name of each."""
    relative = _relative(path, base)
    if relative is None or relative == ".":
        return []
    parts = relative.split("/")
    return ["/".join(parts[: index + 1]) for index in range(len(parts))] + parts


def _posix(path: str) -> str:
    """An absolute, already normal path in posix form: what ``Path(path).as_posix()`` gives, without
    pathlib's parsing (three per file found)."""
    return path.replace(os.sep, "/")


class _Excludes:
    """``spec.match_file``, with one regex search instead of one per pattern when no pattern
    negates (as the exclude globs): every folder and file found is matched twice."""

    # Any: the pattern class, which nothing here looks at.
    def __init__(self, spec: pathspec.PathSpec[Any]) -> None:
        self.spec = spec
        self.combined: re.Pattern[str] | None = None
        patterns = [pattern for pattern in spec.patterns if pattern.include is not None]
        regexes = [regex for pattern in patterns if isinstance(regex := getattr(pattern, "regex", None), re.Pattern)]
        if (
            all(pattern.include for pattern in patterns)
            and len(regexes) == len(patterns)
            and all(isinstance(regex.pattern, str) for regex in regexes)
            # Named groups would clash once joined; flags must be the same for all.
            and not any(regex.groupindex for regex in regexes)
            and len({regex.flags for regex in regexes}) <= 1
        ):
            joined = "|".join(f"(?:{regex.pattern})" for regex in regexes)
            self.combined = re.compile(joined or "(?!)", regexes[0].flags if regexes else 0)

    def match(self, path: str) -> bool:
        """Whether ``path`` (posix, relative) matches a pattern of the spec."""
        if self.combined is None:
            return self.spec.match_file(path)
        return self.combined.search(normalize_file(path)) is not None


class _Ignores:
    """Exclude globs (matched against root-relative paths and bare names) and .gitignore files.

    ``exempt`` is a folder named on the command line: as in Ruff, it is checked even when
    excluded, so the patterns that exclude it (or a folder above it) do not apply below it.
    ``.gitignore`` files are read from ``gitignore_top`` down (the git top of a project in a
    monorepo: the repository's own ignores apply to every project in it).
    """

    def __init__(self, settings: Settings, exempt: str | None = None, gitignore_top: str | None = None) -> None:
        self.root = str(settings.root)
        self.top = gitignore_top if gitignore_top is not None else self.root
        # Any: the pattern class, which nothing here looks at.
        self.exclude: pathspec.PathSpec[Any] = pathspec.PathSpec.from_lines("gitignore", settings.exclude)
        self.exempt = exempt
        if exempt is not None:
            self.exclude = _without_matches(self.exclude, _ancestry(exempt, self.root) or [os.path.basename(exempt)])
        self.excludes = _Excludes(self.exclude)
        self.gitignore = settings.respect_gitignore
        self._specs: dict[str, GitIgnores] = {}

    def specs_for(self, folder: str) -> GitIgnores:
        """The .gitignore files that apply inside ``folder`` (those of the top and below only)."""
        found = self._specs.get(folder)
        if found is None:
            relative = _relative(folder, self.top)
            if not self.gitignore or relative is None:
                found = ()
            else:
                parent = () if relative == "." else self.specs_for(os.path.dirname(folder))
                own: pathspec.PathSpec[Any] | None = _read_gitignore(folder)  # Any: as above
                if own is not None and self.exempt is not None:
                    own = _without_matches(own, _ancestry(self.exempt, folder))
                found = parent + ((folder, own),) if own is not None else parent
            self._specs[folder] = found
        return found

    def ignored(self, path: str, is_dir: bool, specs: GitIgnores) -> bool:
        """Whether ``path`` (absolute) is excluded or git-ignored."""
        suffix = "/" if is_dir else ""
        relative = _relative(path, self.root)
        if relative is not None and relative != "." and self.excludes.match(relative + suffix):
            return True
        if self.excludes.match(os.path.basename(path) + suffix):
            return True
        for folder, spec in specs:
            inner = _relative(path, folder)
            if inner and inner != "." and spec.match_file(inner + suffix):
                return True
        return False


def regular_file(path: str) -> str | None:
    """``path`` itself, or the file a symbolic link at ``path`` leads to, when that is a regular
    file; None for a FIFO, a device (a link to ``/dev/zero``), a socket or a dangling link, which
    would block or never end if read."""
    try:
        status = os.lstat(path)
        if stat.S_ISLNK(status.st_mode):
            # The file it leads to is named by its real path: a file and a link to it are one task.
            path = os.path.realpath(path)
            status = os.stat(path)
    except (OSError, ValueError):
        return None
    return path if stat.S_ISREG(status.st_mode) else None


class _Owners:
    """The project of each folder walked, and that project's ignores (one per project and exempt
    folder): in a monorepo, a folder below another project's root follows its own settings."""

    def __init__(self, projects: Projects) -> None:
        self.projects = projects
        self._ignores: dict[tuple[int, str | None], _Ignores] = {}

    def ignores(self, project: Project, exempt: str | None = None) -> _Ignores:
        # By identity: a config's project and the defaults guessed for the same folder differ.
        key = (id(project), exempt)
        found = self._ignores.get(key)
        if found is None:
            top = self.projects.git_top(str(project.root))
            found = self._ignores[key] = _Ignores(project.settings, exempt, top)
        return found


def discover(
    paths: Iterable[Path],
    projects: Projects,
    cwd: Path,
    force_exclude: bool = False,
    only: Project | None = None,
) -> Discovery:
    """Python files under ``paths``, each with its project. A file named directly is checked even
    when excluded, unless ``force_exclude`` (as pre-commit hooks use: they pass every changed file
    by name). With ``only``, just the files of that project (the folders of other projects below
    its root are not walked)."""
    owners = _Owners(projects)
    tasks: dict[str, Task] = {}
    owner: dict[str, Project] = {}
    errors: list[str] = []
    here = str(cwd)

    def add(file: str, real: str, project: Project) -> None:
        if real not in tasks:
            relative = _relative(real, str(project.root)) or _posix(real)
            display = _relative(file, here) or _posix(file)
            tasks[real] = Task(Path(real), display, relative)
            owner[real] = project

    leftovers: list[Path] = []
    broken: set[str] = set()

    def project_of(folder: str, fallback: Callable[[], str]) -> Project | None:
        # A project whose config cannot be used is said once; the other projects are checked.
        try:
            return projects.of(folder, fallback)
        except ConfigError as error:
            if str(error) not in broken:
                broken.add(str(error))
                errors.append(f"{error} (the project's files are not checked)")
            return None

    def unlistable(error: OSError) -> None:
        # os.walk skips a folder it cannot list: say so, as for a file that cannot be read.
        folder = str(error.filename) if error.filename is not None else "?"
        errors.append(f"{_relative(folder, here) or folder}: cannot list the folder: {error.strerror or error}")

    for given in paths:
        path = os.path.abspath(os.path.join(here, given))
        try:
            os.stat(path)
        except OSError as error:
            # A symbolic link loop or a dangling link exists but cannot be followed: say which.
            reason = "no such file or directory" if isinstance(error, FileNotFoundError) else error.strerror
            errors.append(f"{given}: {reason or error}")
            continue
        real_top = os.path.realpath(path)
        # Where no marker is above: worked out once, when first needed (a walk up the folders).
        fallback = functools.cache(functools.partial(fallback_root, Path(path)))
        if os.path.isfile(path):
            folder = os.path.dirname(real_top)
            project = project_of(folder, fallback)
            if project is None or (only is not None and project is not only):
                continue
            ignores = owners.ignores(project)
            if not (force_exclude and ignores.ignored(real_top, False, ignores.specs_for(folder))):
                add(path, real_top, project)
            continue
        top_project = project_of(real_top, fallback)
        # Whether the named folder itself is excluded, by the project it lies in (its parent's);
        # above a folder no marker is over, there is no project to exclude it.
        above = os.path.dirname(real_top)
        try:
            above_root = projects.root_of(above)
            own_root = projects.root_of(real_top)
        except ConfigError:
            above_root = None  # an unreadable folder above: said when a file needs it
        if above_root is not None and above_root == own_root:
            parent_project = top_project
        elif above_root is not None and force_exclude:
            # Another project's excludes matter only to skip the folder: its settings are read then only.
            parent_project = project_of(above, fallback)
        else:
            parent_project = None
        parent_ignores = owners.ignores(parent_project) if parent_project is not None else None
        exempt: str | None = None
        if parent_ignores is not None and parent_ignores.ignored(
            real_top, True, parent_ignores.specs_for(os.path.dirname(real_top))
        ):
            if force_exclude:
                continue
            exempt = real_top
        # os.walk does not follow links, so every folder below is the real one under real_top.
        for folder, dirs, files in os.walk(path, onerror=unlistable):
            real_folder = real_top + folder[len(path) :]
            project = project_of(real_folder, fallback) if folder != path else top_project
            if project is None:
                dirs[:] = []  # its excludes are unknown: nothing below is walked
                continue
            inside = owners.ignores(project, exempt if project is top_project else None)
            specs = inside.specs_for(real_folder)
            kept = []
            for name in dirs:
                sub = os.path.join(real_folder, name)
                if inside.ignored(sub, True, specs):
                    continue
                if only is not None and project_of(sub, fallback) is not only:
                    continue  # another project's folder: none of its files is ``only``'s
                kept.append(name)
            dirs[:] = sorted(kept)
            leftovers.extend(
                Path(real_folder, name) for name in files if name.endswith(".vectra-tmp") and LEFTOVER.match(name)
            )
            if only is not None and project is not only:
                continue
            for name in sorted(files):
                if name.endswith(".py") and not inside.ignored(os.path.join(real_folder, name), False, specs):
                    real = regular_file(os.path.join(real_folder, name))
                    if real is not None:
                        # A link is reported as the file it leads to: that file once, by its name.
                        linked = real != os.path.join(real_folder, name)
                        add(real if linked else os.path.join(folder, name), real, project)
    return Discovery(list(tasks.values()), errors, leftovers, owner)
