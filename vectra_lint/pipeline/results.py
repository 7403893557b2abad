"""What a run works on and produces, per file: plain values, importable without the engine
(a run answered from the cache never loads libcst)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.pipeline.discovery import Task

__all__ = ["Mode", "Outcome", "Task"]


@dataclass(frozen=True)
class Mode:
    """What to do with each file."""

    fix: bool = False
    unsafe_fixes: bool = False
    timings: bool = False
    """Measure each phase and rule (``check --timings``)."""
    shows_only: bool = False
    """With ``fix``: the fixed text is only shown (``--diff``), never written, so it may come from
    the cache."""
    facts_only: bool = False
    """Gather only what the project phase needs of the file (``engine/lint.py:gather_facts``):
    a file the run does not report on."""


@dataclass(frozen=True)
class Outcome:
    """The result for one file."""

    task: Task
    diagnostics: tuple[Diagnostic, ...]
    original: str | None = None
    """The decoded text before fixing; set only when fixing changed it."""
    fixed_text: str | None = None
    fixed_bytes: bytes | None = None
    fixed: int = 0
    error: str | None = None
    """A fix that broke the file (left unchanged), or a read failure."""
    bug: bool = False
    """``error`` is a failure of vectra-lint's own code (or a plugin's) on the file, or of the
    process analysing it (it died), not the file's."""
    warning: str | None = None
    facts: dict[str, object] = field(default_factory=dict)
    noqa_warnings: tuple[str, ...] = ()
    """Misleading ``# noqa`` comments (``engine/noqa_check.py``), as ``line: message``."""
    fixed_codes: tuple[str, ...] = ()
    """The code of each diagnostic that fixing resolved (for ``--show-fixes``)."""
    timings: Mapping[tuple[str, str], float] | None = None
    """With ``Mode.timings``: what this file's worker chunk measured (set on a chunk's last file)."""
    read_digest: str | None = None
    """When fixing: the digest of the bytes read, to write the fixed file only if it still has them."""
