"""The result cache: what a file's check found, kept until the file, the config or the tool changes.

Entries are keyed on the file's bytes (not its mtime: a CI checkout touches every file), its path
inside the project (not the path shown, so that ``cd backend && check`` and ``check backend`` share
them), which of its folders are packages, the resolved settings and the tool itself: the versions
of vectra-lint, Python, libcst, tree-sitter and Ruff, and the content of vectra-lint's source files
(an edited rule in a development install is never answered from the cache; a fresh install of the
same code hits). Each file's entry holds its diagnostics *before* the project phase (pending ones
included) and its project facts, in one file, so that a run on a few files can still settle
cross-file rules against every file of the project. The other files of such a run, when they have
no entry, are only read for their facts, kept in a facts-only entry under the same key (it never
answers for a file's findings). Another kind of entry holds the project phase's verdicts for one
exact set of file keys: a run where nothing changed answers everything from the cache and never
imports the engine. A third holds what ``--fix`` (under one ``--unsafe-fixes`` state) made of a file
that its fixes changed: the fixed text and the diagnostics, facts and notes of that text, so that a
second ``--diff`` lints nothing; the project phase (which fixes what only the other files' facts
confirm) still runs, against those facts as they are now.

The folder is data anyone who can write the project controls: entries are JSON of an allowlist of
types (``pipeline/cache_codec.py``), never pickles, and anything unexpected is a miss. A fixed text
is only ever shown (``--diff``), never written: its entry names the digest of the bytes it applies
to and of the text itself (a damaged text is a miss), but digests cannot vouch for an entry
rewritten to match them, so ``--fix`` makes every fix it writes itself (``project_run``). A folder
that git tracks (committed, so not this machine's), that is a symlink, or whose ``.gitignore`` is
one, is not used at all: the run goes on without a cache, with a notice. Nothing in it is followed
through a symlink, nothing is written outside it, and read-only commands do not create it.

Every write goes to a temporary file renamed into place, so concurrent runs see an old entry, a new
one or none, never half of one. Past :data:`SIZE_CAP` the oldest entries are removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path, PurePath

from vectra_lint import __version__
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.pipeline import disk_inputs
from vectra_lint.pipeline.cache_codec import CORE, Rejected, Types, decode, encode, payload_types
from vectra_lint.pipeline.results import Outcome, Task

CACHE_DIR = ".vectra-lint-cache"
_FORMAT = "2"
_PACKAGE = Path(__file__).resolve().parent.parent
_IGNORE_TEXT = "# Created by vectra-lint: its result cache, never committed.\n*\n"
SIZE_CAP = 512 * 1024 * 1024
"""Past this many bytes of entries, the oldest are removed (down to three quarters of it)."""
_PRUNE_EVERY = 3600.0
"""Seconds between two looks at the folder's size (a stamp file's mtime says when the last was)."""
_MAX_ENTRY = 256 * 1024 * 1024
"""An entry larger than this is not read (a planted huge file is a miss, not a hang)."""
_FIXED_FIELDS = {"source", "text", "text-digest", "fixed", "codes", "settled", "pending", "facts", "noqa", "warning"}
"""The fields of a ``--fix`` entry, all required."""
_SELF = ""
"""The path stored for a diagnostic of the file whose entry holds it (shown as that file is)."""
_VERSIONED = ("libcst", "tree_sitter", "tree_sitter_typescript", "ruff", "vectra_lint")


class CacheError(Exception):
    """A cache folder that cannot be removed (``vectra-lint clean``)."""


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


@cache
def _distributions() -> dict[str, str]:
    """``name-version`` of the installed distributions vectra-lint's results depend on, by name
    (read from the ``.dist-info`` folder names: importlib.metadata takes a fifth of a second)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project = name.split("-", 1)[0].lower().replace("-", "_").replace(".", "_")
                if project in _VERSIONED and project not in found:
                    found[project] = os.path.join(entry or ".", name)
    return found


def _source_digest() -> str:
    """The content of vectra-lint's own code: its installed RECORD (hashes of every file) when the
    package is installed from a wheel, else every source file's bytes (a development install)."""
    record = _distributions().get("vectra_lint")
    if record is not None and Path(record).parent == _PACKAGE.parent:
        try:
            listing = Path(record, "RECORD").read_bytes()
        except OSError:
            listing = b""
        if b"vectra_lint/__init__.py," in listing:
            return hashlib.sha256(listing).hexdigest()
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                digest.update(f"\0{path[len(str(_PACKAGE)) :]}\0".encode())
                try:
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
                except OSError:
                    digest.update(b"unreadable")
    return digest.hexdigest()


def tool_fingerprint() -> str:
    """What in the tool decides results: versions (vectra-lint, Python, libcst, tree-sitter and its
    TypeScript grammar, Ruff) and the content of vectra-lint's code; never a file's mtime."""
    versions = [os.path.basename(path) for _, path in sorted(_distributions().items())]
    parts = [__version__, _FORMAT, sys.version, platform.python_implementation(), *versions, _source_digest()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _ruff_fingerprint(settings: Settings) -> str:
    if not settings.ruff_selected:
        return ""
    from vectra_lint.pipeline.ruff import RuffError, ruff_binary

    try:
        binary = ruff_binary()
    except RuffError:
        return "missing"
    if Path(binary).parent == Path(sys.executable).parent:
        return f"{binary}:{_distributions().get('ruff', '')}"
    try:
        # A Ruff from elsewhere on PATH: its own word on its version.
        found = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "missing"
    return f"{binary}:{found.stdout.strip()}"


def settings_digest(settings: Settings, tool: str) -> str:
    """What in the settings and the tool decides a file's diagnostics (the baseline does not: it
    filters afterwards; nor does ``whole_project``, which only the project phase reads: it is part
    of the project key)."""
    relevant = dataclasses.replace(settings, baseline=None, whole_project=False)
    material = repr((_canonical(relevant), tool, _ruff_fingerprint(settings)))
    return hashlib.sha256(material.encode()).hexdigest()


def _decode_facts(text: str) -> dict[str, object] | None:
    try:
        found = decode(text, payload_types())
    except Rejected:
        return None
    return found if type(found) is dict else None


class DamagedEntry(Exception):
    """A cache entry whose lazily read part cannot be read: the file must be checked anew."""


def _decode_diagnostics(text: str, allowed: Types, shown: str) -> tuple[Diagnostic, ...]:
    found = decode(text, allowed)
    if type(found) is not tuple or not all(type(d) is Diagnostic for d in found):
        raise Rejected("not a tuple of diagnostics")
    return tuple(replace(d, path=shown) if d.path == _SELF else d for d in found)


def _encode_diagnostics(diagnostics: Iterable[Diagnostic], allowed: Types, shown: str) -> str:
    return encode(tuple(replace(d, path=_SELF) if d.path == shown else d for d in diagnostics), allowed)


# Settled diagnostics, the bulk of what a warm run reads, as rows checked field by field: a
# tenth of the time of the generic codec.


def _checked_fields(outcome: Outcome) -> dict[str, object]:
    """The fields of a file's check answer in an entry (:class:`Rejected`: not plain data)."""
    shown = outcome.task.display
    settled = sorted((d for d in outcome.diagnostics if d.pending is None), key=lambda d: d.sort_key)
    pending = tuple(d for d in outcome.diagnostics if d.pending is not None)
    return {
        "settled": _rows(settled, shown),
        "pending": _encode_diagnostics(pending, payload_types(), shown) if pending else "",
        # The facts and their diagnostics in one file: an entry is never read without them.
        "facts": encode(outcome.facts, payload_types()),
        "noqa": list(outcome.noqa_warnings),
        "warning": outcome.warning,
    }


def _rows(diagnostics: Iterable[Diagnostic], shown: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for d in diagnostics:
        fix = d.fix
        fixed = None
        if fix is not None:
            edits = [[edit.start, edit.end, edit.content] for edit in fix.edits]
            fixed = [fix.applicability.value, fix.description, edits]
        path = None if d.path == shown else d.path
        rows.append(
            [path, d.code, d.name, d.message, d.line, d.column, d.end_line, d.end_column, fixed, list(d.noqa_lines)]
        )
    return rows


_APPLICABILITY = {member.value: member for member in Applicability}


def _from_rows(rows: object, shown: str) -> tuple[Diagnostic, ...]:
    """The diagnostics of :func:`_rows`; :class:`Rejected` for anything else."""
    if type(rows) is not list:
        raise Rejected("not a list of diagnostics")
    found = []
    for row in rows:
        if type(row) is not list or len(row) != 10:
            raise Rejected("not a diagnostic")
        path, code, name, message, line, column, end_line, end_column, fixed, noqa = row
        if not (type(code) is str and type(name) is str and type(message) is str):
            raise Rejected("not a diagnostic")
        if not (type(line) is int and type(column) is int and type(end_line) is int and type(end_column) is int):
            raise Rejected("not a diagnostic")
        if type(noqa) is not list or not all(type(number) is int for number in noqa):
            raise Rejected("not a diagnostic")
        if path is None:
            path = shown
        elif type(path) is not str:
            raise Rejected("not a diagnostic")
        fix = None
        if fixed is not None:
            if type(fixed) is not list or len(fixed) != 3 or type(fixed[1]) is not str or type(fixed[2]) is not list:
                raise Rejected("not a fix")
            applicability = _APPLICABILITY.get(fixed[0]) if type(fixed[0]) is str else None
            if applicability is None:
                raise Rejected("not a fix")
            edits = []
            for edit in fixed[2]:
                if (
                    type(edit) is not list
                    or len(edit) != 3
                    or type(edit[0]) is not int
                    or type(edit[1]) is not int
                    or type(edit[2]) is not str
                ):
                    raise Rejected("not an edit")
                edits.append(Edit(edit[0], edit[1], edit[2]))
            fix = Fix(tuple(edits), applicability, fixed[1])
        found.append(Diagnostic(path, code, name, message, line, column, end_line, end_column, fix, tuple(noqa)))
    return tuple(found)


@dataclass(frozen=True)
class FixedText:
    """What the fix loop made of a file: the text it ended with (never the text read) and what its
    fixes resolved."""

    text: str
    fixed: int
    """How many diagnostics the applied fixes resolved."""
    fixed_codes: tuple[str, ...]


def text_digest(data: bytes) -> str:
    """The digest a fixed entry binds a text with (the bytes read, the fixed text)."""
    return hashlib.sha256(data).hexdigest()


def _fixed_text_digest(text: str) -> str:
    # Strict: a text that is not UTF-8 (a lone surrogate) raises ValueError, a miss or no entry.
    return text_digest(text.encode("utf-8"))


@dataclass(frozen=True)
class FileEntry:
    """One file's check before the project phase."""

    settled: tuple[Diagnostic, ...]
    """Diagnostics that need no other file, in report order."""
    pending: str
    """The diagnostics awaiting the project phase, as JSON read apart: their payloads are the
    rules' own types, and reading them imports the rules (and libcst), on a run that needs none."""
    noqa_warnings: tuple[str, ...]
    warning: str | None
    facts: str = ""
    """The project facts, as JSON read when the project phase runs."""
    shown: str = ""
    """How the file is shown in this run (the entry holds paths relative to the project)."""
    fixed: FixedText | None = None
    """For the entry of ``--fix``/``--diff`` (:meth:`ResultCache.load_fixed`): the text the fix
    loop made of the file; the diagnostics, facts and notes are then those of that text."""

    @property
    def has_pending(self) -> bool:
        """Whether the project phase has something to settle in this file."""
        return bool(self.pending)

    def project_facts(self) -> dict[str, object] | None:
        """The project facts (None: damaged, a miss)."""
        return _decode_facts(self.facts)

    def pending_diagnostics(self) -> tuple[Diagnostic, ...]:
        """The pending diagnostics (imports the rules that reported them); :class:`DamagedEntry`
        when they cannot be read."""
        if not self.pending:
            return ()
        try:
            return _decode_diagnostics(self.pending, payload_types(), self.shown)
        except Rejected as error:
            raise DamagedEntry(str(error)) from None

    def outcome(self, task: Task) -> Outcome:
        """The outcome with the settled diagnostics only: the pending ones and the project facts
        are read when the project phase has to run."""
        settled = self.settled
        if task.display != self.shown:
            settled = tuple(replace(d, path=task.display) if d.path == self.shown else d for d in settled)
        return Outcome(task, settled, warning=self.warning, noqa_warnings=self.noqa_warnings)


# The folder: used only when it is this machine's, created only when something is written.


def _git_state(directory: Path) -> tuple[int, int] | None:
    """The state of the git index of the repository ``directory`` is in (None: not in one)."""
    parent = directory.parent
    for folder in (parent, *parent.parents):
        if os.path.lexists(folder / ".git"):
            try:
                status = os.stat(folder / ".git" / "index")
            except OSError:
                return (0, 0)
            return (status.st_mtime_ns, status.st_size)
    return None


def _git_tracks(directory: Path) -> bool:
    """Whether git tracks anything in ``directory`` (a committed cache is someone else's)."""
    if _git_state(directory) is None:
        return False
    parent = directory.parent
    try:
        found = subprocess.run(
            ["git", "-C", str(parent), "ls-files", "-z", "--", directory.name],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0 and bool(found.stdout)


_judged: dict[tuple[Path, int, int, tuple[int, int] | None], str | None] = {}


def refusal(directory: Path) -> str | None:
    """Why the cache folder must not be used (None: it can be, or does not exist yet)."""
    try:
        status = os.lstat(directory)
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"the cache folder {directory} cannot be read ({error.strerror}); running without the cache"
    # Judged once per folder and state of the git index (asking git takes a process).
    key = (directory, status.st_dev, status.st_ino, _git_state(directory))
    if key not in _judged:
        _judged[key] = _refusal(directory, status)
    return _judged[key]


def _refusal(directory: Path, status: os.stat_result) -> str | None:
    if stat.S_ISLNK(status.st_mode):
        return f"the cache folder {directory} is a symlink; running without the cache"
    if not stat.S_ISDIR(status.st_mode):
        return f"{directory} is not a folder; running without the cache"
    try:
        ignore = os.lstat(directory / ".gitignore")
        if not stat.S_ISREG(ignore.st_mode):
            return f"{directory / '.gitignore'} is not a regular file; running without the cache"
    except FileNotFoundError:
        pass
    except OSError as error:
        return f"{directory / '.gitignore'} cannot be read ({error.strerror}); running without the cache"
    if _git_tracks(directory):
        return f"git tracks files in the cache folder {directory}; running without the cache"
    return None


_created: dict[Path, set[int]] = {}
"""The cache folders this process created or checked, by inode."""


def ensure_directory(directory: Path) -> bool:
    """Create the cache folder with a ``.gitignore`` that keeps it out of the repository; whether
    it can be written to."""
    try:
        if os.lstat(directory).st_ino in _created.get(directory, ()):
            return True
    except OSError:
        pass
    if refusal(directory) is not None:
        return False
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(directory)
        except FileExistsError:
            pass
        status = os.lstat(directory)
        if not stat.S_ISDIR(status.st_mode) or refusal(directory) is not None:
            return False
        try:
            # Never through a symlink planted there: O_EXCL fails on any existing name.
            fd = os.open(directory / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        except FileExistsError:
            if not stat.S_ISREG(os.lstat(directory / ".gitignore").st_mode):
                return False
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(_IGNORE_TEXT)
    except OSError:
        return False
    _created.setdefault(directory, set()).add(status.st_ino)
    _flush_deferred(directory)
    return True


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _read_text(path: Path) -> str | None:
    """An entry's text; None when it is missing, not a regular file (a symlink, a FIFO) or too big."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_ENTRY:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(_MAX_ENTRY + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def _safe_folder(root: Path, folder: Path, checked: dict[Path, int]) -> bool:
    """Create ``folder`` (inside ``root``), never through a symlink; whether it is a real folder.

    ``checked`` holds the folders this run already checked, by inode: a run writing hundreds of
    entries into the same shards checks each shard's path once, then only that the shard is still
    the folder it checked (one ``lstat``). It lives as long as one run's cache, not the process
    (the language server's runs check again)."""
    known = checked.get(folder)
    if known is not None:
        try:
            status = os.lstat(folder)
        except OSError:
            pass
        else:
            # Still the folder checked (not removed, nor replaced by a symlink, since).
            if status.st_ino == known and stat.S_ISDIR(status.st_mode):
                return True
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        try:
            os.mkdir(current)
        except FileExistsError:
            pass
        except OSError:
            return False
        try:
            status = os.lstat(current)
        except OSError:
            return False
        if not stat.S_ISDIR(status.st_mode):
            return False
        if current == folder:
            checked[folder] = status.st_ino
    return True


def _write_atomically(root: Path, path: Path, text: str, checked: dict[Path, int] | None = None) -> None:
    """Write ``text`` at ``path`` (inside the cache folder ``root``) through a renamed temporary
    file; ``checked``: the folders already checked by this run (see ``_safe_folder``)."""
    if not ensure_directory(root) or not _safe_folder(root, path.parent, {} if checked is None else checked):
        return
    try:
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            # A rename replaces a symlink at ``path``; it never writes through it.
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full disk: the run goes on without caching


def prune(directory: Path, cap: int | None = None) -> int:
    """Remove the oldest entries (by when they were written) while the folder holds more than
    ``cap`` bytes, down to three quarters of it; how many were removed."""
    cap = SIZE_CAP if cap is None else cap
    entries: list[tuple[float, int, str]] = []
    total = 0
    for folder, _dirs, files in os.walk(directory):
        for name in files:
            if folder == str(directory) and name in (".gitignore", ".pruned"):
                continue
            path = os.path.join(folder, name)
            try:
                status = os.lstat(path)
            except OSError:
                continue
            entries.append((status.st_mtime, status.st_size, path))
            total += status.st_size
    removed = 0
    if total <= cap:
        return removed
    entries.sort()
    for _, size, path in entries:
        if total <= cap * 3 // 4:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


def _maybe_prune(directory: Path) -> None:
    stamp = directory / ".pruned"
    try:
        if time.time() - os.lstat(stamp).st_mtime < _PRUNE_EVERY:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    _write_atomically(directory, stamp, "")
    prune(directory)


def remove_cache(directory: Path) -> bool:
    """Remove a cache folder (``vectra-lint clean``); False when there was none. Refuses
    (:class:`CacheError`) anything that is not a real vectra-lint cache folder."""
    try:
        status = os.lstat(directory)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(status.st_mode) or not stat.S_ISDIR(status.st_mode):
        raise CacheError(f"{directory} is not a vectra-lint cache folder (not a folder, or a symlink); left alone")
    ignore = _read_text(directory / ".gitignore")
    if ignore != _IGNORE_TEXT:
        raise CacheError(f"{directory} has no .gitignore written by vectra-lint; not a cache folder, left alone")
    if _git_tracks(directory):
        raise CacheError(f"git tracks files in {directory}; left alone")
    # rmtree removes symlinks inside without following them.
    shutil.rmtree(directory)
    return True


class ResultCache:
    """Entries for one settings digest under ``directory``."""

    def __init__(self, directory: Path, digest: str, settings: Settings | None = None) -> None:
        """Use (and create on first write) ``directory``; ``digest`` from :func:`settings_digest`.

        With ``settings``, what rules read from disk beyond the checked files (``disk_inputs``)
        joins every key: no entry is reused once that changed.
        """
        self.directory = directory
        self._project_inputs = ""
        self.refused = refusal(directory)
        """Why the folder is not used (None: it is); a notice for the user."""
        if settings is not None:
            digest += disk_inputs.fingerprint(settings)
            self._project_inputs = disk_inputs.project_fingerprint(settings)
        self.digest = digest
        self.base = directory / digest[:24]
        self._shown: dict[str, str] = {}
        self._relative: dict[str, str] = {}
        self._facts: dict[str, str] = {}
        self._packages: dict[str, str] = {}
        self._pruned = False
        self._folders: dict[Path, int] = {}
        """The entry folders this cache created or checked, by inode (``_safe_folder``)."""

    def _ensure_root(self) -> bool:
        if self.refused is not None or not ensure_directory(self.directory):
            return False
        if not self._pruned:
            self._pruned = True
            _maybe_prune(self.directory)
        return True

    def _read(self, path: Path) -> str | None:
        return None if self.refused is not None else _read_text(path)

    def _write(self, path: Path, text: str) -> None:
        if self._ensure_root():
            _write_atomically(self.directory, path, text, self._folders)

    def _package_chain(self, task: Task) -> str:
        """Which of the file's folders inside the project are packages: module names, and so
        cross-module answers, change when an ``__init__.py`` comes or goes."""
        if task.path is None:
            return ""
        marks = []
        folder = os.path.dirname(str(task.path))
        for _ in range(task.relative.count("/")):
            found = self._packages.get(folder)
            if found is None:
                found = self._packages[folder] = "1" if os.path.isfile(os.path.join(folder, "__init__.py")) else "0"
            marks.append(found)
            folder = os.path.dirname(folder)
        return "".join(marks)

    def file_key(self, task: Task, data: bytes) -> str:
        """The key of one file's entry: its bytes, its place in the project and these settings."""
        digest = hashlib.sha256(data)
        # A name that is not UTF-8 (surrogates) keys its entry like any other.
        material = f"\0{task.relative}\0{self._package_chain(task)}\0{self.digest}"
        digest.update(material.encode("utf-8", "surrogateescape"))
        key = digest.hexdigest()
        self._shown[key] = task.display
        self._relative[task.display] = task.relative
        return key

    def _entry_path(self, kind: str, key: str) -> Path:
        return self.base / kind / key[:2] / key

    def load_file(self, key: str) -> FileEntry | None:
        """The entry stored under ``key``, if any (anything unexpected is a miss)."""
        text = self._read(self._entry_path("files", key))
        if text is None:
            return None
        try:
            found = json.loads(text)
            if type(found) is not dict or set(found) != {"settled", "pending", "noqa", "warning", "facts"}:
                return None
            pending, facts, noqa, warning = found["pending"], found["facts"], found["noqa"], found["warning"]
            if type(pending) is not str or type(facts) is not str or type(noqa) is not list:
                return None
            if not all(type(note) is str for note in noqa) or not (warning is None or type(warning) is str):
                return None
            shown = self._shown.get(key, "")
            settled = _from_rows(found["settled"], shown)
        except (ValueError, RecursionError, Rejected):
            return None
        self._facts[key] = facts
        return FileEntry(settled, pending, tuple(noqa), warning, facts, shown)

    def store_file(self, key: str, outcome: Outcome) -> None:
        """Keep a non-fixing run's outcome for a file that was read and checked without error."""
        try:
            text = json.dumps(_checked_fields(outcome), ensure_ascii=False, separators=(",", ":"))
        except (Rejected, ValueError, RecursionError):
            return  # not plain data: this file is checked again next time
        self._write(self._entry_path("files", key), text)

    def _fixed_key(self, key: str, unsafe: bool) -> str:
        """The key of the ``--fix`` answer for the file keyed ``key``: whether unsafe fixes apply
        changes which fixes are applied."""
        return hashlib.sha256(f"{key}\0fixed\0{'unsafe' if unsafe else 'safe'}".encode()).hexdigest()

    def load_fixed(self, key: str, data: bytes, unsafe: bool) -> FileEntry | None:
        """What ``--fix`` (``--unsafe-fixes``) made of the file keyed ``key``, whose bytes are ``data``:
        its fixed text and the diagnostics, facts and notes of that text (None: missing, or anything
        unexpected). The entry must name the digest of ``data`` and of the text it holds: an entry
        for other bytes, or a damaged text, is a miss. A text that applies is still untrusted: it
        is only ever shown (``--diff``), never written."""
        text = self._read(self._entry_path("fixed", self._fixed_key(key, unsafe)))
        if text is None:
            return None
        try:
            found = json.loads(text)
            if type(found) is not dict or set(found) != _FIXED_FIELDS:
                return None
            source, fixed, fixed_digest = found["source"], found["text"], found["text-digest"]
            if type(source) is not str or source != text_digest(data):
                return None
            if type(fixed) is not str or type(fixed_digest) is not str or fixed_digest != _fixed_text_digest(fixed):
                return None
            count, codes = found["fixed"], found["codes"]
            if type(count) is not int or count < 1 or type(codes) is not list or len(codes) != count:
                return None
            pending, facts, noqa, warning = found["pending"], found["facts"], found["noqa"], found["warning"]
            if type(pending) is not str or type(facts) is not str or type(noqa) is not list:
                return None
            if not all(type(item) is str for item in (*noqa, *codes)) or not (warning is None or type(warning) is str):
                return None
            shown = self._shown.get(key, "")
            settled = _from_rows(found["settled"], shown)
        except (ValueError, RecursionError, Rejected):
            return None
        done = FixedText(fixed, count, tuple(codes))
        return FileEntry(settled, pending, tuple(noqa), warning, facts, shown, done)

    def store_fixed(self, key: str, data: bytes, outcome: Outcome, unsafe: bool) -> None:
        """Keep what ``--fix`` (``--unsafe-fixes``) made of a file read as ``data``, when its fixes
        changed it without error: the fixed text, bound to the digests of ``data`` and of itself."""
        if outcome.fixed_text is None or outcome.error is not None or not outcome.fixed:
            return
        try:
            entry: dict[str, object] = {
                "source": text_digest(data),
                "text": outcome.fixed_text,
                "text-digest": _fixed_text_digest(outcome.fixed_text),
                "fixed": outcome.fixed,
                "codes": list(outcome.fixed_codes),
                **_checked_fields(outcome),
            }
            text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        except (Rejected, ValueError, RecursionError):
            return  # not plain data: this file is fixed again next time
        self._write(self._entry_path("fixed", self._fixed_key(key, unsafe)), text)

    def load_context(self, key: str) -> tuple[dict[str, object], tuple[Diagnostic, ...]] | None:
        """What the project phase of a run on other files needs of the file stored under ``key``:
        its facts and pending diagnostics, from its entry or its facts-only entry (None: missing
        or damaged, a miss)."""
        entry = self.load_file(key)
        if entry is not None:
            facts = _decode_facts(self._facts.get(key, ""))
            try:
                pending = entry.pending_diagnostics()
            except DamagedEntry:
                facts = None
            if facts is not None:
                return facts, pending
            # Damaged: the facts-only entry written when it was last gathered may answer.
        text = self._read(self._entry_path("facts", key))
        if text is None:
            return None
        try:
            found = json.loads(text)
            if type(found) is not dict or set(found) != {"facts", "pending"}:
                return None
            if type(found["facts"]) is not str or type(found["pending"]) is not str:
                return None
            facts = _decode_facts(found["facts"])
            shown = self._shown.get(key, "")
            pending = _decode_diagnostics(found["pending"], payload_types(), shown) if found["pending"] else ()
        except (ValueError, RecursionError, Rejected):
            return None
        return None if facts is None else (facts, pending)

    def store_context(self, key: str, outcome: Outcome) -> None:
        """Keep what the project phase needs of a file that was not checked, only read for it (the
        other files of a run on a few): an entry of its own, which never answers for its findings."""
        shown = outcome.task.display
        pending = tuple(d for d in outcome.diagnostics if d.pending is not None)
        try:
            entry = {
                "facts": encode(outcome.facts, payload_types()),
                "pending": _encode_diagnostics(pending, payload_types(), shown) if pending else "",
            }
            text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        except (Rejected, ValueError, RecursionError):
            return  # not plain data: gathered again next time
        self._write(self._entry_path("facts", key), text)

    def project_key(self, keys: Iterable[tuple[str, str]], whole_project: bool) -> str:
        """The key of the project phase over exactly these (root-relative path, file key) pairs
        (a file whose facts only count is told apart by its caller, in its file key)."""
        digest = hashlib.sha256(f"{self.digest}\0{whole_project}\0{self._project_inputs}".encode())
        for relative, key in sorted(keys):
            digest.update(f"\0{relative}\0{key}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def _display_key(self, key: str) -> str:
        """``key`` with how this run shows its files: for verdicts on files outside the run's
        (a translation file), whose shown path depends on the working directory."""
        digest = hashlib.sha256(key.encode())
        for shown, relative in sorted(self._relative.items()):
            digest.update(f"\0{shown}\0{relative}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def load_project(self, key: str) -> tuple[dict[str, tuple[Diagnostic, ...]], tuple[str, ...]] | None:
        """What the project phase added to each file (by display path), and its notices."""
        text = self._read(self.base / "project" / key)
        try:
            found = json.loads(text) if text is not None else None
            if type(found) is dict and found.get("shown-paths") is True:
                text = self._read(self.base / "project" / self._display_key(key))
                found = json.loads(text) if text is not None else None
            if type(found) is not dict or set(found) != {"verdicts", "notices", "shown-paths"}:
                return None
            verdicts, notices = found["verdicts"], found["notices"]
            if type(verdicts) is not list or type(notices) is not list or not all(type(n) is str for n in notices):
                return None
            shown_by_relative = {relative: shown for shown, relative in self._relative.items()}
            settled: dict[str, tuple[Diagnostic, ...]] = {}
            for item in verdicts:
                if type(item) is not list or len(item) != 3 or type(item[1]) is not str:
                    return None
                place, name, diagnostics = item
                shown = shown_by_relative.get(name) if place == "relative" else name if place == "shown" else None
                if shown is None:
                    return None
                settled[shown] = _from_rows(diagnostics, shown)
        except (ValueError, RecursionError, Rejected):
            return None
        return settled, tuple(notices)

    def store_project(self, key: str, settled: tuple[dict[str, tuple[Diagnostic, ...]], tuple[str, ...]]) -> None:
        """Keep the project phase's verdicts and notices for this exact set of files."""
        verdicts, notices = settled
        items: list[list[object]] = []
        dependent = False
        try:
            for shown, diagnostics in sorted(verdicts.items()):
                relative = self._relative.get(shown)
                dependent = dependent or relative is None or any(d.path != shown for d in diagnostics)
                place, name = ("relative", relative) if relative is not None else ("shown", shown)
                items.append([place, name, _rows(diagnostics, shown)])
            entry = {"verdicts": items, "notices": list(notices), "shown-paths": dependent}
            text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        except (Rejected, ValueError, RecursionError):
            return
        if dependent:
            self._write(self.base / "project" / self._display_key(key), text)
            text = json.dumps({"shown-paths": True})
        self._write(self.base / "project" / key, text)


def settings_key(config_path: Path | None, config_bytes: bytes, arguments: object, cwd: Path, tool: str) -> str:
    """The key of resolved settings: the config file's bytes, the command line's overrides, the tool."""
    material = repr((str(config_path), config_bytes, _canonical(arguments), str(cwd), tool))
    return hashlib.sha256(material.encode()).hexdigest()


def load_settings(directory: Path, key: str) -> tuple[Settings, str] | None:
    """Settings (and their digest) resolved by an earlier run with the same key."""
    if refusal(directory) is not None:
        return None
    text = _read_text(directory / "settings" / key)
    if text is None:
        return None
    try:
        found = decode(text, CORE)
    except Rejected:
        return None
    if type(found) is tuple and len(found) == 2 and type(found[0]) is Settings and type(found[1]) is str:
        return found[0], found[1]
    return None


_deferred: dict[Path, dict[str, str]] = {}


def _flush_deferred(directory: Path) -> None:
    for key, text in _deferred.pop(directory, {}).items():
        _write_atomically(directory, directory / "settings" / key, text)


def store_settings(directory: Path, key: str, settings: Settings, digest: str) -> None:
    """Keep resolved settings, so that the next run need not import every rule to resolve them.

    Written once the folder exists or something else is cached: a read-only command
    (``--show-settings``, ``--show-files``, a folder without Python files) creates no cache folder.
    """
    try:
        text = encode((settings, digest), CORE)
    except Rejected:
        return
    if refusal(directory) is None and os.path.isdir(directory):
        _write_atomically(directory, directory / "settings" / key, text)
    else:
        _deferred.setdefault(directory, {})[key] = text


__all__ = [
    "CACHE_DIR",
    "CacheError",
    "DamagedEntry",
    "FileEntry",
    "FixedText",
    "ResultCache",
    "load_settings",
    "prune",
    "refusal",
    "remove_cache",
    "settings_digest",
    "settings_key",
    "store_settings",
    "text_digest",
    "tool_fingerprint",
]
