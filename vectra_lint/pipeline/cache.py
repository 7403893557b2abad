"""The result cache: what a file's check found, kept until the file, the config or the tool changes.

Entries are keyed on the file's bytes (not its mtime: a CI checkout touches every file), its paths,
the resolved settings and the tool itself (its version and the state of its source files, so that
an edited rule in a development install is never answered from the cache). Each file's entry holds
its diagnostics *before* the project phase (pending ones included) and its project facts, so that a
run on a few files can still settle cross-file rules against every file of the project. A second
kind of entry holds the project phase's verdicts for one exact set of file keys: a run where
nothing changed answers everything from the cache and never imports the engine.

Every write goes to a temporary file renamed into place, so concurrent runs see an old entry, a new
one or none, never half of one; an entry that cannot be read is a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from vectra_lint import __version__
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.pipeline import disk_inputs
from vectra_lint.pipeline.results import Outcome, Task

CACHE_DIR = ".vectra-lint-cache"
_FORMAT = "1"
_PACKAGE = Path(__file__).resolve().parent.parent


def _canonical(value: object) -> object:
    """A repr-stable form: sets sorted, mappings by key, dataclasses by field (hash order varies
    between processes, and the key must not)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple((f.name, _canonical(getattr(value, f.name))) for f in dataclasses.fields(value)),
        )
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), _canonical(item)) for key, item in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_canonical(item)) for item in value))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(item) for item in value)
    if isinstance(value, PurePath):
        return str(value)
    return value


def tool_fingerprint() -> str:
    """The version, and every source file of the package by size and modification time."""
    parts = [__version__, _FORMAT]
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                parts.append(f"{folder[len(str(_PACKAGE)) :]}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _ruff_fingerprint(settings: Settings) -> str:
    if not settings.ruff_selected:
        return ""
    from vectra_lint.pipeline.ruff import RuffError, ruff_binary

    try:
        stat = os.stat(ruff_binary())
    except (OSError, RuffError):
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def settings_digest(settings: Settings, tool: str) -> str:
    """What in the settings and the tool decides a file's diagnostics (the baseline does not: it
    filters afterwards; nor does ``whole_project``, which only the project phase reads: it is part
    of the project key)."""
    relevant = dataclasses.replace(settings, baseline=None, whole_project=False)
    material = repr((_canonical(relevant), tool, _ruff_fingerprint(settings)))
    return hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True)
class FileEntry:
    """One file's check before the project phase."""

    settled: tuple[Diagnostic, ...]
    """Diagnostics that need no other file, in report order."""
    pending: bytes
    """The diagnostics awaiting the project phase, pickled apart: their payloads are the rules' own
    objects, and unpickling them would import the rules (and libcst) on a run that needs none."""
    noqa_warnings: tuple[str, ...]
    warning: str | None

    @property
    def has_pending(self) -> bool:
        """Whether the project phase has something to settle in this file."""
        return bool(self.pending)

    def pending_diagnostics(self) -> tuple[Diagnostic, ...]:
        """The pending diagnostics (imports the rules that reported them)."""
        found = pickle.loads(self.pending) if self.pending else ()
        return found if isinstance(found, tuple) else ()

    def outcome(self, task: Task) -> Outcome:
        """The outcome with the settled diagnostics only: the pending ones and the project facts
        are read when the project phase has to run."""
        return Outcome(task, self.settled, warning=self.warning, noqa_warnings=self.noqa_warnings)


def ensure_directory(directory: Path) -> None:
    """Create the cache folder with a ``.gitignore`` that keeps it out of the repository."""
    ignore = directory / ".gitignore"
    if not ignore.exists():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ignore.write_text("# Created by vectra-lint: its result cache, never committed.\n*\n", encoding="utf-8")
        except OSError:
            pass


def _read_pickle(path: Path) -> object:
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry is a miss, whatever it raises
        return None


def _write_atomically(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full disk: the run goes on without caching


class ResultCache:
    """Entries for one settings digest under ``directory``."""

    def __init__(self, directory: Path, digest: str, settings: Settings | None = None) -> None:
        """Use (and create on first write) ``directory``; ``digest`` from :func:`settings_digest`.

        With ``settings``, what rules read from disk beyond the checked files (``disk_inputs``)
        joins every key: no entry is reused once that changed.
        """
        self.directory = directory
        self._project_inputs = ""
        if settings is not None:
            digest += disk_inputs.fingerprint(settings)
            self._project_inputs = disk_inputs.project_fingerprint(settings)
        self.digest = digest
        self.base = directory / digest[:24]

    def _ensure_root(self) -> None:
        ensure_directory(self.directory)

    def file_key(self, task: Task, data: bytes) -> str:
        """The key of one file's entry: its bytes and paths under these settings."""
        digest = hashlib.sha256(data)
        digest.update(f"\0{task.relative}\0{task.display}\0{self.digest}".encode())
        return digest.hexdigest()

    def load_file(self, key: str) -> FileEntry | None:
        """The entry stored under ``key``, if any."""
        found = _read_pickle(self.base / "files" / key[:2] / key)
        return found if isinstance(found, FileEntry) else None

    def store_file(self, key: str, outcome: Outcome) -> None:
        """Keep a non-fixing run's outcome for a file that was read and checked without error."""
        settled = tuple(sorted((d for d in outcome.diagnostics if d.pending is None), key=lambda d: d.sort_key))
        pending = tuple(d for d in outcome.diagnostics if d.pending is not None)
        blob = pickle.dumps(pending, protocol=pickle.HIGHEST_PROTOCOL) if pending else b""
        entry = FileEntry(settled, blob, outcome.noqa_warnings, outcome.warning)
        self._ensure_root()
        # Facts first: an entry is only ever read with its facts present.
        _write_atomically(self.base / "facts" / key[:2] / key, outcome.facts)
        _write_atomically(self.base / "files" / key[:2] / key, entry)

    def load_facts(self, key: str) -> dict[str, object] | None:
        """The project facts of the file stored under ``key``."""
        found = _read_pickle(self.base / "facts" / key[:2] / key)
        return found if isinstance(found, dict) else None

    def project_key(self, keys: Iterable[tuple[str, str]], whole_project: bool) -> str:
        """The key of the project phase over exactly these (root-relative path, file key) pairs."""
        digest = hashlib.sha256(f"{self.digest}\0{whole_project}\0{self._project_inputs}".encode())
        for relative, key in sorted(keys):
            digest.update(f"\0{relative}\0{key}".encode())
        return digest.hexdigest()

    def load_project(self, key: str) -> tuple[dict[str, tuple[Diagnostic, ...]], tuple[str, ...]] | None:
        """What the project phase added to each file (by display path), and its notices."""
        found = _read_pickle(self.base / "project" / key)
        if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], dict):
            return found[0], tuple(found[1])
        return None

    def store_project(self, key: str, settled: tuple[dict[str, tuple[Diagnostic, ...]], tuple[str, ...]]) -> None:
        """Keep the project phase's verdicts and notices for this exact set of files."""
        self._ensure_root()
        _write_atomically(self.base / "project" / key, settled)


def settings_key(config_path: Path | None, config_bytes: bytes, arguments: object, cwd: Path, tool: str) -> str:
    """The key of resolved settings: the config file's bytes, the command line's overrides, the tool."""
    material = repr((str(config_path), config_bytes, _canonical(arguments), str(cwd), tool))
    return hashlib.sha256(material.encode()).hexdigest()


def load_settings(directory: Path, key: str) -> tuple[Settings, str] | None:
    """Settings (and their digest) resolved by an earlier run with the same key."""
    found = _read_pickle(directory / "settings" / key)
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], Settings):
        return found[0], str(found[1])
    return None


def store_settings(directory: Path, key: str, settings: Settings, digest: str) -> None:
    """Keep resolved settings, so that the next run need not import every rule to resolve them."""
    ensure_directory(directory)
    _write_atomically(directory / "settings" / key, (settings, digest))
