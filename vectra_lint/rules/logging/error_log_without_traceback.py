"""VL403 error-log-without-traceback."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.diagnostics import Applicability
from vectra_lint.rule import Expect, FixAvailability, FixSpec, Invalid, Message, Replace, Rule, Valid


@dataclass(frozen=True)
class ErrorLogMessage(Message):
    """Names the log call (``logger.error``)."""

    call: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` in an `except` block without `exc_info=True`; the traceback is lost"


class ErrorLogWithoutTraceback(Rule):
    """
    ## What it does
    Flags `logger.error(...)` (any configured logger name, or the `logging` module) called inside
    an `except` handler without `exc_info=True`. `logger.exception(...)` is fine.

    ## Why is this bad?
    §6.3 and §4: technical failures are logged as ERROR *with* the traceback. Without
    `exc_info=True` the log keeps the message but loses where the failure happened, which is what
    an on-call engineer needs first.

    ## Fix safety
    The fix is safe: it adds `exc_info=True` to the call, which only adds the active exception's
    traceback to the record. A call that passes `exc_info` explicitly (say `exc_info=False`) is
    reported without a fix: that value was chosen by someone.
    """

    code = "VL403"
    name = "error-log-without-traceback"
    message = "Error log in an `except` block without `exc_info=True`; the traceback is lost"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.SAFE
    valid = (
        Valid('try:\n    run()\nexcept OSError as e:\n    logger.error(f"FAIL | {e}", exc_info=True)\n    raise\n'),
        Valid('try:\n    run()\nexcept OSError:\n    logger.exception("FAIL")\n'),
        Valid('logger.error("not in a handler")\n'),
        Valid('try:\n    run()\nexcept OSError:\n    def later() -> None:\n        logger.error("runs elsewhere")\n'),
    )
    invalid = (
        Invalid(
            'try:\n    run()\nexcept OSError as e:\n    logger.error(f"FAIL | {e}")\n    raise\n',
            fixed='try:\n    run()\nexcept OSError as e:\n    logger.error(f"FAIL | {e}", exc_info=True)\n    raise\n',
            expected=(Expect(4, 5, ErrorLogMessage("logger.error")),),
        ),
        Invalid(
            'try:\n    run()\nexcept OSError:\n    log.error(\n        "FAIL",\n        extra={"id": 1},\n    )\n',
            fixed='try:\n    run()\nexcept OSError:\n    log.error(\n        "FAIL",\n        extra={"id": 1},\n'
            "        exc_info=True,\n    )\n",
            expected=(Expect(4, 5, ErrorLogMessage("log.error")),),
        ),
        Invalid(
            'import logging\n\ntry:\n    run()\nexcept OSError:\n    logging.error("FAIL", exc_info=False)\n',
            expected=(Expect(6, 5, ErrorLogMessage("logging.error")),),
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        """Report error-level log calls in handlers that do not attach the traceback."""
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "error":
            return
        if self.context.scope.handler() is None or not self._is_logger(func.value):
            return
        receiver = self.context.code_for(func.value)
        message = ErrorLogMessage(f"{receiver}.error")
        existing = [arg for arg in node.args if arg.keyword is not None and arg.keyword.value == "exc_info"]
        if existing:
            value = existing[0].value
            if isinstance(value, cst.Name) and value.value == "True":
                return
            self.report(node, message)
            return
        if any(arg.star == "**" for arg in node.args):
            return  # exc_info may come in through **kwargs
        self.report(node, message, fix=FixSpec((Replace(node, _with_exc_info(node)),), "Add `exc_info=True`"))

    def _is_logger(self, receiver: cst.BaseExpression) -> bool:
        if isinstance(receiver, cst.Name):
            if receiver.value in self.context.settings.names.loggers:
                return True
            return self.context.scope.qualified_name(receiver) == "logging"
        # self.logger.error(...), app.logger.error(...)
        return isinstance(receiver, cst.Attribute) and receiver.attr.value in self.context.settings.names.loggers


def _with_exc_info(call: cst.Call) -> cst.Call:
    new_arg = cst.Arg(
        value=cst.Name("True"),
        keyword=cst.Name("exc_info"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):
        # A trailing comma (usually one argument per line): the new argument takes the same layout.
        layout = call.whitespace_before_args
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=layout))
        args.append(new_arg.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(new_arg)
    return call.with_changes(args=args)
