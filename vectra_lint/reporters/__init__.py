"""Output formats, by the name ``--output-format`` takes."""

from __future__ import annotations

import importlib

from vectra_lint.reporters.base import Reporter

# Imported on use: a run loads only the format it prints.
REPORTERS: dict[str, str] = {
    "text": "vectra_lint.reporters.text:TextReporter",
    "concise": "vectra_lint.reporters.text:ConciseReporter",
    "json": "vectra_lint.reporters.json_format:JsonReporter",
    "sarif": "vectra_lint.reporters.sarif:SarifReporter",
    "github": "vectra_lint.reporters.github:GithubReporter",
    "junit": "vectra_lint.reporters.junit:JunitReporter",
    "gitlab": "vectra_lint.reporters.gitlab:GitlabReporter",
    "json-lines": "vectra_lint.reporters.json_lines:JsonLinesReporter",
}


def reporter_class(name: str) -> type[Reporter]:
    """The reporter class of an output format name."""
    module_name, _, class_name = REPORTERS[name].partition(":")
    found: type[Reporter] = getattr(importlib.import_module(module_name), class_name)
    return found
