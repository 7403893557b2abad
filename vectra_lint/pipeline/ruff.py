"""PEP 8 is delegated to Ruff: its E/W rules run as a subprocess and join our diagnostics.

Ruff runs with ``--isolated`` (our config decides what it checks, not a stray ``ruff.toml``) and
``--ignore-noqa`` (our engine applies every ``# noqa``, so that unused ones are found the same
way for all codes).
"""

from __future__ import annotations

import json
import locale
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability, Diagnostic, Edit, Fix
from vectra_lint.engine.lines import LineIndex

if TYPE_CHECKING:
    from vectra_lint.pipeline.discovery import Task

Record = dict[str, Any]


class RuffError(Exception):
    """Ruff could not be run or answered something we cannot read."""


class RuffCrash(RuffError):
    """Ruff ran but failed on what it was given (it overflows its stack on some deep expressions)."""


@cache
def ruff_binary() -> str:
    """The Ruff executable of the environment vectra-lint is installed in."""
    candidate = Path(sys.executable).parent / ("ruff.exe" if os.name == "nt" else "ruff")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("ruff")
    if found is None:
        raise RuffError("the `ruff` executable was not found (install vectra-lint's dependencies)")
    return found


def explain(code: str) -> dict[str, object] | None:
    """Ruff's own documentation of one of its rules (``ruff rule CODE``); None when Ruff does not
    know the code or cannot be run."""
    try:
        completed = subprocess.run(
            [ruff_binary(), "rule", "--output-format", "json", code], capture_output=True, text=True, check=False
        )
    except (OSError, RuffError):
        return None
    if completed.returncode != 0:
        return None
    try:
        found = json.loads(completed.stdout)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _command(settings: Settings) -> list[str]:
    command = [
        ruff_binary(),
        "check",
        "--isolated",
        "--no-cache",
        "--ignore-noqa",
        "--exit-zero",
        "--output-format",
        "json",
        "--line-length",
        str(settings.line_length),
        "--select",
        ",".join(settings.ruff_selected),
    ]
    if settings.ruff_ignored:
        command += ["--ignore", ",".join(settings.ruff_ignored)]
    return command


def _run(command: list[str], stdin: str | None = None) -> list[Record]:
    try:
        completed = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    except OSError as error:
        raise RuffError(f"cannot run ruff: {error}") from None
    if completed.returncode != 0:
        # Ruff's last line says why (a panic, "stack overflow, aborting"); the rest is its trace.
        lines = completed.stderr.strip().splitlines()
        raise RuffCrash(f"ruff failed (exit code {completed.returncode}): {lines[-1] if lines else 'no message'}")
    try:
        records: list[Record] = json.loads(completed.stdout or "[]")
    except json.JSONDecodeError as error:
        raise RuffCrash(f"cannot read ruff's output: {error}") from None
    return records


def check_files_each(tasks: Sequence[Task], settings: Settings) -> tuple[dict[str, list[Record]], dict[str, str]]:
    """Ruff's findings for files on disk by absolute path, and why Ruff failed on the files it
    failed on. When Ruff fails on a batch, the batch is halved until the files it fails on are
    found, so that one such file costs a few more runs, not the findings of all the others."""
    found: dict[str, list[Record]] = {}
    failed: dict[str, str] = {}

    def alone(path: str, error: RuffCrash) -> None:
        # No findings rather than a second attempt on the text when it is linted.
        found[path] = []
        failed[path] = str(error)

    paths = [str(task.path) for task in tasks if task.path is not None]
    for path in paths:
        found[path] = []
    for record in _bisected(paths, settings, alone):
        found.setdefault(record.get("filename", ""), []).append(record)
    return found, failed


def _bisected(paths: list[str], settings: Settings, alone: Callable[[str, RuffCrash], None]) -> list[Record]:
    """Ruff's records for the files ``paths``: when Ruff fails on them, the list is halved until
    the files it fails on are found, each handed to ``alone`` (so that one such file costs a few
    more runs, not the findings of all the others)."""
    if not paths:
        return []
    try:
        return _run([*_command(settings), "--", *paths])
    except RuffCrash as error:
        if len(paths) == 1:
            alone(paths[0], error)
            return []
        middle = len(paths) // 2
        return _bisected(paths[:middle], settings, alone) + _bisected(paths[middle:], settings, alone)


def check_text(text: str, display: str, settings: Settings, encoded: bytes | None = None) -> list[Record]:
    """Ruff's findings for one file's (possibly fixed) text.

    ``encoded``: the bytes the file would hold, when they are not UTF-8 (a file in another
    encoding, whose bytes Ruff read). Ruff reads every file as UTF-8: such bytes get what Ruff
    says of such a file (E902), as the file checked on disk does, not what it says of the text."""
    if encoded is not None:
        return _check_bytes(encoded, display, settings)
    return _run([*_command(settings), "--stdin-filename", display, "-"], stdin=text)


def _check_bytes(data: bytes, display: str, settings: Settings) -> list[Record]:
    """Ruff's findings for a file holding ``data`` (standard input would take no bytes that are
    not UTF-8: Ruff fails on them)."""
    scratch = Path(tempfile.mkdtemp(prefix="vectra-lint-ruff-")).resolve()
    try:
        path = scratch / posixpath.basename(display)
        path.write_bytes(data)
        return _run([*_command(settings), str(path)])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# Ruff's pycodestyle and pyflakes codes (``E``, ``E501``, ``W``, ``F401``...; not ``EM``, ``EXE``,
# ``FA``, ``FBT``...): what they find in a text does not depend on where the file is, but for its
# name (``__init__.py``, ``.pyi``), which a text checked in a scratch folder keeps.
_WHERE_INDEPENDENT = re.compile(r"[EWF]\d*")


def check_texts(
    texts: Sequence[tuple[str, str]], settings: Settings, encoded: Sequence[bytes | None] | None = None
) -> list[list[Record] | Exception]:
    """What :func:`check_text` gives for each (text, display) and its ``encoded`` bytes (if any),
    from as few Ruff processes as can
    give the same: the texts are written to a scratch folder, each under its file's name, and
    checked together. A text that Ruff fails on is checked again alone, as :func:`check_text`
    does: what that raises (but a :class:`RuffError` that is not about the text) is then the
    answer for that text. Each text is checked alone when a
    selected code may depend on the file's folder (an ``I001`` or ``INP001`` would, and so would
    what Ruff decides for an ``__init__.py``), or when there is only one."""
    answers: list[list[Record] | Exception] = [[] for _ in texts]
    own = list(encoded) if encoded is not None else [None] * len(texts)

    def alone(index: int) -> None:
        text, display = texts[index]
        try:
            answers[index] = check_text(text, display, settings, own[index])
        except RuffCrash as error:
            answers[index] = error
        except RuffError:
            raise  # not about this text: the whole run cannot use Ruff
        except Exception as error:  # raised again when this text's file is linted, as its own error
            answers[index] = error

    if not texts:
        return answers
    shared = all(_WHERE_INDEPENDENT.fullmatch(code) for code in settings.ruff_selected)
    together = [
        index
        for index, (_, display) in enumerate(texts)
        if shared and display.endswith(".py") and posixpath.basename(display) != "__init__.py" and own[index] is None
    ]
    if len(together) < 2:
        together = []
    for index in sorted(set(range(len(texts))) - set(together)):
        alone(index)
    if not together:
        return answers
    scratch = Path(tempfile.mkdtemp(prefix="vectra-lint-ruff-")).resolve()
    try:
        paths: dict[str, int] = {}
        for index in together:
            text, display = texts[index]
            folder = scratch / str(index)
            folder.mkdir()
            path = folder / posixpath.basename(display)
            try:
                # As ``subprocess`` writes a text to Ruff's standard input: the locale's encoding,
                # line breaks as the platform writes them.
                path.write_text(text, encoding=locale.getpreferredencoding(False))
            except UnicodeEncodeError:
                alone(index)
                continue
            paths[str(path)] = index

        for record in _bisected(list(paths), settings, lambda name, _: alone(paths[name])):
            found = paths.get(record.get("filename", ""))
            answer = answers[found] if found is not None else None
            if isinstance(answer, list):
                answer.append(record)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return answers


def to_diagnostics(records: Sequence[Record], text: str, display: str) -> tuple[Diagnostic, ...]:
    """Our diagnostics for Ruff's records, with fix edits as character offsets in ``text``."""
    if not records:
        return ()  # most files: no need to index their lines
    lines = LineIndex(text)
    diagnostics: list[Diagnostic] = []
    for record in records:
        code = record.get("code")
        if not code:
            continue  # Ruff's own syntax errors: our VL001 reports those.
        start, end = record["location"], record["end_location"]
        name = str(record.get("url") or "").rstrip("/").rsplit("/", 1)[-1] or code
        fix = None
        raw_fix = record.get("fix")
        if raw_fix and raw_fix.get("applicability") in ("safe", "unsafe"):
            edits = tuple(
                sorted(
                    Edit(
                        lines.offset(edit["location"]["row"], edit["location"]["column"]),
                        lines.offset(edit["end_location"]["row"], edit["end_location"]["column"]),
                        edit["content"],
                    )
                    for edit in raw_fix["edits"]
                )
            )
            fix = Fix(edits, Applicability(raw_fix["applicability"]), raw_fix.get("message") or "Apply Ruff's fix")
        noqa_lines = {start["row"]}
        if record.get("noqa_row"):
            noqa_lines.add(record["noqa_row"])
        diagnostics.append(
            Diagnostic(
                display,
                code,
                name,
                record["message"],
                start["row"],
                start["column"],
                end["row"],
                end["column"],
                fix,
                tuple(sorted(noqa_lines)),
            )
        )
    return tuple(diagnostics)
