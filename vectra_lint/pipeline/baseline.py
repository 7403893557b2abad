"""Baselines: the findings a team has accepted for now, so that a check reports only new ones.

A finding's fingerprint is its rule, its file (relative to the project root), the function or class
it is in, and the source it points at with blanks, trailing commas and quote styles normalised:
never a line number, so code inserted or removed elsewhere in the file does not bring old findings
back, and a formatter rewrapping the line does not either. A finding about the whole file (reported
at 1:1 with no extent, like a missing module docstring) is fingerprinted by rule and file alone: an
import added at the top does not bring it back. A finding whose text changed (an edit, a fix of
another rule on the same line) still matches an unmatched entry of the same rule, file and scope.
Identical fingerprints (the same line twice in one function) are counted. Entries no finding
matches any more are *stale*: fixed findings, or lines edited since; the summary counts them (only
for the rules that ran on the file) so the baseline can be regenerated.

The file is the team's, maybe committed: it is read strictly (a clear error for anything but a
baseline, never a crash) and written atomically (a full disk leaves the old one), never through a
symlink, never over a file that is not a baseline.
"""

from __future__ import annotations

import ast
import errno
import hashlib
import json
import math
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vectra_lint.diagnostics import Diagnostic

FORMAT_VERSION = 1
FILE_LEVEL = "<file>"
"""The scope of a finding about the whole file."""
_MAX_SIZE = 256 * 1024 * 1024


class BaselineError(Exception):
    """The baseline file cannot be read or written."""


@dataclass(frozen=True)
class Finding:
    """One diagnostic with what identifies it across edits."""

    diagnostic: Diagnostic
    path: str
    """Relative to the project root."""
    scope: str
    """The qualified name of the enclosing function or class (empty at module level,
    :data:`FILE_LEVEL` for a finding about the whole file)."""
    source: str
    """The source the diagnostic points at, normalised (empty for a finding about the whole file)."""
    line_source: str = field(default="", compare=False)
    """The diagnostic's first line, blanks collapsed: what baselines of earlier versions hashed."""

    @property
    def fingerprint(self) -> str:
        """A stable hash of rule, path, scope and source."""
        return _hash(self.diagnostic.code, self.path, self.scope, self.source)

    @property
    def legacy_fingerprint(self) -> str:
        """The fingerprint baselines written by earlier versions hold (by the first line's text)."""
        return _hash(self.diagnostic.code, self.path, "" if self.scope == FILE_LEVEL else self.scope, self.line_source)

    @property
    def loose_key(self) -> tuple[str, str, str]:
        """Rule, file and scope: what an entry whose text changed is matched by."""
        return (self.diagnostic.code, self.path, self.scope)


def _hash(code: str, path: str, scope: str, source: str) -> str:
    key = "\0".join((code, path, scope, source))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


_TRAILING_COMMA = re.compile(r",(?=[)\]}])")


def _normalised(text: str) -> str:
    """What a formatter does not change: no blanks, no trailing commas, one quote style."""
    return _TRAILING_COMMA.sub("", "".join(text.split())).replace("'", '"')


def _span(lines: list[str], diagnostic: Diagnostic) -> str:
    """The text from the diagnostic's start to its end (its first line when it has no extent)."""
    first, last = diagnostic.line, min(diagnostic.end_line, len(lines))
    if not 0 < first <= len(lines) or last < first or (last, diagnostic.end_column) == (first, diagnostic.column):
        return lines[first - 1] if 0 < first <= len(lines) else ""
    if first == last:
        return lines[first - 1][diagnostic.column - 1 : diagnostic.end_column - 1]
    middle = lines[first : last - 1]
    return "\n".join([lines[first - 1][diagnostic.column - 1 :], *middle, lines[last - 1][: diagnostic.end_column - 1]])


def _file_level(diagnostic: Diagnostic) -> bool:
    return (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column) == (1, 1, 1, 1)


def _scopes(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class, outer ones first."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                found.append((first, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def findings(diagnostics: Sequence[Diagnostic], relative: str, text: str | None) -> list[Finding]:
    """The fingerprintable form of one file's diagnostics (``text`` is the file's source)."""
    lines = text.splitlines() if text is not None else []
    scopes = _scopes(text) if text is not None and diagnostics else []
    result = []
    for diagnostic in diagnostics:
        line = diagnostic.line
        line_source = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
        if _file_level(diagnostic):
            result.append(Finding(diagnostic, relative, FILE_LEVEL, "", line_source))
            continue
        # The innermost scope whose lines hold the diagnostic's line (scopes come outer first).
        scope = ""
        for first, last, name in scopes:
            if first <= line <= last:
                scope = name
        result.append(Finding(diagnostic, relative, scope, _normalised(_span(lines, diagnostic)), line_source))
    return result


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a baseline holds")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a number a baseline holds")
    return value


def _read_bytes(file: Path) -> bytes:
    """The file's bytes: a regular file, not through a symlink to a device or a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(file, flags)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise BaselineError(f"{file}: not a vectra-lint baseline (not a regular file)")
        if status.st_size > _MAX_SIZE:
            raise BaselineError(f"{file}: not a vectra-lint baseline (larger than {_MAX_SIZE // 2**20} MiB)")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def _entries(data: object) -> list[tuple[str, str, tuple[str, str, str, str] | None, int]]:
    """(fingerprint, path, (code, path, scope, source), count) of each entry; ``ValueError``
    saying what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError("expected an object with a list of `entries`")
    found = []
    for number, entry in enumerate(data["entries"], start=1):
        if not isinstance(entry, dict):
            raise ValueError(f"entry {number} is not an object")
        fingerprint, path, count = entry.get("fingerprint"), entry.get("path"), entry.get("count", 1)
        if not isinstance(fingerprint, str) or not isinstance(path, str):
            raise ValueError(f"entry {number}: `fingerprint` and `path` must be strings")
        if type(count) is not int or not 0 < count <= 10**9:
            raise ValueError(f"entry {number}: `count` must be a positive whole number")
        code, scope, source = entry.get("code"), entry.get("scope"), entry.get("source")
        loose = None
        if isinstance(code, str) and isinstance(scope, str) and isinstance(source, str):
            loose = (code, path, scope, _normalised(source))
        found.append((fingerprint, path, loose, count))
    return found


@dataclass
class Baseline:
    """Accepted findings: fingerprint -> how many, and the path and loose key of each."""

    counts: Counter[str]
    paths: dict[str, str]
    loose: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    """Fingerprint -> (code, path, scope, normalised source)."""

    @classmethod
    def read(cls, file: Path) -> Baseline:
        """Load a baseline written by :func:`write`."""
        try:
            text = _read_bytes(file).decode("utf-8")
            entries = _entries(json.loads(text, parse_constant=_no_constant, parse_float=_finite))
        except OSError as error:
            raise BaselineError(f"{file}: cannot read the baseline: {error.strerror or error}") from None
        except RecursionError:
            raise BaselineError(f"{file}: not a vectra-lint baseline (nested too deeply)") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise BaselineError(f"{file}: not a vectra-lint baseline ({error})") from None
        counts: Counter[str] = Counter()
        paths: dict[str, str] = {}
        loose: dict[str, tuple[str, str, str, str]] = {}
        for fingerprint, path, key, count in entries:
            counts[fingerprint] += count
            paths[fingerprint] = path
            if key is not None:
                loose[fingerprint] = key
        return cls(counts, paths, loose)

    def filter(
        self, found: Iterable[Finding], checked: set[str], ran: Callable[[str, str], bool] | None = None
    ) -> tuple[list[Finding], int]:
        """The findings not in the baseline, and how many baseline entries of the ``checked``
        files (root-relative paths) matched nothing, among the rules that ran there
        (``ran(code, path)``; all when not given)."""
        left = Counter(self.counts)
        unmatched = []
        for finding in found:
            for key in (finding.fingerprint, finding.legacy_fingerprint):
                if left[key] > 0:
                    left[key] -= 1
                    break
            else:
                unmatched.append(finding)
        # Then an entry left over of the same rule, file and scope whose text is part of the
        # finding's or holds it: a fix of another rule inside it, an argument added or removed.
        spare: dict[tuple[str, str, str], list[str]] = {}
        for key, count in left.items():
            if count > 0 and key in self.loose:
                spare.setdefault(self.loose[key][:3], []).append(key)
        new = []
        for finding in unmatched:
            text = finding.source
            keys = [
                key
                for key in spare.get(finding.loose_key, ())
                if left[key] > 0
                and text
                and self.loose[key][3]
                and (self.loose[key][3] in text or text in self.loose[key][3])
            ]
            if keys:
                left[keys[0]] -= 1
            else:
                new.append(finding)
        stale = sum(
            count
            for key, count in left.items()
            if count > 0
            and self.paths.get(key) in checked
            and (ran is None or key not in self.loose or ran(self.loose[key][0], self.paths[key]))
        )
        return new, stale


def check_target(file: Path, root: Path | None) -> None:
    """Refuse (:class:`BaselineError`) to write a baseline through a symlink, outside ``root`` (the
    project, for a path the config gave) or over a file that is not a baseline."""
    try:
        status = os.lstat(file)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise BaselineError(f"{file}: cannot write the baseline: {error.strerror or error}") from None
    if status is not None and stat.S_ISLNK(status.st_mode):
        raise BaselineError(f"{file} is a symlink; the baseline is not written through it")
    if root is not None:
        resolved = file.parent.resolve() / file.name
        if not resolved.is_relative_to(root.resolve()):
            raise BaselineError(f"{file} is outside the project ({root}); the baseline is not written there")
    if status is not None:
        try:
            Baseline.read(file)
        except BaselineError:
            raise BaselineError(f"{file} exists and is not a vectra-lint baseline; it was left as it is") from None


def write(file: Path, found: Iterable[Finding], root: Path | None = None) -> int:
    """Write every finding to ``file`` (sorted, so the file diffs well) atomically; how many entries.

    ``root``: the project the file must be in (for a path the config gave).
    """
    check_target(file, root)
    grouped: dict[str, tuple[Finding, int]] = {}
    for finding in found:
        previous = grouped.get(finding.fingerprint)
        grouped[finding.fingerprint] = (finding, previous[1] + 1 if previous else 1)
    entries = [
        {
            "fingerprint": key,
            "code": finding.diagnostic.code,
            "path": finding.path,
            "scope": finding.scope,
            "source": finding.source,
            "count": count,
        }
        for key, (finding, count) in sorted(grouped.items(), key=lambda item: (item[1][0].path, item[0]))
    ]
    data = {"version": FORMAT_VERSION, "tool": "vectra-lint", "entries": entries}
    _write_atomically(file, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return sum(count for _, count in grouped.values())


def _write_atomically(file: Path, data: bytes) -> None:
    """Write through a temporary file renamed over ``file``: a full disk leaves the old one."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
    except OSError as error:
        raise BaselineError(f"{file}: cannot write the baseline: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(temporary, 0o644 & ~_umask())
        except OSError:
            pass
        os.replace(temporary, file)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        reason = "the disk is full" if error.errno in (errno.ENOSPC, errno.EDQUOT) else error.strerror or str(error)
        raise BaselineError(f"{file}: cannot write the baseline ({reason}); the old one is unchanged") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
