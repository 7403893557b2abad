"""What git knows about the checked tree: the repository's top folder and the lines changed since a ref."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


class GitError(Exception):
    """git could not answer (not a repository, unknown ref, git missing)."""


def _git(cwd: Path, *args: str) -> str:
    try:
        completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if completed.returncode != 0:
        raise GitError(completed.stderr.strip() or f"git {' '.join(args)} failed")
    return completed.stdout


def toplevel(cwd: Path) -> Path | None:
    """The top folder of the git work tree ``cwd`` is in, or None outside a repository."""
    try:
        return Path(_git(cwd, "rev-parse", "--show-toplevel").strip()).resolve()
    except GitError:
        return None


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def changed_lines(cwd: Path, ref: str) -> dict[Path, set[int]]:
    """Lines added or changed since ``ref`` in the work tree (staged and unstaged), by absolute path.

    Untracked files count as wholly changed (``None`` is never used: every line is listed).
    """
    top = toplevel(cwd)
    if top is None:
        raise GitError(f"{cwd} is not inside a git repository")
    _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    # Against the work tree: what is committed after ref, staged and not yet staged, all at once.
    diff = _git(top, "-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--unified=0", ref, "--")
    changed: dict[Path, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:].rstrip("\t")
            current = None if name == "/dev/null" else changed.setdefault((top / name[2:]).resolve(), set())
        elif current is not None:
            hunk = _HUNK.match(line)
            if hunk is not None:
                start, count = int(hunk.group(1)), int(hunk.group(2) or "1")
                current.update(range(start, start + count))
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    for name in filter(None, untracked.split("\0")):
        path = (top / name).resolve()
        try:
            count = path.read_bytes().count(b"\n") + 1
        except OSError:
            continue
        changed[path] = set(range(1, count + 1))
    return changed
