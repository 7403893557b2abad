"""VL401 print-call."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import libcst as cst

from vectra_lint.analysis.loggers import Loggers, loguru_kind
from vectra_lint.analysis.module_summary import INDEX_ANALYSES
from vectra_lint.analysis.project_index import ProjectIndex, Tri, file_index
from vectra_lint.analysis.sensitive import (
    Shape,
    Shown,
    Types,
    annotation_shape,
    leaked_references,
    parameter_annotation,
    parameter_secrets,
)
from vectra_lint.api import Applicability, Expect, FixAvailability, FixSpec, Invalid, NodeEdit, Replace, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.fixing.edit_helpers import ensure_logger

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic


@dataclass(frozen=True)
class LoggerName:
    """The module-level logger a fix of the checked file ``path`` logs with, imported from another
    module of the project: only the project phase can tell whether it is loguru's."""

    path: str
    name: str


class PrintCall(Rule):
    """
    ## What it does
    Flags calls of the builtin `print`. Methods named `print` (`console.print`), a local function
    or variable that shadows `print`, and the word in strings or comments are not flagged.

    ## Why is this bad?
    §6.2 bans `print()` outright: its output bypasses the logging pipeline, so it carries no
    level, no correlation id and no timestamp, and it is lost in production log aggregation.

    ## Fix safety
    The fix is unsafe: it replaces the call with `logger.info(...)` (or `logger.error(...)` for
    `file=sys.stderr`), which moves output from stdout to the log handlers. Several arguments are
    joined with `%s` placeholders (honouring a literal `sep`), so the text stays the same; a
    printed string literal is written into the message (`print("Saved", path)` becomes
    `logger.info("Saved %s", path)`, a `%` in it doubled). When the
    module has no logger (a configured logger name, or any module-level name bound to
    `logging.getLogger(...)` such as `_LOGGER`), `import logging` and
    `logger = logging.getLogger(__name__)` are added.
    With loguru's `logger`, the message takes `{}` placeholders (loguru formats with `str.format`);
    a print logged with a loguru logger that another module of the project exports (`from
    app.core.log import logger`, that module importing loguru's) is reported without a fix.
    Calls with `*args`, a non-literal `sep`, or `file=` other than `sys.stderr`/`sys.stdout` are
    reported without a fix; so are calls in a function that binds the logger's name itself (a
    parameter or local `logger`: the fix would call it), and calls whose arguments hold a secret,
    by the judgement VL404 uses: a sensitive name as words (`print(f"key: {settings.GEMINI_API_KEY}")`, not
    `input_tokens`), a `value` parameter beside an `is_secret` one, or a parameter whose type is not a plain value
    (an object of a project or library class may hold a secret field; VL402's START logs such
    objects by type): a log would keep the leak. A fixed line
    longer than the line length is broken one argument per line; if even that does not fit,
    there is no fix.
    """

    code = "VL401"
    name = "print-call"
    message = "`print` call; log through the logger instead (§6.2)"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.UNSAFE
    call_names = frozenset({"print"})
    # The one logger judgement, so that the fix logs with the module's logger whatever its name.
    analyses = (Loggers, *INDEX_ANALYSES)
    valid = (
        Valid('import logging\n\nlogger = logging.getLogger(__name__)\nlogger.info("ready")\n'),
        Valid('from rich.console import Console\n\nconsole = Console()\nconsole.print("table")\n'),
        Valid('def print(text: str) -> None:\n    """Shadow."""\n\n\nprint("not the builtin")\n'),
        Valid('message = "do not print(secrets)"  # print(x) in a comment\n'),
    )
    invalid = (
        Invalid(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            'def f(user: str) -> None:\n    print("hello", user)\n',
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            'def f(user: str) -> None:\n    logger.info("hello %s", user)\n',
            expected=(Expect(7, 5),),
        ),
        Invalid(
            '"""Module."""\n\nimport sys\n\n\ndef fail() -> None:\n    print("broken", file=sys.stderr)\n',
            fixed='"""Module."""\n\nimport logging\nimport sys\n\nlogger = logging.getLogger(__name__)\n\n\n'
            'def fail() -> None:\n    logger.error("broken")\n',
            expected=(Expect(7, 5),),
        ),
        Invalid("print(*rows)\n", fixed=None, expected=(Expect(1, 1),)),
        Invalid('print(f"Gemini key: {settings.GEMINI_API_KEY}")\n', fixed=None, expected=(Expect(1, 1),)),
        Invalid(
            "def save(key: str, value: str, is_secret: bool) -> None:\n    print(key, value)\n",
            fixed=None,
            expected=(Expect(2, 5),),
        ),
        Invalid(
            "def usage(input_tokens: int) -> None:\n    print(input_tokens)\n",
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def usage(input_tokens: int) -> None:\n    logger.info(input_tokens)\n",
            expected=(Expect(2, 5),),
        ),
        Invalid(
            'print("a")\nprint("b")\n',
            fixed='import logging\n\nlogger = logging.getLogger(__name__)\nlogger.info("a")\nlogger.info("b")\n',
            expected=(Expect(1, 1), Expect(2, 1)),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start with no print seen."""
        super().__init__(context)
        # Each print with its fix's plan, the shapes to judge, and its statement (where a noqa may sit).
        self._prints: list[tuple[cst.Call, _Plan | None, list[Shape], cst.CSTNode | None]] = []

    def visit_Call(self, node: cst.Call) -> None:
        """Note calls that resolve to the builtin ``print`` (reported after the walk)."""
        if type(node.func) is not cst.Name or node.func.value != "print":
            return
        if self.context.scope.qualified_name(node.func) != "builtins.print":
            return
        typed: list[Shape] = []
        plan = self._plan(node, typed)
        self._prints.append((node, plan, typed, self.context.current_statement))

    def finish(self) -> None:
        """Report every print; a fix only when no printed parameter may be an object holding a
        secret (the sensitivity judgement's types, with this file's classes), its message in the
        style of the module's logger."""
        if not self._prints:
            return  # most files: no index to build
        index = file_index(self.context)
        types = Types(index, self.context.settings.names.sensitive_names)
        path = self.context.path
        for node, plan, typed, statement in self._prints:
            fix, pending = None, None
            if plan is not None and not any(self._not_plain(types, shape) for shape in typed):
                # A logger the fix adds is `logging`'s; the module's own may be loguru's.
                kind = Tri.NO if plan.edits else loguru_kind(index, path, plan.logger)
                fix = plan.fix(_LOGURU if kind is Tri.YES else _PERCENT)
                if kind is Tri.DEFER:
                    pending = LoggerName(path, plan.logger)
            self.report(node, fix=fix, anchor=statement, pending=pending)

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep every print; drop the `%s` fix of one whose logger another module makes loguru's."""
        index = ProjectIndex.of(project)
        settled: list[Diagnostic] = []
        for diagnostic in diagnostics:
            payload = diagnostic.pending
            fix = diagnostic.fix
            if isinstance(payload, LoggerName) and loguru_kind(index, payload.path, payload.name) is Tri.YES:
                fix = None
            settled.append(replace(diagnostic, fix=fix, pending=None))
        return settled

    def _not_plain(self, types: Types, shape: Shape) -> bool:
        showing = types.showing(self.context.path, shape)
        return showing is None or showing.shown is not Shown.VALUE

    def _may_leak(self, values: list[cst.BaseExpression], typed: list[Shape]) -> bool:
        """Whether a printed value is a secret by name (``settings.GEMINI_API_KEY``) or by
        sibling (``value`` beside ``is_secret``); the annotations of the parameters printed whole
        go to ``typed``, judged by type after the walk."""
        sensitive = self.context.settings.names.sensitive_names
        function = self.context.scope.function()
        function = function if isinstance(function, cst.FunctionDef) else None
        secrets = parameter_secrets(function, sensitive)
        for value in values:
            carried: list[cst.Name] = []
            if leaked_references(value, sensitive, (), carried):
                return True
            for name in carried:
                if name.value in secrets:
                    return True
                annotation = parameter_annotation(function, name.value)
                if annotation is not None:
                    typed.append(annotation_shape(annotation))
        return False

    def _plan(self, node: cst.Call, typed: list[Shape]) -> _Plan | None:
        positional: list[cst.Arg] = []
        level = "info"
        separator = " "
        for arg in node.args:
            if arg.star:
                return None
            if arg.keyword is None:
                positional.append(arg)
                continue
            keyword = arg.keyword.value
            if keyword == "file":
                target = self.context.scope.qualified_name(arg.value)
                if target == "sys.stderr":
                    level = "error"
                elif target != "sys.stdout":
                    return None
            elif keyword == "sep":
                if not isinstance(arg.value, cst.SimpleString) or "b" in arg.value.prefix.lower():
                    return None
                evaluated = arg.value.evaluated_value
                if not isinstance(evaluated, str):
                    return None
                separator = evaluated
            elif keyword not in ("end", "flush"):
                return None
        if self._may_leak([arg.value for arg in positional], typed):
            return None  # logging it would keep the leak, now at INFO in every log sink (VL404)
        logger, edits = ensure_logger(self.context)
        if self.context.scope.shadows(logger):
            return None  # the function's own `logger` (a parameter, a local) would be called
        return _Plan(node, logger, level, separator, positional, edits)


@dataclass(frozen=True)
class _Plan:
    """A print's fix but the style of its message, which depends on what the logger is."""

    node: cst.Call
    logger: str
    level: str
    separator: str
    positional: list[cst.Arg]
    edits: list[NodeEdit]  # those adding a `logging` logger, when the module has none

    def fix(self, style: _Style) -> FixSpec:
        """The fix, its message filled in ``style``."""
        node = self.node
        call = node.with_changes(
            func=cst.Attribute(cst.Name(self.logger), cst.Name(self.level)),
            args=_logged(node.args, self.positional, self.separator, style),
        )
        fix_edits: list[NodeEdit] = [Replace(node, call), *self.edits]
        return FixSpec(tuple(fix_edits), f"Replace with `{self.logger}.{self.level}(...)`")


@dataclass(frozen=True)
class _Style:
    """How a logger fills its arguments into the message, and what text must be escaped then."""

    placeholder: str
    escapes: dict[int, str]


_PERCENT = _Style("%s", {ord("%"): "%%"})
_LOGURU = _Style("{}", {ord("{"): "{{", ord("}"): "}}"})


def _logged(args: Sequence[cst.Arg], positional: list[cst.Arg], separator: str, style: _Style) -> list[cst.Arg]:
    """The arguments of the log call: the printed values, after a %-template when there are
    several; a printed string literal goes into the template (``print("Saved", path)`` logs
    ``"Saved %s", path``). Laid out as the print's were: each value keeps the comma after it (a
    line break too), the template takes the first one's, and the last keeps what came before ``)``."""
    if not positional:
        return [cst.Arg(cst.SimpleString('""'))]
    logged = list(positional)
    if len(positional) > 1:
        # A comment among the arguments stays with its value: none goes into the template then.
        commented = any("#" in _around(arg) for arg in args)
        texts = [None if commented else _literal(arg) for arg in positional]
        logged = [arg for arg, text in zip(positional, texts, strict=True) if text is None]
        # A logger formats the message only when it has arguments.
        escapes = style.escapes if logged else {}
        template = separator.translate(escapes).join(
            style.placeholder if text is None else text.translate(escapes) for text in texts
        )
        # Another value follows the first: it has a comma.
        first = positional[0].comma
        comma = _without_comment(first) if isinstance(first, cst.Comma) else cst.Comma()
        logged.insert(0, cst.Arg(cst.SimpleString(_string(template)), comma=comma))
    # Keywords (`end=""`, `file=sys.stderr`) after the last value go: it ends the call instead.
    closing = args[-1]
    logged[-1] = logged[-1].with_changes(comma=closing.comma, whitespace_after_arg=closing.whitespace_after_arg)
    return logged


def _string(text: str) -> str:
    """A literal of ``text`` in double quotes, in single ones where that escapes fewer quotes (as a
    formatter writes it: ``'say "hi" %s'``)."""
    double = json.dumps(text, ensure_ascii=False)  # JSON's escapes are Python's too
    if text.count('"') > text.count("'"):
        # Each `"` of the text is escaped in ``double`` (a backslash of the text is doubled).
        return "'" + double[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
    return double


def _without_comment(comma: cst.Comma) -> cst.Comma:
    """A copy of ``comma`` with its line break, not its comments: the value it follows keeps them."""
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = after.with_changes(first_line=cst.TrailingWhitespace(newline=after.first_line.newline), empty_lines=())
    return comma.with_changes(whitespace_after=after).deep_clone()


def _literal(arg: cst.Arg) -> str | None:
    """The text of a printed string literal that can join the template: not bytes, no lone
    surrogate (no file could hold it)."""
    value = arg.value
    if not isinstance(value, cst.SimpleString):
        return None
    text = value.evaluated_value
    if not isinstance(text, str) or any("\ud800" <= char <= "\udfff" for char in text):
        return None
    return text


def _around(arg: cst.Arg) -> str:
    """The code of ``arg`` but its value: where a comment beside it is."""
    return cst.Module([]).code_for_node(arg.with_changes(value=cst.Name("_")))
