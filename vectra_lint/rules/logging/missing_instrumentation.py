"""VL402 missing-instrumentation."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import libcst as cst

from vectra_lint.analysis.any_annotations import ALLOW_JSON_DICT, any_in_annotation
from vectra_lint.analysis.definitions import (
    ABSTRACT,
    OVERLOAD,
    Definition,
    DefinitionKind,
    Definitions,
    FunctionBodies,
    docstring,
    implicit_first_parameter,
)
from vectra_lint.analysis.log_calls import LogCalls
from vectra_lint.analysis.loggers import loguru_kind
from vectra_lint.analysis.module_summary import INDEX_ANALYSES
from vectra_lint.analysis.project_index import ProjectIndex, Tri, file_index
from vectra_lint.analysis.sensitive import Types
from vectra_lint.api import (
    Applicability,
    Diagnostic,
    Expect,
    FixAvailability,
    FixSpec,
    IntOption,
    Invalid,
    Message,
    Replace,
    Rule,
    StringsOption,
    Valid,
)
from vectra_lint.diagnostics import Edit
from vectra_lint.engine import libcst_private
from vectra_lint.engine.context import FileContext
from vectra_lint.fixing.edit_helpers import ensure_logger_and_imports, module_logger
from vectra_lint.fixing.instrumentation import (
    START_PLACEHOLDER,
    Block,
    BlockNames,
    Param,
    falls_through,
    fresh,
    instrument,
    names_used,
    param_specs,
    parameters,
    params_pieces,
    reusable_head,
    start_log,
)

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project

LAYERS = ("routes", "services", "workers")
MIN_STATEMENTS = IntOption(
    "min-statements",
    3,
    "How many statements (at any depth, the docstring not counted) make a function significant.",
)
DECORATORS = StringsOption(
    "decorators",
    (),
    "Decorators that instrument a function themselves (`instrumented`, or a qualified "
    "`app.core.tracing.instrumented`): a function carrying one is not reported.",
)
# What a START/FINISH/FAIL message starts with, after an optional emoji or mark (`❌ FAIL |`).
_MARK = re.compile(r"^[^\w\[{%]*(START|FINISH|FAIL)\s*\|")
_NOT_SIGNIFICANT = frozenset({"property", "cached_property", "setter", "getter", "deleter", "abstractproperty"})
# `@router.get(...)`, `@app.post(...)`: a route, even when defined inside a set-up function.
_ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "route", "websocket"}
)


@dataclass
class _Logs:
    """What the function's own statements log (nested functions and classes are not its own)."""

    statements: int = 0
    start: bool = False
    finish: bool = False
    fail: bool = False
    returns: bool = False
    """Whether the function has a ``return`` of its own."""


def _message_start(node: cst.BaseExpression) -> str | None:
    """The literal text a log message starts with (f-string, %-style, `+` or `.format`)."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString):
        text = ""
        for part in node.parts:
            if not isinstance(part, cst.FormattedStringText):
                break
            text += part.value
        return text
    if isinstance(node, cst.ConcatenatedString):
        return _message_start(node.left)
    if isinstance(node, cst.BinaryOperation):
        return _message_start(node.left)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return _message_start(node.func.value)
    return None


def _note_log(call: cst.Call, in_handler: bool, logs: _Logs, log_calls: LogCalls) -> None:
    method = log_calls.method(call)
    if method not in ("info", "error", "exception", "critical"):
        return
    message = next((arg.value for arg in call.args if arg.keyword is None and not arg.star), None)
    if message is None:
        message = next((arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == "msg"), None)
    text = _message_start(message) if message is not None else None
    match = _MARK.match(text) if text is not None else None
    if match is None:
        return
    kind = match.group(1)
    if method == "info":
        if kind == "START":
            logs.start = True
        elif kind == "FINISH":
            logs.finish = True
        return
    # A FAIL log without `exc_info=True` is still the FAIL log: VL403 owns the missing traceback.
    if kind == "FAIL" and in_handler:
        logs.fail = True


def _scan(statements: Sequence[cst.CSTNode], in_handler: bool, logs: _Logs, log_calls: LogCalls) -> None:
    """Count the statements and note the START/FINISH/FAIL logs and returns, statement by statement."""
    for statement in statements:
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            _scan(statement.body, in_handler, logs, log_calls)
            continue
        logs.statements += 1
        if isinstance(statement, cst.Return):
            logs.returns = True
            continue
        if isinstance(statement, cst.Expr):
            value = statement.value
            if isinstance(value, cst.Await):
                value = value.expression
            if isinstance(value, cst.Call):
                _note_log(value, in_handler, logs, log_calls)
            continue
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) or not isinstance(
            statement, cst.BaseCompoundStatement
        ):
            continue
        for suite, handler in _suites(statement):
            _scan(suite.body, in_handler or handler, logs, log_calls)


def _suites(statement: cst.BaseCompoundStatement) -> list[tuple[cst.BaseSuite, bool]]:
    """The bodies of a compound statement, each with whether it is an ``except`` handler's."""
    if isinstance(statement, cst.Match):
        return [(case.body, False) for case in statement.cases]
    found: list[tuple[cst.BaseSuite, bool]] = [(statement.body, False)]
    if isinstance(statement, (cst.Try, cst.TryStar)):
        found += [(handler.body, True) for handler in statement.handlers]
        if statement.orelse is not None:
            found.append((statement.orelse.body, False))
        if statement.finalbody is not None:
            found.append((statement.finalbody.body, False))
    elif isinstance(statement, (cst.For, cst.While)) and statement.orelse is not None:
        found.append((statement.orelse.body, False))
    elif isinstance(statement, cst.If) and statement.orelse is not None:
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            found += _suites(orelse)
        else:
            found.append((orelse.body, False))
    return found


# PEP 263: a coding cookie on one of the first two lines.
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _declared_encoding(source: str) -> str:
    for line in source.splitlines()[:2]:
        match = _CODING.match(line)
        if match:
            return match.group(1).lower().replace("_", "-")
    return "utf-8"


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def qualified_name(definition: Definition) -> str:
    """``Class.method`` (outer classes included) or ``function``."""
    names = [definition.name]
    parent = definition.parent
    while parent is not None and isinstance(parent.node, cst.ClassDef):
        names.append(parent.name)
        parent = parent.parent
    return ".".join(reversed(names))


def _is_route(node: cst.FunctionDef) -> bool:
    """Whether a decorator registers ``node`` as a route (``@router.get("/x")``)."""
    for decorator in node.decorators:
        expression = decorator.decorator
        if (
            isinstance(expression, cst.Call)
            and isinstance(expression.func, cst.Attribute)
            and expression.func.attr.value in _ROUTE_METHODS
        ):
            return True
    return False


def _is_decorator_factory(statements: Sequence[cst.BaseStatement]) -> bool:
    """Whether the function returns a function it defines itself (a decorator or a decorator
    factory): it runs once, at registration, so START/FINISH would not trace any call."""
    defined = {statement.name.value for statement in statements if isinstance(statement, cst.FunctionDef)}
    if not defined:
        return False
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Return) and isinstance(small.value, cst.Name) and small.value.value in defined:
                    return True
    return False


@dataclass(frozen=True)
class StartPending:
    """A fix whose START log waits for the project phase: some parameter's type is a class of
    another project module (its id fields, whether it is an enum). Picklable."""

    path: str
    params: tuple[Param, ...]
    logger: str
    func_name: str
    width: int


@dataclass(frozen=True)
class LoggerPending:
    """A fix logging with the module's logger another project module exports: dropped in the
    project phase if that is loguru's. ``start``: its START log, when that waits too."""

    path: str
    logger: str
    start: StartPending | None


def _put_start(content: str, pending: StartPending, pieces: list[str]) -> str:
    """``content`` with the START placeholder line replaced by the START log, at its indentation."""
    lines = content.split("\n")
    for number, line in enumerate(lines):
        if line.strip() == START_PLACEHOLDER:
            prefix = line[: len(line) - len(line.lstrip())]
            text = start_log(pending.logger, pending.func_name, pieces, len(prefix), pending.width)
            lines[number] = "\n".join(prefix + part if part else part for part in text.split("\n"))
    return "\n".join(lines)


def _depth(definition: Definition) -> int:
    depth = 0
    parent = definition.parent
    while parent is not None:
        depth += 1
        parent = parent.parent
    return depth


@dataclass(frozen=True)
class MissingKindsMessage(Message):
    """The message with its named parts (``name``, ``missing``) when some of the three are logged."""

    name: str
    missing: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.name}` does not log {self.missing} (§6.3)"


@dataclass(frozen=True)
class InstrumentationMessage(Message):
    """The message with its named parts (``name``)."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"`{self.name}` logs none of START, FINISH and FAIL (§6.3)"


class MissingInstrumentation(Rule):
    """
    ## What it does
    Flags a significant function that lacks any of §6.3's three logs. Significant: a public
    function or method (not a dunder, property, abstract method, overload, generator or async
    generator) in the `routes`, `services` or `workers` layers, with at least `min-statements`
    statements (at any depth, the docstring not counted). The three logs, as teams write them:

    - START: an info log whose message starts with `START |`;
    - FINISH: an info log whose message starts with `FINISH |`;
    - FAIL: in an `except` handler, an error log with `exc_info=True` (or `logger.exception`) whose
      message starts with `❌ FAIL |` or `FAIL |`.

    Messages are recognised as f-strings, %-style (`"START | %s"`), plain strings and `.format`,
    on a logger (the one judgement the logging rules share, `analysis/log_calls.py`: a configured
    logger name such as `logger`, `log`, `self.logger`, a name bound to `logging.getLogger(...)`,
    or the `logging` module). A function decorated with one of the `decorators` is instrumented
    by its decorator. A function with some of the logs but not all gets one diagnostic naming
    what is missing; a FAIL log without `exc_info=True` is VL403's finding, not this rule's too.
    A function with no normal exit (it always raises) needs no FINISH.

    Route handlers nested in a set-up function (`@router.get(...)` on a `def` inside
    `_setup_routes(self)`) are routes and are checked. A decorator factory (a function that
    returns a function it defines) runs once, when it decorates, and is not checked, nor its
    nested wrapper.

    ## Why is this bad?
    §6.3 asks every service, route and worker function for the same entry, exit and error logs:
    with the correlation id they let one follow a request through the layers, see how long each
    step took, and find the traceback of the step that failed. A function without them is a hole
    in that trace.

    ## Fix safety
    The fix is unsafe: it adds log records, which tests that capture or mock a logger see. It is
    offered only for a function with none of the three logs, and rewrites it into the §6.3 block:

    - after the docstring, `func_name = "Class.method"`, a start time and
      `logger.info(f"START | {func_name} | Params: ...")` listing the parameters (not
      `self`/`cls`) without ever logging an object's repr (see the notes); a function that
      already sets `func_name` and a start time (`time.perf_counter()`, `time.time()`,
      `time.monotonic()`) first thing keeps them, and FINISH reads the same clock;
    - the body inside `try:`; each `return X` first evaluates `X` once into a fresh variable
      (declared with the function's return type, under a comment saying so when that type holds an
      `Any` VL103 would want explained), then logs FINISH with the duration, then returns it; a
      body that can end without `return` logs FINISH at its end;
    - `except Exception as e:` logs `❌ FAIL | ...` with `exc_info=True` and re-raises with a bare
      `raise`, so the same exception and traceback leave the function.

    So the function returns the same values and raises the same exceptions after the same side
    effects; what it catches itself it still handles (FAIL is logged only for an exception that
    leaves it). A `return` inside a `try` that has a `finally`, or inside a `with`, logs FINISH
    before that cleanup runs (and FAIL too if the cleanup then raises). The names the block
    introduces never collide with the function's own names, and `import time`, `import logging`
    and `logger = logging.getLogger(__name__)` are added where an import sorter would put them
    when the module lacks them (`import time as time_module` when `time` names something else
    there). In a file not encoded in UTF-8 the FAIL message starts `FAIL |`, without the mark.

    Partly instrumented functions get no fix, nor do functions that call `locals()`, `vars()` or
    `dir()` (no arguments), `eval` or `exec`, nor one whose body, indented one level, would pass
    the line length, nor a function of a module that logs with loguru's `logger`, imported from
    loguru or from a project module that exports it (it would take the FAIL log's
    `exc_info=True` for a format argument), nor one that, or whose enclosing
    function, binds the logger's name itself (a route set up in `def setup(router, logger)`: the
    new logs would call that object). The function is still reported.

    ## Notes
    START shows each parameter by the sensitivity judgement VL401 and VL404 share
    (`analysis/sensitive.py`), so that VL404 finds nothing in it:

    - a secret by name (`names.sensitive-names` as words: `api_key`, `user_password`,
      `access_token`, not `input_tokens` or `is_secret`) or by sibling (a `value` beside an
      `is_secret` parameter) as `[MASKED]`;
    - a plain value (`str`, `int`, `bool`, `UUID`, `datetime`, an enum, `Literal`, a collection
      of those) as `{name}`; `**kwargs` by its keys only;
    - an object of a project class (Pydantic, SQLModel, dataclass, ORM, any class of the
      project, in any module) by its type and id fields, `current_user=User(id={current_user.id})`,
      or by its type alone when it has no `id`/`..._id` field or may be `None` (`user_in=<UserCreate>`);
    - a collection of objects by its size (`settings_in=[{len(settings_in)} items]`);
    - an object of a library class by its annotated type (`request=<Request>`), and an
      unannotated parameter or one of unknown type by its type at run time
      (`x=<{type(x).__name__}>`): never a repr, which may hold anything.

    When a parameter's class is in another module, the fix is settled in the project phase with
    every checked file's classes; a class in a module that was not checked is shown by its type.
    """

    code = "VL402"
    name = "missing-instrumentation"
    message = "A function logs none of START, FINISH and FAIL (§6.3)"
    fix_availability = FixAvailability.SOMETIMES
    fix_safety = Applicability.UNSAFE
    options = (MIN_STATEMENTS, DECORATORS)
    analyses = (Definitions, FunctionBodies, LogCalls, *INDEX_ANALYSES)
    valid = (
        Valid(
            "import logging\nimport time\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def total(prices: list[float], token: str) -> float:\n"
            '    func_name = "total"\n'
            "    start = time.perf_counter()\n"
            '    logger.info(f"START | {func_name} | Params: prices={prices}, token=[MASKED]")\n'
            "    try:\n"
            "        value = sum(prices)\n"
            '        logger.info("FINISH | %s | Duration: %sms", func_name, time.perf_counter() - start)\n'
            "        return value\n"
            "    except Exception as e:\n"
            '        logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
            "        raise\n",
            path="app/services/billing.py",
        ),
        Valid(
            "def total(prices: list[float]) -> float:\n    count = len(prices)\n    value = sum(prices)\n"
            "    return value / count\n",
            path="app/core/maths.py",
        ),
        Valid(
            "class Billing:\n    def _total(self, prices: list[float]) -> float:\n        count = len(prices)\n"
            "        value = sum(prices)\n        return value / count\n\n"
            "    @property\n    def size(self) -> int:\n        a = 1\n        b = 2\n        return a + b\n",
            path="app/services/billing.py",
        ),
        Valid(
            "def rows(path: str):\n    handle = open(path)\n    for line in handle:\n        yield line\n",
            path="app/workers/reader.py",
        ),
        Valid(
            "@instrumented\ndef total(prices: list[float]) -> float:\n    count = len(prices)\n"
            "    value = sum(prices)\n    return value / count\n",
            path="app/services/billing.py",
            options={"decorators": ["instrumented"]},
        ),
        # A decorator factory runs once, when it decorates: not a function to trace.
        Valid(
            "def retrying(times: int):\n    attempts = max(times, 1)\n\n"
            "    def decorator(func):\n        return func\n\n    return decorator\n",
            path="app/services/retry.py",
        ),
        # A function that always raises has no success path to log FINISH on.
        Valid(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def reject(reason: str) -> None:\n"
            '    logger.info(f"START | reject | Params: reason={reason}")\n'
            "    try:\n"
            '        message = f"rejected: {reason}"\n'
            "        raise PermissionError(message)\n"
            "    except Exception as e:\n"
            '        logger.error(f"❌ FAIL | reject | Error: {e}", exc_info=True)\n'
            "        raise\n",
            path="app/services/users.py",
        ),
    )
    invalid = (
        Invalid(
            '"""Billing."""\n\nfrom __future__ import annotations\n\nimport requests\n\n\n'
            "class Billing:\n"
            "    def charge(self, amount: int, api_key: str) -> int:\n"
            '        """Charge an amount."""\n'
            "        if amount <= 0:\n"
            "            return 0\n"
            '        requests.post("https://pay.example", json={"amount": amount}, headers={"key": api_key})\n'
            "        return amount\n",
            fixed='"""Billing."""\n\nfrom __future__ import annotations\n\nimport logging\nimport time\n\n'
            "import requests\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "class Billing:\n"
            "    def charge(self, amount: int, api_key: str) -> int:\n"
            '        """Charge an amount."""\n'
            '        func_name = "Billing.charge"\n'
            "        start = time.perf_counter()\n"
            '        logger.info(f"START | {func_name} | Params: amount={amount}, api_key=[MASKED]")\n'
            "        try:\n"
            "            if amount <= 0:\n"
            "                elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
            '                logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
            "                return 0\n"
            '            requests.post("https://pay.example", json={"amount": amount}, headers={"key": api_key})\n'
            "            elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
            '            logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
            "            return amount\n"
            "        except Exception as e:\n"
            '            logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
            "            raise\n",
            path="app/services/billing.py",
            expected=(Expect(9, 9, "`Billing.charge` logs none of START, FINISH and FAIL (§6.3)"),),
        ),
        Invalid(
            "import logging\nimport time\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "async def notify(user_id: int, *channels: str, **options: str) -> None:\n"
            "    start = time.monotonic()\n"
            "    for channel in channels:\n"
            "        await send(channel, user_id, start, **options)\n",
            fixed="import logging\nimport time\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "async def notify(user_id: int, *channels: str, **options: str) -> None:\n"
            "    start = time.monotonic()\n"
            '    func_name = "notify"\n'
            '    logger.info(f"START | {func_name} | Params: user_id={user_id}, channels={channels}, '
            'options={list(options)}")\n'
            "    try:\n"
            "        for channel in channels:\n"
            "            await send(channel, user_id, start, **options)\n"
            "        elapsed = round((time.monotonic() - start) * 1000, 2)\n"
            '        logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
            "    except Exception as e:\n"
            '        logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
            "        raise\n",
            path="app/workers/notify.py",
            expected=(Expect(7, 11, "`notify` logs none of START, FINISH and FAIL (§6.3)"),),
        ),
        Invalid(
            "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def total(prices: list[float]) -> float:\n"
            '    logger.info("START | total | %s", prices)\n'
            "    value = sum(prices)\n"
            '    logger.info("FINISH | total")\n'
            "    return value\n",
            path="app/services/billing.py",
            expected=(Expect(6, 5, "`total` does not log FAIL (§6.3)"),),
        ),
        Invalid(
            "from pydantic import BaseModel\n\n\n"
            "class Setting(BaseModel):\n    id: int\n    key: str\n    value: str\n    is_secret: bool\n\n\n"
            "def save(setting: Setting, value: str, is_secret: bool, input_tokens: int) -> int:\n"
            '    stored = value if not is_secret else "***"\n'
            "    setting.value = stored\n"
            "    return input_tokens\n",
            fixed="import logging\nimport time\n\nfrom pydantic import BaseModel\n\n"
            "logger = logging.getLogger(__name__)\n\n\n"
            "class Setting(BaseModel):\n    id: int\n    key: str\n    value: str\n    is_secret: bool\n\n\n"
            "def save(setting: Setting, value: str, is_secret: bool, input_tokens: int) -> int:\n"
            '    func_name = "save"\n'
            "    start = time.perf_counter()\n"
            "    logger.info(\n"
            '        f"START | {func_name} | Params: setting=Setting(id={setting.id}), value=[MASKED], '
            'is_secret={is_secret}, "\n'
            '        f"input_tokens={input_tokens}"\n'
            "    )\n"
            "    try:\n"
            '        stored = value if not is_secret else "***"\n'
            "        setting.value = stored\n"
            "        elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
            '        logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
            "        return input_tokens\n"
            "    except Exception as e:\n"
            '        logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
            "        raise\n",
            path="app/services/settings.py",
            expected=(Expect(11, 5, "`save` logs none of START, FINISH and FAIL (§6.3)"),),
        ),
        Invalid(
            "class AdminRoutes:\n"
            "    def _setup_routes(self) -> None:\n"
            '        @self.router.get("/items")\n'
            "        async def list_items(limit: int) -> list[int]:\n"
            "            a = 1\n"
            "            b = 2\n"
            "            return [a, b][:limit]\n",
            fixed="import logging\nimport time\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "class AdminRoutes:\n"
            "    def _setup_routes(self) -> None:\n"
            '        @self.router.get("/items")\n'
            "        async def list_items(limit: int) -> list[int]:\n"
            '            func_name = "list_items"\n'
            "            start = time.perf_counter()\n"
            '            logger.info(f"START | {func_name} | Params: limit={limit}")\n'
            "            try:\n"
            "                a = 1\n"
            "                b = 2\n"
            "                result: list[int] = [a, b][:limit]\n"
            "                elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
            '                logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
            "                return result\n"
            "            except Exception as e:\n"
            '                logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
            "                raise\n",
            path="app/api/admin.py",
            expected=(Expect(4, 19, "`list_items` logs none of START, FINISH and FAIL (§6.3)"),),
        ),
    )

    def __init__(self, context: FileContext) -> None:
        """Check one file; a file outside the routes, services and workers layers is skipped."""
        super().__init__(context)
        self._active = self.context.in_layer(*LAYERS)
        self._decorators: tuple[str, ...] = tuple(self.option(DECORATORS)) if self._active else ()
        self._longest: int | None = None
        self._utf8: bool | None = None
        # Each function to fix, with the scopes it is in (its own the innermost).
        self._unfixed: list[tuple[cst.FunctionDef, Definition, str, bool, tuple[cst.CSTNode, ...]]] = []

    def applies(self) -> bool:
        """Only the instrumented layers are checked; the others are left out of the walk."""
        return self._active

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Report a significant function without the three logs (one with none is reported at
        the end of the walk, with its fix, which needs the file's classes)."""
        definition = self.context.analysis(Definitions).current
        if not self._candidate(definition) or self.context.analysis(FunctionBodies).current.yields:
            return
        has_docstring = docstring(node.body) is not None
        statements: Sequence[cst.CSTNode] = node.body.body[1:] if has_docstring else node.body.body
        if _is_decorator_factory(node.body.body if isinstance(node.body, cst.IndentedBlock) else ()):
            return
        logs = _Logs()
        _scan(statements, False, logs, self.context.analysis(LogCalls))
        if logs.statements < self.option(MIN_STATEMENTS):
            return
        qualified = qualified_name(definition)
        if not (logs.start or logs.finish or logs.fail):
            self._unfixed.append((node, definition, qualified, has_docstring, self.context.scope.scopes()))
            return
        # A function that always raises has no success path, so no FINISH to log.
        exits = logs.returns or falls_through(node.body.body if isinstance(node.body, cst.IndentedBlock) else ())
        missing = [kind for kind, seen in (("START", logs.start), ("FINISH", logs.finish or not exits)) if not seen]
        if not logs.fail:
            missing.append("FAIL")
        if missing:
            self.report(node.name, MissingKindsMessage(qualified, " and ".join(missing)), anchor=node)

    def finish(self) -> None:
        """Report the functions with none of the logs, each with its fix (pending when a
        parameter's type is a class of another project module)."""
        if not self._unfixed:
            return
        types = Types(file_index(self.context), self.context.settings.names.sensitive_names)
        for node, definition, qualified, has_docstring, scopes in self._unfixed:
            # Made when wanted: generating the new function is most of this rule's cost, and the
            # first lint of a file that --fix (without --unsafe-fixes) changes never wants it.
            make = functools.partial(self._fix, node, definition, qualified, has_docstring, scopes, types)
            self.report(node.name, InstrumentationMessage(name=qualified), anchor=node, fix_later=make)

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Write the START log of the pending fixes, now that every class is known (what is
        still unknown is shown by its type only); drop the fixes that would log with loguru's
        logger, which another module of the project exports."""
        types = Types(ProjectIndex.of(project), project.settings.names.sensitive_names)
        settled: list[Diagnostic] = []
        for diagnostic in diagnostics:
            pending = diagnostic.pending
            fix = diagnostic.fix
            if isinstance(pending, LoggerPending):
                if loguru_kind(types.index, pending.path, pending.logger) is Tri.YES:
                    diagnostic, fix = replace(diagnostic, fix=None), None  # see `_fix`
                pending = pending.start
            if isinstance(pending, StartPending) and fix is not None:
                pieces = params_pieces(pending.params, types, pending.path)
                assert pieces is not None  # the whole project's index defers nothing
                edits = tuple(
                    Edit(edit.start, edit.end, _put_start(edit.content, pending, pieces)) for edit in fix.edits
                )
                diagnostic = replace(diagnostic, fix=replace(fix, edits=edits))
            settled.append(replace(diagnostic, pending=None))
        return settled

    def _candidate(self, definition: Definition) -> bool:
        name = definition.name
        nested_route = (
            definition.kind is DefinitionKind.NESTED_FUNCTION
            and not name.startswith("_")
            and isinstance(definition.node, cst.FunctionDef)
            and _is_route(definition.node)
        )
        if not nested_route and (
            not definition.public or definition.kind not in (DefinitionKind.FUNCTION, DefinitionKind.METHOD)
        ):
            return False
        if name.startswith("__") and name.endswith("__"):
            return False
        if definition.decorated_with(ABSTRACT | OVERLOAD):
            return False
        for decorator in definition.decorators:
            last = _last(decorator)
            if last in _NOT_SIGNIFICANT or last in ("abstractmethod", "overload"):
                return False
            for configured in self._decorators:
                if decorator == configured or (last == configured if "." not in configured else False):
                    return False
                if "." in configured and decorator.endswith("." + configured):
                    return False
        return True

    def _fix(
        self,
        node: cst.FunctionDef,
        definition: Definition,
        qualified: str,
        has_docstring: bool,
        scopes: tuple[cst.CSTNode, ...],
        types: Types,
    ) -> tuple[FixSpec | None, StartPending | LoggerPending | None]:
        used, deleted, introspects = names_used(node)
        if introspects:
            return None, None
        settings = self.context.settings
        existing = module_logger(self.context)
        logger = existing or (settings.names.loggers[0] if settings.names.loggers else "logger")
        if self.context.scope.shadows(logger, scopes):
            return None, None  # the function's own `logger`, or an enclosing function's, would hide the module's
        # A logger the fix adds is `logging`'s. loguru's would take the FAIL log's
        # `exc_info=True` for a format argument: the message formatted, and an error's text
        # holding `{` would raise in the handler.
        loguru = Tri.NO if existing is None else loguru_kind(types.index, self.context.path, existing)
        if loguru is Tri.YES:
            return None, None
        logger, (time_name,), edits = ensure_logger_and_imports(self.context, ["time"], avoid=used)
        body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
        head = reusable_head(body[1:] if has_docstring else body, self.context.scope.qualified_name)
        taken = used | {logger, time_name}
        names = BlockNames(
            func_name=head.func_name or fresh(("func_name",), taken),
            start=head.start or fresh(("start", "start_time"), taken),
            elapsed=fresh(("elapsed", "elapsed_ms"), taken),
            result=fresh(("result", "return_value"), taken),
            error=fresh(("e", "exc", "error"), taken),
            logger=logger,
            time=time_name,
            clock=head.clock,
        )
        first = implicit_first_parameter(definition)
        params = param_specs(node, first is not None, settings.names.sensitive_names)
        pieces = params_pieces(params, types, self.context.path)
        indent = len(self.context.module.default_indent)
        depth = _depth(definition) + 1
        if self._utf8 is None:
            self._utf8 = _declared_encoding(self.context.source) in ("utf-8", "utf8", "utf-8-sig")
        utf8 = self._utf8
        block = Block(
            names, qualified, pieces, depth * indent, settings.line_length, "❌ " if utf8 else "", head.statements
        )
        safe = frozenset(param.name.value for param in parameters(node, False)) - deleted
        module = self.context.module
        # The result is declared with the return type: an `Any` in it gets the comment VL103 asks.
        explain_any = node.returns is not None and bool(
            any_in_annotation(self.context, node.returns.annotation, settings.option("VL103", ALLOW_JSON_DICT))
        )

        def rewrite() -> tuple[cst.FunctionDef, str | None, bool]:
            new, finishes = instrument(node, block, has_docstring, safe, explain_any)
            # Generated once, for the line-length test here and for the fix's text (the engine
            # fills in the indentation once it has located the function).
            return new, libcst_private.generate_template(module, new), finishes

        # The editor's next check of the file gets the same function with the same block: the
        # same rewrite, made once.
        key = (
            "instrumented",
            block.key(),
            has_docstring,
            safe,
            explain_any,
            module.default_indent,
            module.default_newline,
        )
        new, template, finishes = self.context.memo.get((node,), key, rewrite)
        if self._too_long(new, template, (depth - 1) * indent):
            return None, None
        if not finishes:
            # No FINISH, so no clock read: an `import time` added for it would be unused (F401).
            logger, _, edits = ensure_logger_and_imports(self.context, [], avoid=used)
        fix = FixSpec((Replace(node, new, template), *edits), "Add the START/FINISH/FAIL logs of §6.3")
        start = None
        if pieces is None:
            start = StartPending(self.context.path, params, logger, names.func_name, settings.line_length)
        if loguru is Tri.DEFER:
            return fix, LoggerPending(self.context.path, logger, start)
        return fix, start

    def _too_long(self, new: cst.FunctionDef, template: str | None, base: int) -> bool:
        """Whether moving the body into `try:` pushes a line past the line length.

        The body moves one indentation level right; a line now within one level past the limit
        may have fitted before (the block's own lines are laid out to fit). Fixing such a line
        needs a formatter's judgement, so the fix is withheld.
        """
        width = self.context.settings.line_length
        shift = len(self.context.module.default_indent)
        if self._longest is None:
            self._longest = max(map(len, self.context.source.splitlines()), default=0)
        if self._longest + shift <= width:
            return False  # no line of the file comes close enough to the limit
        if template is None:
            code = self.context.module.code_for_node(new)
        else:
            code = libcst_private.fill_template(template, ())
        return any(width < base + len(line) <= width + shift for line in code.splitlines())
