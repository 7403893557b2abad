"""VL403 error-log-without-traceback."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from vectra_lint.analysis.loggers import Loggers, logger_kind, loguru_kind
from vectra_lint.analysis.module_summary import INDEX_ANALYSES
from vectra_lint.analysis.project_index import ProjectIndex, Tri, file_index
from vectra_lint.api import (
    Analysis,
    Applicability,
    Expect,
    FixAvailability,
    FixSpec,
    Invalid,
    Message,
    Replace,
    Rule,
    Valid,
)
from vectra_lint.engine.context import FileContext
from vectra_lint.fixing.edit_helpers import add_keyword_argument

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.api import Diagnostic

LOGURU = "from loguru import logger\n\ntry:\n    run()\nexcept OSError as e:\n"
HOME_MADE = (
    "class AppLogger:\n    def error(self, message: str) -> None:\n        send(message)\n\n\n"
    "logger = AppLogger()\n\n\n"
)


@dataclass(frozen=True)
class ErrorLogMessage(Message):
    """Names the log call (``logger.error``)."""

    call: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` in an `except` block without `exc_info=True`; the traceback is lost"


@dataclass(frozen=True)
class LoguruErrorLogMessage(Message):
    """Names the log call (``logger.error``) of a loguru logger."""

    call: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.call}` in an `except` block logs no traceback; loguru's `.exception(...)` does"


@dataclass(frozen=True)
class LoggerOrigin:
    """Where the logger of a call comes from (``Loggers.origin``) in the checked file ``path``,
    when only the project phase can tell whether it is a ``logging.Logger`` (or loguru's: the
    message then names ``call``)."""

    path: str
    origin: str
    call: str
    attached: bool = False
    """The call passes ``exc_info=True``: reported only if the logger is loguru's (which takes it
    for a format argument)."""


class ErrorLogWithoutTraceback(Rule):
    """
    ## What it does
    Flags `logger.error(...)` (any configured logger name, the `logging` module, or a name made by
    `logging.getLogger`) called inside an `except` handler without `exc_info=True`.
    `logger.exception(...)` is fine. The logger is resolved, across modules too: an object of a
    project class that is not a `logging.Logger` (a home-made logger whose `error()` may take no
    keywords) is not reported. A loguru logger (`from loguru import logger`, or a project module
    exporting it) takes no `exc_info`: its `logger.error(...)` in an `except` handler is reported
    for `.exception(...)`, loguru's error log with the traceback.

    ## Why is this bad?
    §6.3 and §4: technical failures are logged as ERROR *with* the traceback. Without
    `exc_info=True` the log keeps the message but loses where the failure happened, which is what
    an on-call engineer needs first.

    ## Fix safety
    The fix adds `exc_info=True` to the call. It is safe when the logger is known to be a
    `logging.Logger` (made by `logging.getLogger(...)`, annotated `logging.Logger`, or the
    `logging` module): that only adds the active exception's traceback to the record. When the
    logger cannot be resolved (a parameter without annotation, `structlog.get_logger()`), the fix
    is unsafe: another logger's `error()` may reject the keyword. A call that passes `exc_info`
    explicitly (say `exc_info=False`) is reported without a fix: that value was chosen by someone.
    The keyword is added as a formatter would lay out the call: one argument per line when the
    call ends with a magic trailing comma or holds comments, else on one line (broken over lines
    when that line would be too long).

    On loguru's logger the fix calls `.exception(...)` instead of `.error(...)`, safe: the same
    level, message and arguments, and the traceback. A loguru logger that another module of the
    project exports is only known once every file is read: its call is reported without a fix.
    `exc_info=True` does not help on loguru's logger (it takes the keyword for a format argument):
    its `logger.error(..., exc_info=True)` is reported too, its fix keeping the keyword as it is.
    """

    code = "VL403"
    name = "error-log-without-traceback"
    message = "Error log in an `except` block without `exc_info=True`; the traceback is lost"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = None  # per fix: safe on a known logging.Logger, unsafe when unresolved
    analyses: ClassVar[tuple[type[Analysis], ...]] = (*INDEX_ANALYSES, Loggers)
    call_names = frozenset({"error"})
    valid = (
        Valid('try:\n    run()\nexcept OSError as e:\n    logger.error(f"FAIL | {e}", exc_info=True)\n    raise\n'),
        Valid('try:\n    run()\nexcept OSError:\n    logger.exception("FAIL")\n'),
        Valid('logger.error("not in a handler")\n'),
        Valid('try:\n    run()\nexcept OSError:\n    def later() -> None:\n        logger.error("runs elsewhere")\n'),
        Valid(HOME_MADE + 'try:\n    run()\nexcept OSError:\n    logger.error("FAIL")\n'),
    )
    invalid = (
        Invalid(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\ntry:\n    run()\nexcept OSError as e:\n"
            '    logger.error(f"FAIL | {e}")\n    raise\n',
            fixed="import logging\n\nlogger = logging.getLogger(__name__)\n\ntry:\n    run()\nexcept OSError as e:\n"
            '    logger.error(f"FAIL | {e}", exc_info=True)\n    raise\n',
            applicability=Applicability.SAFE,
            expected=(Expect(8, 5, ErrorLogMessage("logger.error")),),
        ),
        Invalid(
            "import logging\n\n\ndef run_job(log: logging.Logger) -> None:\n    try:\n        run()\n"
            '    except OSError:\n        log.error(\n            "FAIL",\n            extra={"id": 1},\n        )\n',
            fixed="import logging\n\n\ndef run_job(log: logging.Logger) -> None:\n    try:\n        run()\n"
            '    except OSError:\n        log.error(\n            "FAIL",\n            extra={"id": 1},\n'
            "            exc_info=True,\n        )\n",
            applicability=Applicability.SAFE,
            expected=(Expect(8, 9, ErrorLogMessage("log.error")),),
        ),
        Invalid(
            "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef sync() -> None:\n    try:\n        pull()\n"
            '    except KeyError as err:\n        log.error(\n            "pull failed: %s", err\n        )\n',
            fixed="import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef sync() -> None:\n    try:\n"
            '        pull()\n    except KeyError as err:\n        log.error("pull failed: %s", err, exc_info=True)\n',
            applicability=Applicability.SAFE,
            expected=(Expect(10, 9, ErrorLogMessage("log.error")),),
        ),
        Invalid(
            "import structlog\n\nlogger = structlog.get_logger()\n\ntry:\n    run()\nexcept OSError:\n"
            '    logger.error("FAIL")\n',
            fixed="import structlog\n\nlogger = structlog.get_logger()\n\ntry:\n    run()\nexcept OSError:\n"
            '    logger.error("FAIL", exc_info=True)\n',
            applicability=Applicability.UNSAFE,
            expected=(Expect(8, 5, ErrorLogMessage("logger.error")),),
        ),
        Invalid(
            'import logging\n\ntry:\n    run()\nexcept OSError:\n    logging.error("FAIL", exc_info=False)\n',
            expected=(Expect(6, 5, ErrorLogMessage("logging.error")),),
        ),
        Invalid(
            LOGURU + '    logger.error("FAIL {}", e)\n',
            fixed=LOGURU + '    logger.exception("FAIL {}", e)\n',
            applicability=Applicability.SAFE,
            expected=(Expect(6, 5, LoguruErrorLogMessage("logger.error")),),
        ),
        Invalid(
            LOGURU + '    logger.error("FAIL {}", e, exc_info=True)\n',
            fixed=LOGURU + '    logger.exception("FAIL {}", e, exc_info=True)\n',
            applicability=Applicability.SAFE,
            expected=(Expect(6, 5, LoguruErrorLogMessage("logger.error")),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; candidates are judged once the module is indexed."""
        super().__init__(context)
        self._loggers = context.analysis(Loggers)
        self._candidates: list[tuple[cst.Call, str | None, cst.CSTNode | None, str, bool, bool]] = []

    def visit_Call(self, node: cst.Call) -> None:
        """Note error-level log calls in handlers that do not attach the traceback."""
        func = node.func
        if type(func) is not cst.Attribute or func.attr.value != "error":
            return
        if self.context.scope.handler() is None or not self._loggers.is_log_receiver(func.value):
            return
        call = f"{self.context.code_for(func.value)}.error"
        existing = [arg for arg in node.args if arg.keyword is not None and arg.keyword.value == "exc_info"]
        fixable = not existing
        # A logging.Logger attaches the traceback then; loguru's logger does not (judged in finish).
        attached = bool(existing) and isinstance(existing[0].value, cst.Name) and existing[0].value.value == "True"
        if not existing and any(arg.star == "**" for arg in node.args):
            return  # exc_info may come in through **kwargs
        origin = self._loggers.origin(func.value)
        self._candidates.append((node, origin, self.context.current_statement, call, fixable, attached))

    def finish(self) -> None:
        """Report the calls whose logger is, or may be, a ``logging.Logger``, or is loguru's."""
        index = file_index(self.context)
        path = self.context.path
        for node, origin, anchor, call, fixable, attached in self._candidates:
            kind = logger_kind(index, path, origin)
            if kind is Tri.NO:
                # Any `exc_info` given is a format argument to loguru: renaming the call keeps it so.
                if origin is not None and loguru_kind(index, path, origin) is Tri.YES:
                    func = node.func
                    assert isinstance(func, cst.Attribute)  # visit_Call took `<receiver>.error(...)` only
                    renamed = func.with_changes(attr=cst.Name("exception"))
                    exception = FixSpec((Replace(func, renamed),), "Log with `.exception(...)`", Applicability.SAFE)
                    self.report(node, LoguruErrorLogMessage(call), anchor=anchor, fix=exception)
                continue
            fix = None
            if fixable:
                safety = Applicability.SAFE if kind is Tri.YES else Applicability.UNSAFE
                fix = FixSpec(
                    (Replace(node, _with_exc_info(node, self.context.module.default_indent)),),
                    "Add `exc_info=True`",
                    safety,
                )
            pending = LoggerOrigin(path, origin, call, attached) if kind is Tri.DEFER and origin is not None else None
            if attached and pending is None:
                continue  # a logging.Logger's, or a logger's that is not loguru's, `exc_info=True`
            self.report(node, ErrorLogMessage(call), anchor=anchor, fix=fix, pending=pending)

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Drop the calls on a project object that is not a Logger; a known Logger's fix is safe;
        loguru's logger, exported by a project module, is told to log with ``.exception``."""
        index = ProjectIndex.of(project)
        kept: list[Diagnostic] = []
        for diagnostic in diagnostics:
            payload = diagnostic.pending
            if not isinstance(payload, LoggerOrigin):
                continue
            kind = logger_kind(index, payload.path, payload.origin)
            if kind is Tri.NO:
                if loguru_kind(index, payload.path, payload.origin) is Tri.YES:
                    # The fix made for a `logging.Logger` would pass loguru a format argument.
                    message = str(LoguruErrorLogMessage(payload.call))
                    kept.append(replace(diagnostic, message=message, fix=None, pending=None))
                continue
            if payload.attached:
                continue  # a logging.Logger's `exc_info=True`
            fix = diagnostic.fix
            if fix is not None and kind is Tri.YES:
                fix = replace(fix, applicability=Applicability.SAFE)
            kept.append(replace(diagnostic, fix=fix, pending=None))
        return kept


def _with_exc_info(call: cst.Call, indent: str) -> cst.Call:
    new_arg = cst.Arg(
        value=cst.Name("True"),
        keyword=cst.Name("exc_info"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    return add_keyword_argument(call, new_arg, indent)
