"""``--output-format github``: GitHub Actions workflow commands that annotate the pull request.

One line per diagnostic::

    ::error title=vectra-lint (VL101),file=app/x.py,line=3,col=5,endLine=3,endColumn=12::VL101 message

Property values escape ``%``, CR, LF, ``:`` and ``,``; the message escapes ``%``, CR and LF, as
GitHub's runner expects (``%25``, ``%0D``, ``%0A``, ``%3A``, ``%2C``).
"""

from __future__ import annotations

from collections.abc import Sequence

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.reporters.base import Reporter
from vectra_lint.reporters.escape import valid_text


def escape_data(value: str) -> str:
    """Escape a workflow command's message."""
    return valid_text(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


# GitHub has no "info" annotation: its lowest level is a notice.
_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def command(diagnostic: Diagnostic, severity: str = "error") -> str:
    """The ``::error`` (``::warning``, ``::notice``) workflow command of one diagnostic."""
    # Numbers need no escaping.
    listed = (
        f"title={escape_property(f'vectra-lint ({diagnostic.code})')},file={escape_property(diagnostic.path)},"
        f"line={diagnostic.line},col={diagnostic.column},endLine={diagnostic.end_line},endColumn={diagnostic.end_column}"
    )
    return f"::{_COMMANDS[severity]} {listed}::{escape_data(f'{diagnostic.code} {diagnostic.message}')}"


class GithubReporter(Reporter):
    """Writes one workflow command per diagnostic as files come in."""

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Write the file's annotations."""
        self.stream.writelines([command(diagnostic, self.severity(diagnostic)) + "\n" for diagnostic in diagnostics])
