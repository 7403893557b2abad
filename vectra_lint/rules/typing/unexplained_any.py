"""VL103 unexplained-any."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from vectra_lint.analysis.definitions import qualified_module_name
from vectra_lint.api import BoolOption, Expect, Invalid, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.libcst_private import header_lines
from vectra_lint.engine.walker import iter_nodes

ANY = frozenset({"typing.Any", "typing_extensions.Any", "builtins.Any"})
"""``builtins.Any``: a bare ``Any`` nothing at module level binds (a star import)."""
ALLOW_JSON_DICT = BoolOption(
    "allow-json-dict",
    True,
    "Accept `dict[str, Any]` / `Dict[str, Any]` (a JSON object, as the standard's own examples write it) without "
    "a comment; false requires one there too.",
)
JSON_DICTS = frozenset({"builtins.dict", "typing.Dict", "typing_extensions.Dict"})
_WORD_ANY = re.compile(r"\bAny\b")
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
    assignment). Tool directives (`# noqa`, `# type: ignore`, `# pragma`, ...) do not count.

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
        every name of the file); a string annotation is checked as text."""
        value = node.annotation
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            text = value.evaluated_value
            if isinstance(text, str) and _WORD_ANY.search(text):
                self._candidate(value)
            return
        json_dicts = self.option(ALLOW_JSON_DICT)
        for found in _any_references(value, self._is_json_dict if json_dicts else None):
            if qualified_module_name(self.context, found) in ANY:
                self._candidate(found)

    def _is_json_dict(self, node: cst.Subscript) -> bool:
        """``dict[str, Any]`` / ``Dict[str, Any]``: a JSON object, whose values are any JSON."""
        if len(node.slice) != 2 or qualified_module_name(self.context, node.value) not in JSON_DICTS:
            return False
        key, value = (element.slice for element in node.slice)
        return (
            isinstance(key, cst.Index)
            and isinstance(value, cst.Index)
            and qualified_module_name(self.context, key.value) == "builtins.str"
            and qualified_module_name(self.context, value.value) in ANY
        )

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
            if _PRAGMA.match(comment.value):
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


def _any_references(
    node: cst.BaseExpression, skip: Callable[[cst.Subscript], bool] | None = None
) -> list[cst.Name | cst.Attribute]:
    """The ``Any`` and ``x.Any`` in a type expression.

    The usual shapes (names, ``a.b``, ``x[...]``, ``a | b``, lists of ``Callable``) are followed
    by hand; anything else is searched generically.
    """
    found: list[cst.Name | cst.Attribute] = []
    stack: list[cst.BaseExpression] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            if current.value == "Any":
                found.append(current)
        elif isinstance(current, cst.Attribute):
            # Only the last part can be `Any`; the rest is a module path.
            if current.attr.value == "Any":
                found.append(current)
        elif isinstance(current, cst.Subscript):
            if skip is not None and skip(current):
                continue
            stack.append(current.value)
            for element in current.slice:
                if isinstance(element.slice, cst.Index):
                    stack.append(element.slice.value)
        elif isinstance(current, cst.BinaryOperation):
            stack.extend((current.left, current.right))
        elif isinstance(current, (cst.List, cst.Tuple)):
            stack.extend(element.value for element in current.elements)
        elif isinstance(current, (cst.BaseString, cst.Ellipsis, cst.BaseNumber)):
            continue
        else:
            attribute_names = {id(item.attr) for item in iter_nodes(current, cst.Attribute)}
            for item in iter_nodes(current, (cst.Name, cst.Attribute)):
                if isinstance(item, cst.Attribute) and item.attr.value == "Any":
                    found.append(item)
                elif isinstance(item, cst.Name) and item.value == "Any" and id(item) not in attribute_names:
                    found.append(item)
    return found


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
