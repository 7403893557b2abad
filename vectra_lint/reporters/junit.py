"""``--output-format junit``: JUnit XML, one test case per checked file, for CI test-report viewers.

A file with diagnostics is a failed test case whose failure text lists ``line:column CODE message``
lines; a clean file is a passing test case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TextIO

from vectra_lint.diagnostics import Diagnostic
from vectra_lint.reporters.base import Reporter, SeverityLookup, SourceLookup, Summary, all_errors

# Characters XML 1.0 cannot carry at all, not even escaped (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` with the characters XML cannot carry shown as ``\\uXXXX`` escapes."""
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", value)


class JunitReporter(Reporter):
    """Builds one test suite and writes it as an XML document at the end."""

    def __init__(
        self, stream: TextIO, sources: SourceLookup, *, color: bool = False, severity: SeverityLookup = all_errors
    ) -> None:
        """Collect one test case per file until ``finish`` writes the XML."""
        super().__init__(stream, sources, color=color, severity=severity)
        self.cases: list[ET.Element] = []
        self.failures = 0

    def file(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        """Add the file's test case (failed when it has diagnostics)."""
        case = ET.Element("testcase", name=xml_text(path), classname="vectra-lint")
        if diagnostics:
            self.failures += 1
            count = f"{len(diagnostics)} diagnostic{'' if len(diagnostics) == 1 else 's'}"
            failure = ET.SubElement(case, "failure", message=count, type="lint")
            failure.text = "\n".join(xml_text(f"{d.line}:{d.column} {d.code} {d.message}") for d in diagnostics)
        self.cases.append(case)

    def finish(self, summary: Summary) -> None:
        """Write the document."""
        counts = {"tests": str(len(self.cases)), "failures": str(self.failures), "errors": "0"}
        root = ET.Element("testsuites", counts)
        suite = ET.SubElement(root, "testsuite", {"name": "vectra-lint", **counts})
        suite.extend(self.cases)
        ET.indent(root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
