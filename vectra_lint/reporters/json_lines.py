"""``--output-format json-lines``: one JSON object per line, each as in ``--output-format json``.

A consumer can read diagnostics as they come (``jq -c``, log shippers) instead of parsing one
array at the end; each line is a complete object with the keys documented in ``json_format``.
"""

from __future__ import annotations

from collections.abc import Sequence

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.reporters.base import Summary
from vectra_lint.reporters.json_format import JsonReporter


class JsonLinesReporter(JsonReporter):
    """Writes each diagnostic's object on a line of its own as files come in."""

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Write the file's diagnostics, one object per line."""
        self.stream.writelines([self.compact(diagnostic) + "\n" for diagnostic in diagnostics])

    def finish(self, summary: Summary) -> None:
        """Nothing: every line was written already."""
