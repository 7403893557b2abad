"""Which files a run checks: the paths given, minus excludes and what git ignores."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
from pathspec.util import normalize_file

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
    """

    def __init__(self, settings: Settings, exempt: str | None = None) -> None:
        self.root = str(settings.root)
        # Any: the pattern class, which nothing here looks at.
        self.exclude: pathspec.PathSpec[Any] = pathspec.PathSpec.from_lines("gitignore", settings.exclude)
        self.exempt = exempt
        if exempt is not None:
            self.exclude = _without_matches(self.exclude, _ancestry(exempt, self.root) or [os.path.basename(exempt)])
        self.excludes = _Excludes(self.exclude)
        self.gitignore = settings.respect_gitignore
        self._specs: dict[str, GitIgnores] = {}

    def specs_for(self, folder: str) -> GitIgnores:
        """The .gitignore files that apply inside ``folder`` (those of the root and below only)."""
        found = self._specs.get(folder)
        if found is None:
            relative = _relative(folder, self.root)
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


def discover(paths: Iterable[Path], settings: Settings, cwd: Path, force_exclude: bool = False) -> Discovery:
    """Python files under ``paths``. A file named directly is checked even when excluded, unless
    ``force_exclude`` (as pre-commit hooks use: they pass every changed file by name)."""
    ignores = _Ignores(settings)
    tasks: dict[str, Task] = {}
    errors: list[str] = []
    root = str(settings.root)
    here = str(cwd)

    def add(file: str, real: str) -> None:
        if real not in tasks:
            relative = _relative(real, root) or _posix(real)
            display = _relative(file, here) or _posix(file)
            tasks[real] = Task(Path(real), display, relative)

    leftovers: list[Path] = []

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
        if os.path.isfile(path):
            if not (force_exclude and ignores.ignored(real_top, False, ignores.specs_for(os.path.dirname(real_top)))):
                add(path, real_top)
            continue
        inside = ignores
        if ignores.ignored(real_top, True, ignores.specs_for(os.path.dirname(real_top))):
            if force_exclude:
                continue
            inside = _Ignores(settings, exempt=real_top)
        # os.walk does not follow links, so every folder below is the real one under real_top.
        for folder, dirs, files in os.walk(path, onerror=unlistable):
            real_folder = real_top + folder[len(path) :]
            specs = inside.specs_for(real_folder)
            dirs[:] = sorted(d for d in dirs if not inside.ignored(os.path.join(real_folder, d), True, specs))
            leftovers.extend(
                Path(real_folder, name) for name in files if name.endswith(".vectra-tmp") and LEFTOVER.match(name)
            )
            for name in sorted(files):
                if name.endswith(".py") and not inside.ignored(os.path.join(real_folder, name), False, specs):
                    real = regular_file(os.path.join(real_folder, name))
                    if real is not None:
                        # A link is reported as the file it leads to: that file once, by its name.
                        linked = real != os.path.join(real_folder, name)
                        add(real if linked else os.path.join(folder, name), real)
    return Discovery(list(tasks.values()), errors, leftovers)
