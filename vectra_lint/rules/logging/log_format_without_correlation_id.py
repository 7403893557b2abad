"""VL405 log-format-without-correlation-id."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.log_calls import keyword_argument
from vectra_lint.api import Applicability, Expect, FixAvailability, FixSpec, InsertInto, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.engine.walker import callee_name

# The prefix §6.1 asks for, in each of the three format styles of the logging module.
PREFIXES = {"%": "[%(correlation_id)s]", "{": "[{correlation_id}]", "$": "[${correlation_id}]"}
FIELD = "correlation_id"
FORMAT_KEYS = frozenset({"format", "fmt"})
_KEYS = FORMAT_KEYS | {"style", "formatters"}


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


def _branches(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The values an expression may take: both sides of ``a or b``, both branches of ``a if c else b``."""
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
        return _branches(node.left) + _branches(node.right)
    if isinstance(node, cst.IfExp):
        return _branches(node.body) + _branches(node.orelse)
    return [node]


def _string_items(node: cst.BaseExpression | None) -> dict[str, cst.BaseExpression]:
    """The entries of a dict literal whose keys are plain strings."""
    items: dict[str, cst.BaseExpression] = {}
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = _text(element.key)
                if key is not None:
                    items[key] = element.value
    return items


def _factory_name(node: cst.BaseExpression | None) -> str | None:
    """The last name of what a filter is made by: ``CorrelationFilter`` of ``CorrelationFilter()``,
    of ``"app.log.CorrelationFilter"`` (a dictConfig ``"()"``) or of ``log.CorrelationFilter``."""
    if node is None:
        return None
    if isinstance(node, cst.Call):
        node = node.func
    text = _text(node)
    if text is not None:
        return text.rsplit(".", 1)[-1]
    name = dotted_name(node)
    return None if name is None else name.rsplit(".", 1)[-1]


def _first_part(node: cst.SimpleString | cst.ConcatenatedString) -> cst.SimpleString:
    while isinstance(node, cst.ConcatenatedString):
        left = node.left
        assert isinstance(left, (cst.SimpleString, cst.ConcatenatedString))
        node = left
    return node


@dataclass(frozen=True)
class FormatMessage(Message):
    """The message with its named parts (``prefix``)."""

    prefix: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Log format does not start with `{self.prefix}` (§6.1)"


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

    A format that may be one of several (`fmt or "%(message)s"`, `a if debug else b`) is checked
    in each literal it may be.

    ## Fix safety
    The fix inserts the prefix at the start of the literal. It is safe only when every record the
    format meets carries a `correlation_id` attribute: each handler that uses the format has a
    filter of a class (or function) of this module that sets `record.correlation_id`
    (`handler.addFilter(CorrelationFilter())`, or a dictConfig handler's `"filters"` naming a
    filter made by `"()": CorrelationFilter`), or the module installs a record factory
    (`logging.setLogRecordFactory`) and sets the attribute. Otherwise it is unsafe: a record
    without that attribute makes the handler fail to format it (`KeyError`), and the line is
    lost; a filter on another handler, or on a logger (which does not see propagated records),
    does not help. When the line would grow past the configured line length, the prefix becomes
    a literal of its own and the format moves to the next line (implicit concatenation inside the
    call's or dict's brackets). A format that mentions `correlation_id` elsewhere than at its
    start, or a too-long module constant, is reported without a fix.
    """

    code = "VL405"
    name = "log-format-without-correlation-id"
    message = "Log format does not start with the correlation id (§6.1)"
    fix_availability = FixAvailability.SOMETIMES
    call_names = frozenset({"setattr", "Formatter", "basicConfig", "setFormatter", "addFilter", "setLogRecordFactory"})
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
            applicability=Applicability.UNSAFE,
            expected=(Expect(5, 25, FormatMessage(prefix=PREFIXES["%"])),),
        ),
        Invalid(
            'from logging import Formatter, StreamHandler\n\nFORMAT = "%(asctime)s %(message)s"\n\n\n'
            "class CorrelationFilter:\n    def filter(self, record):\n        record.correlation_id = current()\n"
            "        return True\n\n\nhandler = StreamHandler()\nhandler.addFilter(CorrelationFilter())\n"
            "handler.setFormatter(Formatter(FORMAT))\n",
            fixed="from logging import Formatter, StreamHandler\n\n"
            'FORMAT = "[%(correlation_id)s] %(asctime)s %(message)s"\n'
            "\n\nclass CorrelationFilter:\n    def filter(self, record):\n        record.correlation_id = current()\n"
            "        return True\n\n\nhandler = StreamHandler()\nhandler.addFilter(CorrelationFilter())\n"
            "handler.setFormatter(Formatter(FORMAT))\n",
            applicability=Applicability.SAFE,
            expected=(Expect(3, 10, FormatMessage(prefix=PREFIXES["%"])),),
        ),
        Invalid(
            "import logging.config\n\n\nclass CorrelationFilter(logging.Filter):\n"
            "    def filter(self, record):\n        record.correlation_id = current()\n        return True\n\n\n"
            "def configure(fmt: str | None) -> None:\n    logging.config.dictConfig(\n        {\n"
            '            "filters": {"cid": {"()": CorrelationFilter}},\n'
            '            "formatters": {"std": {"format": fmt or "%(levelname)s %(message)s"}},\n'
            '            "handlers": {"out": {"formatter": "std", "filters": ["cid"]}},\n'
            "        }\n    )\n",
            fixed="import logging.config\n\n\nclass CorrelationFilter(logging.Filter):\n"
            "    def filter(self, record):\n        record.correlation_id = current()\n        return True\n\n\n"
            "def configure(fmt: str | None) -> None:\n    logging.config.dictConfig(\n        {\n"
            '            "filters": {"cid": {"()": CorrelationFilter}},\n'
            '            "formatters": {"std": {"format": fmt or "[%(correlation_id)s] %(levelname)s %(message)s"}},\n'
            '            "handlers": {"out": {"formatter": "std", "filters": ["cid"]}},\n'
            "        }\n    )\n",
            applicability=Applicability.SAFE,
            expected=(Expect(14, 53, FormatMessage(prefix=PREFIXES["%"])),),
        ),
        Invalid(
            'import logging\n\nlogging.basicConfig(format="%(asctime)s [%(correlation_id)s] %(message)s")\n',
            expected=(Expect(3, 28, FormatMessage(prefix=PREFIXES["%"])),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file."""
        super().__init__(context)
        self._formats: list[_Format] = []
        self._constants: dict[str, cst.BaseExpression] | None = None
        self._field_setters: set[str] = set()
        """Top-level classes and functions that put the field on a record (a filter's class)."""
        self._carries_field = False
        self._record_factory = False
        self._calls: dict[int, cst.SimpleString | cst.ConcatenatedString] = {}
        """``logging.Formatter(...)`` calls (by id) and their format literal."""
        self._assigned: dict[str, cst.BaseExpression] = {}
        """``name = <call>``: formatters and filters kept in a variable before they are attached."""
        self._handler_formatters: list[tuple[str, cst.BaseExpression]] = []
        self._handler_filters: dict[str, list[cst.BaseExpression]] = {}
        self._dict_users: dict[int, list[list[str | None]]] = {}
        """dictConfig formats (literal ids): per handler using the formatter, its filters' factories."""

    def visit_Call(self, node: cst.Call) -> None:
        """Collect the formats of ``logging.Formatter`` and ``logging.basicConfig``, the handlers'
        formatters and filters, and note ``setattr`` of the field and ``setLogRecordFactory``."""
        func = node.func
        name = callee_name(func)
        if name == "setattr" and len(node.args) == 3 and _text(node.args[1].value) == FIELD:
            self._field_set()
            return
        if name in ("setFormatter", "addFilter") and isinstance(func, cst.Attribute) and len(node.args) == 1:
            handler = dotted_name(func.value)
            if handler is not None:
                if name == "setFormatter":
                    self._handler_formatters.append((handler, node.args[0].value))
                else:
                    self._handler_filters.setdefault(handler, []).append(node.args[0].value)
            return
        if name not in ("Formatter", "basicConfig", "setLogRecordFactory"):
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
            self._record_factory = self._record_factory or qualified == "logging.setLogRecordFactory"
            return
        if argument is not None:
            for branch in _branches(argument.value):
                literal = self._collect(branch, style or "%")
                if literal is not None and qualified == "logging.Formatter":
                    self._calls[id(node)] = literal

    def visit_Dict(self, node: cst.Dict) -> None:
        """Collect the ``"format"`` of a dictConfig formatter (a dict whose value looks like a log
        format); in a whole dictConfig, note which handlers (and filters) use each formatter."""
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
            elif key == "formatters":
                self._dict_config(node)
        if found is None:
            return
        for branch in _branches(found):
            text = _text(branch)
            # Only what is surely a logging format: a %-placeholder, or an explicit style key.
            if text is not None and ("%(" in text or style != "%"):
                self._collect(branch, style)

    def _dict_config(self, node: cst.Dict) -> None:
        """For each format of the config's formatters: the filters of each handler that uses it."""
        config = _string_items(node)
        filters = {
            name: _factory_name(_string_items(spec).get("()"))
            for name, spec in _string_items(config.get("filters")).items()
        }
        users: dict[str, list[list[str | None]]] = {}
        for spec in _string_items(config.get("handlers")).values():
            handler = _string_items(spec)
            formatter = handler.get("formatter")
            names = handler.get("filters")
            listed = names.elements if isinstance(names, (cst.List, cst.Tuple)) else []
            used = [filters.get(_text(element.value) or "") for element in listed]
            name = _text(formatter) if formatter is not None else None
            if name is not None:
                users.setdefault(name, []).append(used)
        for name, spec in _string_items(config["formatters"]).items():
            for key, value in _string_items(spec).items():
                if key in FORMAT_KEYS:
                    for branch in _branches(value):
                        self._dict_users[id(branch)] = users.get(name, [])

    def visit_Assign(self, node: cst.Assign) -> None:
        """Note ``record.correlation_id = ...`` (this module puts the field on records) and the
        calls kept in variables."""
        for target in node.targets:
            if type(target.target) is cst.Attribute and target.target.attr.value == FIELD:
                self._field_set()
            elif type(target.target) is cst.Name and type(node.value) is cst.Call:
                self._assigned[target.target.value] = node.value

    def _field_set(self) -> None:
        self._carries_field = True
        frames = self.context.scope.frames
        if len(frames) > 1:
            owner = frames[1].node
            if isinstance(owner, (cst.ClassDef, cst.FunctionDef)):
                self._field_setters.add(owner.name.value)

    def _collect(self, value: cst.BaseExpression, style: str) -> cst.SimpleString | cst.ConcatenatedString | None:
        bracketed = not isinstance(value, cst.Name)
        if isinstance(value, cst.Name):
            resolved = self._module_constants().get(value.value)
            if resolved is None:
                return None
            value = resolved
        if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) and _text(value) is not None:
            if all(existing.literal is not value for existing in self._formats):
                self._formats.append(_Format(value, style, bracketed))
            return value
        return None

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

    def _provides(self, filter_made_by: str | None) -> bool:
        return filter_made_by is not None and filter_made_by in self._field_setters

    def _filter_factory(self, value: cst.BaseExpression) -> str | None:
        """What made a filter passed to ``addFilter``: a call, a variable holding one, or a function."""
        if isinstance(value, cst.Name) and value.value in self._assigned:
            value = self._assigned[value.value]
        return _factory_name(value)

    def _safe_literals(self) -> set[int]:
        """The formats (literal ids) whose every handler has a filter of this module that sets the field."""
        users: dict[int, list[list[str | None]]] = dict(self._dict_users)
        for handler, formatter in self._handler_formatters:
            if isinstance(formatter, cst.Name) and formatter.value in self._assigned:
                formatter = self._assigned[formatter.value]
            literal = self._calls.get(id(formatter))
            if literal is not None:
                made_by = [self._filter_factory(value) for value in self._handler_filters.get(handler, [])]
                users.setdefault(id(literal), []).append(made_by)
        return {
            literal
            for literal, handlers in users.items()
            if handlers and all(any(self._provides(made_by) for made_by in filters) for filters in handlers)
        }

    def finish(self) -> None:
        """Report each format without the prefix, with a fix whose safety depends on the handlers."""
        safe = self._safe_literals()
        factory = self._record_factory and self._carries_field
        for found in self._formats:
            text = _text(found.literal) or ""
            prefix = PREFIXES.get(found.style, PREFIXES["%"])
            if text.startswith(prefix):
                continue
            carries = factory or id(found.literal) in safe
            self.report(
                found.literal,
                FormatMessage(prefix=prefix),
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
