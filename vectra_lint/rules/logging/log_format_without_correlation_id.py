"""VL405 log-format-without-correlation-id."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.log_calls import keyword_argument
from vectra_lint.diagnostics import Applicability
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.walker import callee_name
from vectra_lint.rule import Expect, FixAvailability, FixSpec, InsertInto, Invalid, Rule, Valid

# The prefix §6.1 asks for, in each of the three format styles of the logging module.
PREFIXES = {"%": "[%(correlation_id)s]", "{": "[{correlation_id}]", "$": "[${correlation_id}]"}
FIELD = "correlation_id"
FORMAT_KEYS = frozenset({"format", "fmt"})
_KEYS = FORMAT_KEYS | {"style"}


@dataclass
class _Format:
    literal: cst.SimpleString | cst.ConcatenatedString
    style: str
    bracketed: bool
    """Inside brackets (a call argument, a dict value), where a line may break."""


def _text(node: cst.BaseExpression) -> str | None:
    """The value of a plain (not bytes, not f-) string literal, concatenation included."""
    if isinstance(node, cst.SimpleString):
        if "b" in node.prefix.lower():
            return None
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    return None


def _first_part(node: cst.SimpleString | cst.ConcatenatedString) -> cst.SimpleString:
    while isinstance(node, cst.ConcatenatedString):
        left = node.left
        assert isinstance(left, (cst.SimpleString, cst.ConcatenatedString))
        node = left
    return node


class LogFormatWithoutCorrelationId(Rule):
    """
    ## What it does
    Flags a logging format string that does not start with the correlation-id prefix
    `[%(correlation_id)s]`: the format of `logging.Formatter(...)` (first argument or `fmt=`),
    of `logging.basicConfig(format=...)`, and the `"format"` (or `"fmt"`) of a formatter in a
    `dictConfig` dictionary. Calls are resolved by import (`from logging import Formatter as F`
    counts); a format given as a module-level constant is followed to its literal. With
    `style="{"` or `style="$"` the prefix is `[{correlation_id}]` or `[${correlation_id}]`.

    ## Why is this bad?
    §6.1: every log line starts with the correlation id, so that all the lines of one request or
    job can be found together across services.

    ## Fix safety
    The fix inserts the prefix at the start of the literal. It is safe when the module shows that
    records carry a `correlation_id` attribute (another format of the module already uses it, or
    the module sets `record.correlation_id`, typically in a `logging.Filter`); otherwise it is
    unsafe: a record without that attribute makes the handler fail to format it (`KeyError`), and
    the line is lost. When the line would grow past the configured line length, the prefix becomes
    a literal of its own and the format moves to the next line (implicit concatenation inside the
    call's or dict's brackets). A format that mentions `correlation_id` elsewhere than at its
    start, or a too-long module constant, is reported without a fix.
    """

    code = "VL405"
    name = "log-format-without-correlation-id"
    message = "Log format does not start with `{prefix}` (§6.1)"
    fix_availability = FixAvailability.SOMETIMES
    call_names = frozenset({"setattr", "Formatter", "basicConfig"})
    valid = (
        Valid('import logging\n\nhandler.setFormatter(logging.Formatter("[%(correlation_id)s] %(message)s"))\n'),
        Valid('import logging\n\nlogging.basicConfig(format="[{correlation_id}] {message}", style="{")\n'),
        Valid('EXPORT = {"format": "csv", "fmt": "%d"}\n'),
        Valid('Formatter("%(message)s")\n'),
        Valid("import logging\n\nlogging.Formatter(fmt)\n"),
    )
    invalid = (
        Invalid(
            'import logging\n\nFORMATS = {\n    "default": {"format": "[%(correlation_id)s] %(message)s"},\n'
            '    "plain": {"format": "%(levelname)s %(message)s"},\n}\n',
            fixed='import logging\n\nFORMATS = {\n    "default": {"format": "[%(correlation_id)s] %(message)s"},\n'
            '    "plain": {"format": "[%(correlation_id)s] %(levelname)s %(message)s"},\n}\n',
            applicability=Applicability.SAFE,
            expected=(Expect(5, 25, message.format(prefix=PREFIXES["%"])),),
        ),
        Invalid(
            'from logging import Formatter\n\nFORMAT = "%(asctime)s %(message)s"\n\n\n'
            "class CorrelationFilter:\n    def filter(self, record):\n        record.correlation_id = current()\n"
            "        return True\n\n\nformatter = Formatter(FORMAT)\n",
            fixed='from logging import Formatter\n\nFORMAT = "[%(correlation_id)s] %(asctime)s %(message)s"\n\n\n'
            "class CorrelationFilter:\n    def filter(self, record):\n        record.correlation_id = current()\n"
            "        return True\n\n\nformatter = Formatter(FORMAT)\n",
            applicability=Applicability.SAFE,
            expected=(Expect(3, 10, message.format(prefix=PREFIXES["%"])),),
        ),
        Invalid(
            'import logging\n\nlogging.basicConfig(format="%(asctime)s [%(correlation_id)s] %(message)s")\n',
            expected=(Expect(3, 28, message.format(prefix=PREFIXES["%"])),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file."""
        super().__init__(context)
        self._formats: list[_Format] = []
        self._carries_field = False
        self._constants: dict[str, cst.BaseExpression] | None = None

    def visit_Call(self, node: cst.Call) -> None:
        """Collect the formats of ``logging.Formatter`` and ``logging.basicConfig``; note ``setattr``
        of the field."""
        func = node.func
        name = callee_name(func)
        if name == "setattr" and len(node.args) == 3 and _text(node.args[1].value) == FIELD:
            self._carries_field = True
            return
        if name not in ("Formatter", "basicConfig"):
            return
        qualified = self.context.scope.qualified_name(func)
        style_arg = keyword_argument(node, "style")
        style = _text(style_arg.value) if style_arg is not None else "%"
        if qualified == "logging.Formatter":
            argument = keyword_argument(node, "fmt")
            if argument is None and node.args and node.args[0].keyword is None:
                argument = node.args[0]
        elif qualified == "logging.basicConfig":
            argument = keyword_argument(node, "format")
        else:
            return
        if argument is not None:
            self._collect(argument.value, style or "%")

    def visit_Dict(self, node: cst.Dict) -> None:
        """Collect the ``"format"`` of a dictConfig formatter (a dict whose value looks like a log format)."""
        found: cst.BaseExpression | None = None
        style = "%"
        for element in node.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                continue
            # The raw text first: evaluating every key of every dict literal costs a literal_eval each.
            key = element.key.value.strip("\"'")
            if key not in _KEYS or element.key.value[0] not in "\"'":
                continue
            if key in FORMAT_KEYS:
                found = element.value
            elif key == "style":
                style = _text(element.value) or "%"
        if found is None:
            return
        text = _text(found)
        # Only what is surely a logging format: a %-placeholder, or an explicit style key.
        if text is not None and ("%(" in text or style != "%"):
            self._collect(found, style)

    def visit_Assign(self, node: cst.Assign) -> None:
        """Note ``record.correlation_id = ...``: this module puts the field on records."""
        for target in node.targets:
            if type(target.target) is cst.Attribute and target.target.attr.value == FIELD:
                self._carries_field = True

    def _collect(self, value: cst.BaseExpression, style: str) -> None:
        bracketed = not isinstance(value, cst.Name)
        if isinstance(value, cst.Name):
            resolved = self._module_constants().get(value.value)
            if resolved is None:
                return
            value = resolved
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) and _text(value) is not None:
            if all(existing.literal is not value for existing in self._formats):
                self._formats.append(_Format(value, style, bracketed))

    def _module_constants(self) -> dict[str, cst.BaseExpression]:
        """Module-level names assigned exactly once, to a string literal."""
        if self._constants is None:
            counts: dict[str, int] = {}
            values: dict[str, cst.BaseExpression] = {}
            for statement in self.context.module.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target, value = small.targets[0].target, small.value
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        target, value = small.target, small.value
                    else:
                        continue
                    if isinstance(target, cst.Name):
                        counts[target.value] = counts.get(target.value, 0) + 1
                        values[target.value] = value
            self._constants = {name: values[name] for name, count in counts.items() if count == 1}
        return self._constants

    def finish(self) -> None:
        """Report each format without the prefix, with a fix whose safety depends on the module."""
        texts = [(found, _text(found.literal) or "") for found in self._formats]
        carries = self._carries_field or any(FIELD in text for _, text in texts)
        for found, text in texts:
            prefix = PREFIXES.get(found.style, PREFIXES["%"])
            if text.startswith(prefix):
                continue
            self.report(
                found.literal,
                self.message.format(prefix=prefix),
                fix=None if FIELD in text else self._fix(found, prefix + " ", carries),
            )

    def _fix(self, found: _Format, prefix: str, carries: bool) -> FixSpec | None:
        first = _first_part(found.literal)
        places = self._places(first)
        limit = self.context.settings.line_length
        if places and all(len(line) + len(prefix) <= limit for line, _ in places):
            # The prefix has no quote nor backslash: the same text in any kind of literal.
            edit = InsertInto(first, len(first.prefix) + len(first.quote), prefix)
        elif len(places) == 1 and found.bracketed and self._breakable(*places[0], len(prefix)):
            # Too long for one line: the prefix becomes a literal of its own, on the line of the
            # format, which moves to the next line at the same column (implicit concatenation).
            column = places[0][1]
            quote = first.quote if len(first.quote) == 1 else '"'
            newline = self.context.module.default_newline
            edit = InsertInto(first, 0, f"{quote}{prefix}{quote}{newline}{' ' * column}")
        else:
            return None
        return FixSpec(
            (edit,),
            f"Prefix the format with `{prefix.strip()}`",
            applicability=Applicability.SAFE if carries else Applicability.UNSAFE,
        )

    def _breakable(self, line: str, column: int, added: int) -> bool:
        return column + added + 2 <= self.context.settings.line_length and "\t" not in line[:column]

    def _places(self, literal: cst.SimpleString) -> list[tuple[str, int]]:
        """Each line where the literal's text occurs, with its column (0-based): the literal is one of them."""
        code = self.context.code_for(literal)
        source = self.context.source
        places = []
        start = source.find(code)
        while start != -1:
            line_start = source.rfind("\n", 0, start) + 1
            line_end = source.find("\n", start)
            line = source[line_start : line_end if line_end != -1 else len(source)].rstrip("\r")
            places.append((line, start - line_start))
            start = source.find(code, start + 1)
        return places
