"""Writing fixed files back without losing anything users or other processes put there.

A fixed file replaces the original only if the original still holds what was read at the start
of the run (another ``--fix`` run, an editor or a formatter may have changed it since), keeps its
mode, owner and group and its hard links, and is never written when it is read-only. The
replacement goes through a temporary file renamed over the original, so that a crash leaves the
old file or the new one, never half of one.

Between vectra-lint runs the check and the write are one step (an advisory lock on the file);
another program writing the file in the microseconds between them still loses: closing that gap
would take a lock every writer honours, which editors do not.

A run killed between writing the temporary file and renaming it leaves ``.name.xxxxxxxx.vectra-tmp``
beside the source; the next ``--fix`` run removes it (:func:`remove_leftovers`). The writer holds
an advisory lock on its temporary file, so a leftover of a run still going is not touched.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, leftovers stay
    fcntl = None  # type: ignore[assignment]

TEMPORARY_SUFFIX = ".vectra-tmp"
LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}" + re.escape(TEMPORARY_SUFFIX) + "$")
"""The name ``tempfile.mkstemp`` gives our temporary files (its eight random characters)."""


class NotWritten(Exception):
    """The fixed file was not written; the message says why (for the user)."""


def digest(data: bytes) -> str:
    """A fingerprint of a file's bytes, to tell whether it changed since it was read."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_fixed(path: Path, data: bytes, read_digest: str) -> None:
    """Replace the content of ``path`` with ``data`` if it still has the digest it was read with.

    Raises :class:`NotWritten` when the file is read-only or changed since, and ``OSError`` when
    writing fails.
    """
    status = path.stat()
    # os.access answers yes to root for any file: the mode bits say what the owner intended.
    if not status.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise NotWritten("the file is read-only; it was not fixed")
    with path.open("rb") as locked:
        # Held until written: another vectra-lint run fixing the same file waits here, then finds
        # the file replaced (another inode) or its content changed, and leaves it.
        if fcntl is not None:
            fcntl.flock(locked.fileno(), fcntl.LOCK_EX)
        if os.fstat(locked.fileno()).st_ino != path.stat().st_ino or digest(locked.read()) != read_digest:
            raise NotWritten("the file changed since it was read; it was not fixed (run again to fix it)")
        _write(path, data, status, read_digest)


def _write(path: Path, data: bytes, status: os.stat_result, read_digest: str) -> None:
    if status.st_nlink > 1:
        # Renaming a new file over it would split the link: the other names would keep the old
        # text. Writing in place keeps them one file, at the cost of atomicity.
        with path.open("r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
        return
    _replace(path, data, status, read_digest)


def _replace(path: Path, data: bytes, status: os.stat_result, read_digest: str) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(temporary, status.st_mode & 0o7777)
            created = os.fstat(handle.fileno())
            if (created.st_uid, created.st_gid) != (status.st_uid, status.st_gid):
                # Only root may give a file away; anyone else keeps the original's owner by
                # writing in place.
                try:
                    os.chown(temporary, status.st_uid, status.st_gid)
                except PermissionError:
                    Path(temporary).unlink()
                    with path.open("r+b") as original:
                        original.write(data)
                        original.truncate()
                    return
            # Checked again just before the rename: fixing a large file takes a while.
            if digest(path.read_bytes()) != read_digest:
                raise NotWritten("the file changed since it was read; it was not fixed (run again to fix it)")
            os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_leftovers(paths: Iterable[Path]) -> list[Path]:
    """Remove the temporary files of killed runs among ``paths``; those removed.

    A temporary file that another run holds locked is being written: it stays.
    """
    removed: list[Path] = []
    if fcntl is None:
        return removed
    for path in paths:
        try:
            with path.open("rb") as handle:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
