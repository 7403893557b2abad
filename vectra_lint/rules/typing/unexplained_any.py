"""VL103 unexplained-any."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from vectra_lint.analysis.any_annotations import ALLOW_JSON_DICT, any_in_annotation
from vectra_lint.api import Expect, Invalid, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.libcst_private import header_lines
from vectra_lint.rules.documentation.commented_out_code import code_lines

# Tool directives are not explanations; a suppression comment for this very rule must not count
# as one either, or the rule would go quiet and the suppression would look unused.
_PRAGMA = re.compile(r"#\s*(?:noqa\b|type:|pragma\b|fmt:|isort:|pylint:|mypy:|pyright:|nosec\b)", re.IGNORECASE)


@dataclass
class _Statement:
    node: cst.CSTNode
    candidates: list[cst.CSTNode] = field(default_factory=list)


class UnexplainedAny(Rule):
    """
    ## What it does
    Flags `Any` (`typing.Any`, however imported) in an annotation (a parameter, a return type, an
    annotated assignment, a string annotation) when no comment explains it. A comment counts
    when it is on the same line as `Any`, alone on the line directly above it, or at the end of
    the annotation's logical line (after the `:` of a multi-line `def`, after an annotated
    assignment). Tool directives (`# noqa`, `# type: ignore`, `# pragma`, ...) do not count, nor
    does commented-out code (`# run: db.FlowRun = ...`): VL605 asks for it to be deleted, and its
    fix would leave the `Any` unexplained.

    ## Why is this bad?
    §2: avoid `Any` unless absolutely necessary, and when it is used, provide a comment explaining
    why. `Any` switches type checking off for every value that flows through it; the comment
    tells the reviewer it was a decision, not a shortcut.

    ## Notes
    `Any` in a type alias or a `cast(...)` is not an annotation and is not checked. A comment on
    the line above counts when it belongs to the same statement (a multi-line signature) or is
    alone on its line; the trailing comment of the previous statement or of a block's header
    line (`class Payload(BaseModel):  # ...`) does not.
    """

    code = "VL103"
    name = "unexplained-any"
    message = "`Any` without a comment explaining why (§2)"
    options = (ALLOW_JSON_DICT,)
    valid = (
        Valid(
            "from typing import Any\n\n\n"
            "def load(raw: dict[str, Any]) -> None:  # raw JSON from the partner API, any shape\n    pass\n"
        ),
        Valid(
            "from typing import Any\n\n\nclass Event:\n"
            "    # payloads are arbitrary JSON documents\n    payload: dict[str, Any]\n"
        ),
        Valid(
            "import typing\n\n\ndef handle(\n    event: typing.Any,  # plugins send their own types\n"
            "    retries: int,\n) -> None:\n    pass\n"
        ),
        Valid(
            "from typing import Any\n\n\ndef handle(\n    event: str,\n    extra: Any,\n"
            ") -> None:  # extra is forwarded untouched\n    pass\n"
        ),
        Valid("from typing import Any\n\nJson = dict[str, Any]\n"),
        Valid(
            "from typing import Literal\n\nMode = Literal['Any']\n\n\n"
            "def pick(mode: Literal['Any']) -> None:\n    pass\n"
        ),
        Valid(
            "from typing import Any, Dict\n\n\ndef load(raw: dict[str, Any], meta: Dict[str, Any]) -> None:\n    pass\n"
        ),
    )
    invalid = (
        Invalid(
            "from typing import Any\n\n\nclass Rule:\n    # run: db.FlowRun = ...\n    run: Any = ...\n",
            expected=(Expect(6, 10),),
        ),
        Invalid(
            "from typing import Any\n\n\ndef load(raw: dict[str, Any]) -> None:\n    pass\n",
            options={"allow-json-dict": False},
            expected=(Expect(4, 25),),
        ),
        Invalid(
            "from typing import Any\n\n\ndef load(raw: dict[str, list[Any]], key: dict[Any, str]) -> None:\n    pass\n",
            expected=(Expect(4, 30), Expect(4, 47)),
        ),
        Invalid("import typing as t\n\n\ndef load(raw: str) -> t.Any:\n    return raw\n", expected=(Expect(4, 23),)),
        Invalid(
            "from typing import Any\n\n# a config loader\n\ndef load(raw: 'Any') -> None:\n    pass\n",
            expected=(Expect(5, 15),),
        ),
        Invalid("from typing import Any\n\nresult: Any = None  # type: ignore[assignment]\n", expected=(Expect(3, 9),)),
        Invalid(
            "from typing import Any\n\n\ndef handle(\n    event: Any,\n    extra: Any,\n) -> None:\n    pass\n",
            expected=(Expect(5, 12), Expect(6, 12)),
        ),
        Invalid("from typing import Any\n\nx: int = 0  # counter\ny: Any = None\n", expected=(Expect(4, 4),)),
    )

    def __init__(self, context: FileContext) -> None:
        """Collect candidate ``Any`` nodes per statement."""
        super().__init__(context)
        self._statements: dict[int, _Statement] = {}

    def visit_Annotation(self, node: cst.Annotation) -> None:
        """Find ``Any`` in an annotation (a small subtree, scanned here rather than listening to
        every name of the file)."""
        for found in any_in_annotation(self.context, node.annotation, self.option(ALLOW_JSON_DICT)):
            self._candidate(found)

    def _candidate(self, node: cst.CSTNode) -> None:
        statement = self.context.current_statement
        if statement is None:
            return
        entry = self._statements.get(id(statement))
        if entry is None:
            entry = self._statements[id(statement)] = _Statement(statement)
        entry.candidates.append(node)

    def finish(self) -> None:
        """Decide, per statement with an ``Any``, which ones a comment explains."""
        for entry in self._statements.values():
            for node in self._unexplained(entry):
                self.report(node, anchor=entry.node)

    def _unexplained(self, entry: _Statement) -> list[cst.CSTNode]:
        # Only statements with a candidate ``Any`` are generated (their first lines), so the rule
        # never pays for the positions of a whole file.
        starts, comments = header_lines(self.context.module, entry.node, entry.candidates)
        end_comment = _logical_line_comment(entry.node)
        explained_lines: set[int] = set()
        for line, comment in comments:
            if _PRAGMA.match(comment.value) or code_lines([comment.value[1:]])[0]:
                continue
            if comment is end_comment:
                return []
            explained_lines.add(line)
        unexplained = []
        for node in entry.candidates:
            line = starts[id(node)]
            if line not in explained_lines and line - 1 not in explained_lines:
                unexplained.append(node)
        return unexplained


def _logical_line_comment(statement: cst.CSTNode) -> cst.Comment | None:
    """The comment ending the statement's first logical line (a ``def`` header's, an assignment's)."""
    if isinstance(statement, cst.SimpleStatementLine):
        return statement.trailing_whitespace.comment
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.header.comment
    if isinstance(body, cst.SimpleStatementSuite):
        return body.trailing_whitespace.comment
    return None
