"""Which calls are log calls: the one definition the logging rules share (VL402, VL404, ...).

A log call is ``.debug/.info/.warning/.warn/.error/.exception/.critical/.fatal/.log(...)`` on

- a configured logger name (``[tool.vectra-lint.names] loggers``, default ``logger`` and ``log``),
  as a variable (``logger.info``) or an attribute (``self.logger.info``, ``app.log.info``);
- a variable or attribute this file binds to ``logging.getLogger(...)`` (``audit = getLogger("audit")``,
  ``self._log = logging.getLogger(__name__)``), resolved by import;
- the ``logging`` module itself (``logging.info(...)``), or ``logging.getLogger(...)`` directly.

Bindings are recorded as the walk passes them, so a logger bound below its first use (rare: a
module-level logger sits under the imports) is only known by its configured name.
"""

from __future__ import annotations

import libcst as cst

from vectra_lint.analysis.loggers import GET_LOGGER, Loggers
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.walker import callee_name
from vectra_lint.rule import Analysis

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})


class LogCalls(Analysis):
    """The log-call test, on the configured logger names and the names this file binds to
    ``logging.getLogger(...)``: those are noted by :class:`Loggers` in the same walk (one handler
    per assignment instead of two), so this analysis has no handlers of its own."""

    requires = (Loggers,)

    def __init__(self, context: FileContext) -> None:
        """Start with only the configured logger names."""
        super().__init__(context)
        self._configured = context.settings.names.loggers
        self._bound = context.analysis(Loggers).get_logger_names

    def _known(self, name: str) -> bool:
        """Whether ``name`` (a variable or an attribute name) is known to hold a logger."""
        return name in self._configured or name in self._bound

    def _is_get_logger(self, value: cst.BaseExpression) -> bool:
        if type(value) is not cst.Call:  # exact type: see `dotted_name`
            return False
        func = value.func
        return callee_name(func) == "getLogger" and self.context.scope.qualified_name(func) == GET_LOGGER

    def method(self, call: cst.Call) -> str | None:
        """The logging method ``call`` makes (``info``, ``error``, ``log``...), or ``None`` when it
        is not a log call."""
        func = call.func
        if type(func) is not cst.Attribute or func.attr.value not in LOG_METHODS:
            return None
        receiver = func.value
        if isinstance(receiver, cst.Name):
            if self._known(receiver.value) or self.context.scope.qualified_name(receiver) == "logging":
                return func.attr.value
        elif isinstance(receiver, cst.Attribute):
            if self._known(receiver.attr.value):
                return func.attr.value
        elif self._is_get_logger(receiver):
            return func.attr.value
        return None


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
