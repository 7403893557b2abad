"""Applying ``# noqa``: file-level and line directives suppress diagnostics; the directives that
suppress nothing (VL002) or give no reason (VL003) are reported, as their rule modules say."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Diagnostic
from vectra_lint.engine import noqa
from vectra_lint.engine.positions import LineIndex, Located
from vectra_lint.rules.core.noqa_without_reason import NoqaWithoutReason
from vectra_lint.rules.core.unused_noqa import UnusedNoqa


def file_level_codes(comments: Sequence[cst.Comment]) -> tuple[str, ...] | None:
    """What ``# vectra-lint: noqa[: CODES]`` comments switch off in the whole file: ``()`` for
    everything, else the codes (None: no such comment)."""
    file_codes: tuple[str, ...] | None = None
    for comment in comments:
        codes = noqa.file_level(comment.value)
        if codes is not None:
            file_codes = codes if file_codes is None or codes == () else (*file_codes, *codes)
    return file_codes


def directive_at(comment: cst.Comment, located: dict[int, Located], lines: LineIndex) -> noqa.Directive | None:
    """The directive a located ``# noqa`` comment holds (None: not one, or a file-level one)."""
    parsed = noqa.parse_comment(comment.value)
    if parsed is None or noqa.file_level(comment.value) is not None:
        return None
    codes, has_reason, span = parsed
    where = located[id(comment)]
    line, column = lines.line_col(where.start)
    _, end_column = lines.line_col(where.end)
    return noqa.Directive(line, column, end_column, where.start, codes, has_reason, comment.value, span)


def apply_noqa(
    path: str,
    text: str,
    diagnostics: list[Diagnostic],
    directives: list[noqa.Directive],
    settings: Settings,
    ignored: frozenset[str],
) -> tuple[Diagnostic, ...]:
    """``diagnostics`` without those a directive suppresses, plus VL002/VL003 on the directives."""
    if not directives:
        return tuple(diagnostics)  # most files: nothing to look up per diagnostic
    by_line: dict[int, list[noqa.Directive]] = {}
    for directive in directives:
        by_line.setdefault(directive.line, []).append(directive)
    used: dict[int, set[str]] = {id(d): set() for d in directives}
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        suppressed = False
        for line in diagnostic.noqa_lines:
            for directive in by_line.get(line, ()):
                if not directive.codes:
                    suppressed = True
                elif diagnostic.code in directive.codes:
                    used[id(directive)].add(diagnostic.code)
                    suppressed = True
        if not suppressed:
            kept.append(diagnostic)
    enabled = settings.enabled
    for directive in directives:
        if UnusedNoqa.code in enabled and not noqa.matches(UnusedNoqa.code, ignored):
            unused = _unused_codes(directive, used[id(directive)], settings, ignored)
            if unused:
                kept.append(UnusedNoqa.diagnostic(path, text, directive, unused))
        if (
            NoqaWithoutReason.code in enabled
            and not directive.has_reason
            and not noqa.matches(NoqaWithoutReason.code, ignored)
        ):
            kept.append(NoqaWithoutReason.diagnostic(path, directive))
    return tuple(kept)


def _unused_codes(directive: noqa.Directive, used: set[str], settings: Settings, ignored: frozenset[str]) -> list[str]:
    # Only codes this run checks in this file: other tools (flake8, a full Ruff run) read the
    # same comments for their own codes, and a rule that is switched off cannot tell whether it
    # would report.
    def checked(code: str) -> bool:
        if noqa.matches(code, ignored):
            return False
        if code in settings.enabled:
            return True
        return (
            noqa.RUFF_SELECTOR.match(code) is not None
            and noqa.matches(code, settings.ruff_selected)
            and not noqa.matches(code, settings.ruff_ignored)
        )

    return [code for code in directive.codes if checked(code) and code not in used]
