"""Which calls are log calls: the one definition every logging rule and fix shares (VL402, VL404...).

A log call is ``.debug/.info/.warning/.warn/.error/.exception/.critical/.fatal/.log(...)`` on a
receiver that the one logger judgement, :meth:`Loggers.is_log_receiver`
(``analysis/loggers.py``), calls a logger: a configured logger name (``[tool.vectra-lint.names]
loggers``, default ``logger`` and ``log``) as a variable or an attribute (``self.logger``), a
name or ``self.`` attribute made by ``logging.getLogger(...)`` or annotated ``logging.Logger``,
the ``logging`` module itself, or ``logging.getLogger(...)`` directly. Whether that logger is a
``logging.Logger`` (what a fix adding keywords needs) is :func:`logger_kind`'s question.
"""

from __future__ import annotations

import libcst as cst

from vectra_lint.analysis.loggers import Loggers
from vectra_lint.engine.context import FileContext
from vectra_lint.rule import Analysis

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})


class LogCalls(Analysis):
    """The log-call test: a logging method on what :class:`Loggers` judges a logger (it has no
    handlers of its own: the bindings it needs are noted by :class:`Loggers` in the same walk)."""

    requires = (Loggers,)

    def __init__(self, context: FileContext) -> None:
        """Share the file's logger analysis."""
        super().__init__(context)
        self._loggers = context.analysis(Loggers)

    def method(self, call: cst.Call) -> str | None:
        """The logging method ``call`` makes (``info``, ``error``, ``log``...), or ``None`` when it
        is not a log call."""
        func = call.func
        if type(func) is not cst.Attribute or func.attr.value not in LOG_METHODS:
            return None
        return func.attr.value if self._loggers.is_log_receiver(func.value) else None


def message_arguments(call: cst.Call, method: str) -> list[cst.Arg]:
    """The positional arguments that make the message: the format and its %-arguments (after the
    level, for ``.log(level, msg, ...)``)."""
    positional = [arg for arg in call.args if arg.keyword is None]
    return positional[1:] if method == "log" else positional


def keyword_argument(call: cst.Call, name: str) -> cst.Arg | None:
    """The ``name=`` argument of ``call``, if given."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None
