"""VL401 print-call."""

from __future__ import annotations

import json

import libcst as cst

from vectra_lint.analysis.sensitive import sensitive_references
from vectra_lint.diagnostics import Applicability
from vectra_lint.fixing.edit_helpers import ensure_logger
from vectra_lint.rule import Expect, FixAvailability, FixSpec, Invalid, NodeEdit, Replace, Rule, Valid


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
    joined with `%s` placeholders (honouring a literal `sep`), so the text stays the same. When the
    module has no logger, `import logging` and `logger = logging.getLogger(__name__)` are added.
    Calls with `*args`, a non-literal `sep`, or `file=` other than `sys.stderr`/`sys.stdout` are
    reported without a fix, and so are calls whose arguments hold a sensitive name
    (`print(f"key: {settings.GEMINI_API_KEY}")`): a log would keep the leak (VL404). A fixed line
    longer than the line length is broken one argument per line; if even that does not fit,
    there is no fix.
    """

    code = "VL401"
    name = "print-call"
    message = "`print` call; log through the logger instead (§6.2)"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.UNSAFE
    call_names = frozenset({"print"})
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
            'def f(user: str) -> None:\n    logger.info("%s %s", "hello", user)\n',
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
            'print("a")\nprint("b")\n',
            fixed='import logging\n\nlogger = logging.getLogger(__name__)\nlogger.info("a")\nlogger.info("b")\n',
            expected=(Expect(1, 1), Expect(2, 1)),
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        """Report calls that resolve to the builtin ``print``."""
        if type(node.func) is not cst.Name or node.func.value != "print":
            return
        if self.context.scope.qualified_name(node.func) != "builtins.print":
            return
        self.report(node, fix=self._fix(node))

    def _fix(self, node: cst.Call) -> FixSpec | None:
        positional: list[cst.BaseExpression] = []
        level = "info"
        separator = " "
        for arg in node.args:
            if arg.star:
                return None
            if arg.keyword is None:
                positional.append(arg.value)
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
        sensitive = self.context.settings.names.sensitive_names
        if any(sensitive_references(value, sensitive) for value in positional):
            return None  # logging it would keep the leak, now at INFO in every log sink (VL404)
        logger, edits = ensure_logger(self.context)
        if len(positional) <= 1:
            args = [cst.Arg(positional[0] if positional else cst.SimpleString('""'))]
        else:
            template = separator.replace("%", "%%").join(["%s"] * len(positional))
            args = [cst.Arg(cst.SimpleString(json.dumps(template, ensure_ascii=False)))] + [
                cst.Arg(value) for value in positional
            ]
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args = [arg.with_changes(comma=comma) for arg in args[:-1]] + args[-1:]
        call = node.with_changes(func=cst.Attribute(cst.Name(logger), cst.Name(level)), args=args)
        fix_edits: list[NodeEdit] = [Replace(node, call), *edits]
        return FixSpec(tuple(fix_edits), f"Replace with `{logger}.{level}(...)`")
