"""What git knows about the checked tree: the repository's top folder and the lines changed since a ref.

git's output is read as bytes: file names and changed lines may be in any encoding, and a name
is turned into a path the way the file system would (``os.fsdecode``), never decoded as text.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path


class GitError(Exception):
    """git could not answer (not a repository, unknown ref, git missing)."""


def _git(cwd: Path, what: str, *args: str, given: bytes | None = None, differ: bool = False) -> bytes:
    """git's output for ``args`` run in ``cwd``; ``what`` says in words what failed, if it fails
    (the user never sees the command line, only what could not be done and git's reason).
    ``given`` is git's standard input; with ``differ``, exit code 1 is an answer (``diff
    --no-index`` exits so when the files differ)."""
    # Settings of the user's that change what git prints (pagers, colours, external diff tools,
    # prefixes, relative paths, quoting) are overridden per command, never read.
    command = ["git", "-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.relative=false", *args]
    try:
        # Without ``given``, an empty standard input: git never waits on the terminal's.
        completed = subprocess.run(command, cwd=cwd, capture_output=True, check=False, input=given or b"")
    except OSError as error:
        raise GitError(f"{what}: cannot run git ({error.strerror or error})") from None
    if completed.returncode != 0 and not (differ and completed.returncode == 1):
        reason = os.fsdecode(completed.stderr).strip().splitlines()
        # git's last line says why ("fatal: ambiguous argument ..."); drop its "fatal: " prefix.
        why = reason[-1].removeprefix("fatal: ").removeprefix("error: ") if reason else "git gave no reason"
        raise GitError(f"{what}: {why}")
    return completed.stdout


def toplevel(cwd: Path) -> Path | None:
    """The top folder of the git work tree ``cwd`` is in, or None outside a repository."""
    try:
        out = _git(cwd, "cannot find the repository", "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(os.fsdecode(out.rstrip(b"\n"))).resolve()


_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


def unquote(name: bytes) -> bytes:
    """A file name as git printed it, with git's C-style quoting (``"a\\303\\244 \\"b\\".py"``) undone."""
    if not (len(name) >= 2 and name.startswith(b'"') and name.endswith(b'"')):
        return name
    out = bytearray()
    body = name[1:-1]
    i = 0
    while i < len(body):
        char = body[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        escape = body[i + 1 : i + 2]
        if escape in _ESCAPES:
            out.append(_ESCAPES[escape])
            i += 2
        elif re.fullmatch(rb"[0-7]{3}", body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        else:
            out += char
            i += 1
    return bytes(out)


def _parse(diff: bytes, top: Path) -> dict[Path, set[int]]:
    changed: dict[Path, set[int]] = {}
    current: set[int] | None = None
    in_header = False
    for line in diff.split(b"\n"):
        if line.startswith(b"diff --git "):
            in_header, current = True, None
        elif in_header and line.startswith(b"+++ "):
            # Only in a file's header: in a hunk, "+++ x" is an added line that starts "++ x".
            name = unquote(line[4:].rstrip(b"\t"))
            if name != b"/dev/null" and name.startswith(b"b/"):
                current = changed.setdefault((top / os.fsdecode(name[2:])).resolve(), set())
        elif line.startswith(b"@@"):
            in_header = False
            if current is not None:
                current.update(_hunk_lines(line))
    return changed


def _hunk_lines(line: bytes) -> range:
    """The new file's lines a hunk header (``@@ -a,b +c,d @@``) says were added or changed."""
    hunk = _HUNK.match(line)
    if hunk is None:
        return range(0)
    start = int(hunk.group(1))
    return range(start, start + int(hunk.group(2) or b"1"))


def changed_lines(cwd: Path, ref: str) -> dict[Path, set[int]]:
    """Lines added or changed since ``ref`` in the work tree (staged and unstaged), by absolute path.

    Untracked files count as wholly changed (``None`` is never used: every line is listed).
    """
    top = toplevel(cwd)
    if top is None:
        raise GitError(f"cannot compare with {ref}: {cwd} is not inside a git repository")
    return _changed_in(top, ref)


def _verify(top: Path, ref: str) -> None:
    _git(
        top, f"cannot compare with {ref}: no such commit in the repository at {top}",
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
    )  # fmt: skip


def _base(top: Path, ref: str) -> str:
    """The commit to compare with: where HEAD's history left ``ref``'s (``git merge-base``, as
    ``git diff REF...`` takes), so that what ``ref`` gained since (a main branch moving on) does
    not count as changed here. ``ref`` itself when they share no commit, or HEAD has none yet."""
    _verify(top, ref)
    try:
        found = _git(top, f"cannot find where HEAD left {ref}", "merge-base", ref, "HEAD")
    except GitError:
        return ref
    return os.fsdecode(found.strip()) or ref


def _changed_in(top: Path, ref: str) -> dict[Path, set[int]]:
    shown = str(top)
    base = _base(top, ref)
    # Against the work tree: what is committed since the base, staged and not yet staged, all at once.
    diff = _git(
        top, f"cannot list the lines changed since {ref} in {shown}",
        "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/",
        "--unified=0", "--end-of-options", base, "--",
    )  # fmt: skip
    changed = _parse(diff, top)
    untracked = _git(top, f"cannot list the new files in {shown}", "ls-files", "--others", "--exclude-standard", "-z")
    for name in filter(None, untracked.split(b"\0")):
        path = (top / os.fsdecode(name)).resolve()
        try:
            count = path.read_bytes().count(b"\n") + 1
        except OSError:
            continue
        changed[path] = set(range(1, count + 1))
    return changed


def repository_top(folder: Path, known: dict[Path, Path | None]) -> Path | None:
    """The top of the git work tree that holds ``folder`` (a ``.git`` folder or file beside its
    files), without running git; ``known`` remembers the folders already looked at."""
    seen: list[Path] = []
    current: Path | None = folder
    top: Path | None = None
    while current is not None:
        if current in known:
            top = known[current]
            break
        seen.append(current)
        if (current / ".git").exists():
            top = current
            break
        current = current.parent if current.parent != current else None
    for path in seen:
        known[path] = top
    return top


def changed_lines_of(paths: Iterable[Path], ref: str, cwd: Path) -> dict[Path, set[int]]:
    """Lines changed since ``ref`` for ``paths``, each asked of the repository that holds it (a
    nested repository or a submodule answers for its own files), by absolute path."""
    known: dict[Path, Path | None] = {}
    tops = {repository_top(path.parent, known) for path in paths}
    tops.discard(None)
    if not tops:
        return changed_lines(cwd, ref)
    changed: dict[Path, set[int]] = {}
    for top in sorted(t for t in tops if t is not None):
        changed.update(_changed_in(top, ref))
    return changed


def changed_lines_of_text(path: Path, text: bytes, ref: str) -> set[int]:
    """The lines of ``text`` added or changed since ``ref``, ``text`` being what the file at
    ``path`` (absolute) now holds: as :func:`changed_lines_of` answers for a file on disk, for a
    text read from standard input. A file not in ``ref`` is wholly changed."""
    top = repository_top(path.parent, {})
    if top is None:
        raise GitError(f"cannot compare with {ref}: {path} is not inside a git repository")
    every = set(range(1, text.count(b"\n") + 2))
    blob = f"{_base(top, ref)}:{path.relative_to(top).as_posix()}"
    try:
        _git(top, f"cannot find {blob}", "cat-file", "-e", blob)
    except GitError:
        return every  # not in ref: new, as an untracked file
    before = _git(top, f"cannot read {blob}", "cat-file", "blob", blob)
    with tempfile.TemporaryDirectory(prefix="vectra-lint-") as folder:
        # ``git diff`` compares two files: the text is its standard input, what ref holds a file.
        was = Path(folder) / "was"
        was.write_bytes(before)
        diff = _git(
            top, f"cannot compare {path} with {blob}",
            "diff", "--no-index", "--no-color", "--no-ext-diff", "--no-textconv", "--unified=0", "--", str(was), "-",
            given=text, differ=True,
        )  # fmt: skip
    return {number for line in diff.split(b"\n") for number in _hunk_lines(line)}
