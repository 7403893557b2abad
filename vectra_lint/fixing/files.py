"""Writing fixed files back without losing anything users or other processes put there.

A fixed file replaces the original only if the original still holds what was read at the start
of the run (another ``--fix`` run, an editor or a formatter may have changed it since), keeps its
mode, owner and group and its hard links, and is never written when it is read-only. The
replacement goes through a temporary file renamed over the original, so that a crash leaves the
old file or the new one, never half of one.

Between vectra-lint runs the check and the write are one step (an advisory lock on the file);
another program writing the file in the microseconds between them still loses: closing that gap
would take a lock every writer honours, which editors do not.

A file with other hard links (or one only root could give back to its owner) is written in place,
so that every name keeps seeing one file. The original is never lost: its bytes are first put in a
backup beside it (a full disk refuses there, before the source is touched), the new bytes are
written over the old without truncating first (space is reserved up front where the file system
can), and on any failure (a full disk, the file-size limit, Ctrl-C) the original bytes are put back.

A run killed between writing the temporary file and renaming it leaves ``.name.xxxxxxxx.vectra-tmp``
beside the source; the next ``--fix`` run removes it (:func:`remove_leftovers`). A backup left by a
run killed while writing in place is restored over its source first (:func:`restore_interrupted`).
The writer holds an advisory lock on its temporary files, so a leftover of a run still going is not
touched.
"""

from __future__ import annotations

import errno
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
BACKUP_MAGIC = b"\0vectra-lint backup\0"
"""How a backup of an in-place write begins: then the source's name, a NUL, its ``device:inode``,
a NUL, the digest of its bytes, a NUL, then its bytes (no Python source or fixed file starts with a
NUL)."""


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
        original = locked.read()
        if os.fstat(locked.fileno()).st_ino != path.stat().st_ino or digest(original) != read_digest:
            raise NotWritten("the file changed since it was read; it was not fixed (run again to fix it)")
        if status.st_nlink > 1:
            # Renaming a new file over it would split the link: the other names would keep the old
            # text. Writing in place keeps them one file.
            write_in_place(path, data, original)
        else:
            _replace(path, data, status, read_digest, original)


def write_in_place(path: Path, data: bytes, original: bytes) -> None:
    """Overwrite ``path`` (which holds ``original``) with ``data`` in place; on failure the file
    holds ``original`` again and the error is raised."""
    backup = _backup(path, original)
    try:
        with path.open("r+b", buffering=0) as handle:
            try:
                if len(data) > len(original) and hasattr(os, "posix_fallocate"):
                    try:
                        os.posix_fallocate(handle.fileno(), 0, len(data))
                    except OSError as error:
                        if error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                            raise
                        # EOPNOTSUPP, EINVAL: this file system reserves no space; the write says.
                _overwrite(handle.fileno(), data)
            except BaseException:
                # Every byte of the original fits where the file already was: this cannot run out
                # of space.
                _overwrite(handle.fileno(), original)
                raise
    finally:
        os.close(backup[0])
        # Kept only when restoring failed too: the next --fix run puts it back.
        try:
            done = path.read_bytes() in (data, original)
        except OSError:
            done = False
        if done:
            Path(backup[1]).unlink(missing_ok=True)


def _overwrite(fd: int, data: bytes) -> None:
    """Make the file open as ``fd`` hold ``data``, on disk."""
    _write_all(fd, data)
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def _write_all(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _backup(path: Path, original: bytes) -> tuple[int, str]:
    """A locked copy of ``original`` beside ``path`` (its fd and name), on disk before the source
    is touched; an ``OSError`` (a full disk) here leaves the source as it was."""
    fd, name = _locked_temporary(path)
    try:
        # The source's inode too: a backup someone committed names no file of this checkout.
        source = os.stat(path)
        # The digest tells a whole backup from one cut short by a kill while it was written.
        header = b"%s\0%d:%d\0%s\0" % (
            os.fsencode(path.name),
            source.st_dev,
            source.st_ino,
            digest(original).encode(),
        )
        _write_all(fd, BACKUP_MAGIC + header + original)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        Path(name).unlink(missing_ok=True)
        raise
    return fd, name


def restore_interrupted(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """Put back the sources that a killed run left half written in place, from the backups among
    ``paths`` (temporary files of killed runs); (backup, source) of each restored. The backups
    are then removed by :func:`remove_leftovers`."""
    restored: list[tuple[Path, Path]] = []
    if fcntl is None:
        return restored
    for backup in paths:
        try:
            with backup.open("rb") as handle:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a run still writing
                content = handle.read()
                if not content.startswith(BACKUP_MAGIC):
                    continue
                name, _, rest = content[len(BACKUP_MAGIC) :].partition(b"\0")
                identity, _, rest = rest.partition(b"\0")
                expected, _, original = rest.partition(b"\0")
                if expected != digest(original).encode():
                    continue  # cut short while it was written: the source was not touched yet
                source = backup.parent / os.fsdecode(name)
                if "/" in os.fsdecode(name) or not source.is_file() or source.is_symlink():
                    continue
                status = os.stat(source)
                if identity != b"%d:%d" % (status.st_dev, status.st_ino):
                    continue
                current = source.read_bytes()
                if current != original:
                    write_in_place(source, original, current)
                    restored.append((backup, source))
        except OSError:
            continue
    return restored


def _locked_temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (its fd and name), locked while this run writes it, so
    that another run does not take it for a leftover (:func:`remove_leftovers`)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException:
            os.close(fd)
            Path(name).unlink(missing_ok=True)
            raise
    return fd, name


def _replace(path: Path, data: bytes, status: os.stat_result, read_digest: str, original: bytes) -> None:
    fd, temporary = _locked_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
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
                    write_in_place(path, data, original)
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
