"""VL601 missing-module-docstring."""

from __future__ import annotations

import libcst as cst

from vectra_lint.analysis.definitions import (
    DOCSTRING_SCOPE,
    EXEMPT_PATHS,
    docstring,
    exempt_path,
    module_is_public,
    node_at_start,
    public_scope,
)
from vectra_lint.api import Expect, Invalid, Rule, Valid


class MissingModuleDocstring(Rule):
    """
    ## What it does
    Flags a module whose first statement is not a docstring (a string literal; an f-string or a
    comment does not count). A package's `__init__.py` is a module too and is flagged when it
    has any content; an empty file (nothing but blank lines) is not. The report is at 1:1.

    ## Why is this bad?
    §9 and §12: every module needs a docstring saying what it is for. It is the first thing a
    reader (and `help()`, and the docs) sees of the file.

    ## Notes
    With `docstring-scope = "public"` this rule reports what Ruff's D100 (module) and D104
    (package) report, with one deliberate difference: Ruff also flags an empty file (D100, and
    D104 for an empty `__init__.py`), while an empty file has nothing to document and an empty
    `__init__.py` only marks a package, so neither is flagged here. A file with only comments is
    not empty and is flagged, as in Ruff. A module is private when a part of its path starts with
    an underscore (`_compat.py`, `_internal/util.py`; `__init__.py` and `__main__.py` are public).
    Ruff reads only the package part of the path (the folders with an `__init__.py`); here every
    folder below the project root counts, so `_scripts/tool.py` is private even outside a package.
    """

    code = "VL601"
    name = "missing-module-docstring"
    message = "Module has no docstring (§12)"
    options = (DOCSTRING_SCOPE, EXEMPT_PATHS)
    valid = (
        Valid('"""Payment services: charging, refunding and reconciling orders."""\n\nimport os\n'),
        Valid('#!/usr/bin/env python\n# Copyright 2024 Vectra\n"""Command line entry point."""\n'),
        Valid("", path="app/__init__.py"),
        Valid("\n\n", path="app/empty.py"),
        Valid("import os\n", path="tests/test_payments.py"),
        Valid("import os\n", path="app/_compat.py", options={"docstring-scope": "public"}),
        Valid("import os\n", path="scripts/tool.py", options={"exempt-paths": ["scripts/**"]}),
    )
    invalid = (
        Invalid("import os\n", expected=(Expect(1, 1),)),
        Invalid(
            "from app.services.payment import PaymentService\n",
            path="app/services/__init__.py",
            expected=(Expect(1, 1, "Package `__init__.py` has no docstring (§12)"),),
        ),
        Invalid('# Payment helpers\n\nf"""Not a docstring: {__name__}"""\n', expected=(Expect(1, 1),)),
        Invalid("# Only a comment\n", expected=(Expect(1, 1),)),
        Invalid("@decorator\nclass First:\n    pass\n", expected=(Expect(1, 1),)),
        Invalid("import os\n", path="app/_compat.py", expected=(Expect(1, 1),)),
    )

    def visit_Module(self, node: cst.Module) -> None:
        """Report the module when its first statement is not a docstring."""
        if not self.context.source.strip() or docstring(node.body) is not None or exempt_path(self):
            return
        if public_scope(self) and not module_is_public(self.context.path):
            return
        start = node_at_start(node)
        message = self.message
        if self.context.path.rsplit("/", 1)[-1] == "__init__.py":
            message = "Package `__init__.py` has no docstring (§12)"
        self.report(start, message, anchor=start, length=0)
