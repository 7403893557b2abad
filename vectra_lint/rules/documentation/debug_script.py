"""VL606 debug-script."""  # noqa: VL606 -- the rule's own module is named after it

from __future__ import annotations

import libcst as cst

from vectra_lint.analysis.definitions import node_at_start, path_matches
from vectra_lint.api import Expect, GlobsOption, Invalid, Rule, Valid

PATTERNS = GlobsOption(
    "patterns",
    ("debug_*.py", "scratch*.py", "tmp_*.py", "test_debug*.py"),
    "Gitignore-style globs (relative to the project root) of files that are scratch scripts.",
)


class DebugScript(Rule):
    """
    ## What it does
    Flags a file whose path looks like a scratch or debug script: by default `debug_*.py`,
    `scratch*.py`, `tmp_*.py` and `test_debug*.py` in any folder. The patterns are gitignore-style
    globs matched against the path relative to the project root (a pattern without `/` matches
    the file name at any depth). The report is at 1:1.

    ## Why is this bad?
    §13: temporary debug scripts must not be committed. Delete them after use, or add them to
    `.gitignore`; they rot, and they are often run by accident or imported by tools that
    discover tests.
    """

    code = "VL606"
    name = "debug-script"
    message = "Debug or scratch script; delete it or add it to .gitignore (§13)"
    options = (PATTERNS,)
    valid = (
        Valid('"""Debugging helpers for the API."""\n', path="app/core/debugging.py"),
        Valid('"""Templates."""\n', path="app/services/template_store.py"),
        Valid('"""Debug views."""\n', path="app/api/debug_views.py", options={"patterns": ["scratch*.py"]}),
    )
    invalid = (
        Invalid("print('hi')\n", path="debug_test.py", expected=(Expect(1, 1),)),
        Invalid('"""Scratch."""\nimport os\n', path="scripts/scratch.py", expected=(Expect(1, 1),)),
        Invalid("", path="app/tmp_fix.py", expected=(Expect(1, 1),)),
        Invalid(
            "@decorator\ndef check() -> None:\n    pass\n", path="tests/test_debug_login.py", expected=(Expect(1, 1),)
        ),
        Invalid("x = 1\n", path="notebooks/play.py", options={"patterns": ["notebooks/**"]}, expected=(Expect(1, 1),)),
    )

    def visit_Module(self, node: cst.Module) -> None:
        """Report the file when its path matches a debug-script pattern."""
        patterns = self.option(PATTERNS)
        if path_matches(self.context.path, patterns):
            start = node_at_start(node)
            self.report(start, anchor=start, length=0)
