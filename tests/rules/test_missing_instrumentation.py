"""VL402 missing-instrumentation: which functions are significant, how the three logs are recognised,
what a partly instrumented function is told, and the exact code of the §6.3 rewrite."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from tests.helpers import fix, lint, parses, settings_for
from tests.rules.project_helpers import check, invoke, write_project
from vectra_lint.config.settings import Settings
from vectra_lint.engine.walker import iter_nodes

SERVICE = "app/services/billing.py"
BODY = "    a = 1\n    b = 2\n    return a + b\n"
HEAD = "import logging\nimport time\n\nlogger = logging.getLogger(__name__)\n\n\n"


def _messages(source: str, path: str = SERVICE, **options: object) -> list[str]:
    settings = settings_for("VL402", options={"VL402": options})
    return [
        f"{d.line}:{d.column} {d.message}" for d in lint(textwrap.dedent(source), settings, path) if d.code == "VL402"
    ]


def _fixed(source: str, path: str = SERVICE) -> str:
    outcome = fix(textwrap.dedent(source), settings_for("VL402"), "VL402", path)
    assert outcome.error is None
    assert parses(outcome.text)
    again = fix(outcome.text, settings_for("VL402"), "VL402", path)
    assert again.text == outcome.text and again.fixed == 0
    return outcome.text


@pytest.mark.parametrize(
    "path",
    ["app/api/v1/endpoints/users.py", "app/services/billing.py", "app/workers/ingest.py"],
)
def test_public_functions_of_the_three_layers_are_reported(path: str) -> None:
    assert _messages("def total() -> int:\n" + BODY, path) == ["1:5 `total` logs none of START, FINISH and FAIL (§6.3)"]


@pytest.mark.parametrize("path", ["app/models/user.py", "app/core/config.py", "scripts/run.py", "tests/test_x.py"])
def test_files_outside_the_layers_are_skipped(path: str) -> None:
    assert _messages("def total() -> int:\n" + BODY, path) == []


def test_layers_come_from_the_configuration() -> None:
    settings = settings_for("VL402", layers={"services": ("core/main/services/**",)})
    found = lint("def total() -> int:\n" + BODY, settings, "core/main/services/x.py")
    assert [d.code for d in found if d.code == "VL402"] == ["VL402"]
    assert not [d for d in lint("def total() -> int:\n" + BODY, settings, SERVICE) if d.code == "VL402"]


@pytest.mark.parametrize(
    "source",
    [
        # Private, dunder, nested, property, abstract, overload, generator, async generator.
        "def _total() -> int:\n" + BODY,
        "class A:\n    def __eq__(self, other: object) -> bool:\n        a = 1\n        b = 2\n        return a == b\n",
        "def outer() -> None:\n    def inner() -> int:\n        a = 1\n        b = 2\n        return a + b\n",
        "class A:\n    @property\n    def size(self) -> int:\n        a = 1\n        b = 2\n        return a + b\n",
        "class A:\n    @functools.cached_property\n    def size(self) -> int:\n        a = 1\n        b = 2\n"
        "        return a + b\n",
        "import abc\n\n\nclass A(abc.ABC):\n    @abc.abstractmethod\n    def run(self) -> int:\n        a = 1\n"
        "        b = 2\n        return a + b\n",
        "from typing import overload\n\n\n@overload\ndef f(x: int) -> int:\n    a = 1\n    b = 2\n    return a\n",
        "def rows() -> object:\n    a = 1\n    b = 2\n    yield a + b\n",
        "async def rows() -> object:\n    a = 1\n    b = 2\n    x = [(yield a)]\n",
        # Fewer than min-statements statements (the docstring does not count).
        'def total() -> int:\n    """Doc."""\n    a = 1\n    return a\n',
        # A module with __all__ that does not list the function.
        '__all__ = ["other"]\n\n\ndef total() -> int:\n' + BODY,
    ],
)
def test_functions_that_are_not_significant_are_not_reported(source: str) -> None:
    assert _messages(source) == []


def test_statements_count_at_any_depth_and_the_threshold_is_an_option() -> None:
    nested = "def total(x: int) -> int:\n    if x:\n        x += 1\n    return x\n"
    assert len(_messages(nested)) == 1  # if, x += 1, return
    assert _messages(nested, **{"min-statements": 4}) == []
    assert len(_messages("def one() -> int:\n    return 1\n", **{"min-statements": 1})) == 1


@pytest.mark.parametrize(
    ("decorator", "configured"),
    [
        ("@instrumented", "instrumented"),
        ("@tracing.instrumented(level=1)", "instrumented"),
        ("@instrumented", "app.core.tracing.instrumented"),
    ],
)
def test_a_configured_decorator_counts_as_instrumentation(decorator: str, configured: str) -> None:
    imports = "from app.core import tracing\nfrom app.core.tracing import instrumented\n"
    source = f"{imports}\n\n{decorator}\ndef total() -> int:\n"
    assert _messages(source + BODY, decorators=[configured]) == []
    assert len(_messages(source + BODY)) == 1


INSTRUMENTED = [
    # f-strings, the standard's own layout.
    """
    def total(x: int) -> int:
        func_name = "total"
        logger.info(f"START | {func_name} | Params: x={x}")
        try:
            y = x + 1
            logger.info(f"FINISH | {func_name} | Status: Success")
            return y
        except Exception as e:
            logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)
            raise
    """,
    # %-style, plain FAIL without the mark, logger.exception, another logger name.
    """
    def total(x: int) -> int:
        log.info("START | total | x=%s", x)
        try:
            y = x + 1
        except ValueError:
            log.exception("FAIL | total")
            raise
        log.info("FINISH | %s", "total")
        return y
    """,
    # .format, concatenation, self.logger, an emoji before START.
    """
    class Billing:
        def total(self, x: int) -> int:
            self.logger.info("🚀 START | {} | x={}".format("Billing.total", x))
            try:
                y = x + 1
                self.logger.info("FINISH | " + "Billing.total")
                return y
            except Exception as e:
                self.logger.error(msg=f"FAIL | Billing.total | {e}", exc_info=e)
                raise
    """,
]


@pytest.mark.parametrize("source", INSTRUMENTED)
def test_instrumented_functions_are_not_reported(source: str) -> None:
    assert _messages(source) == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            'def total(x: int) -> int:\n    logger.info(f"START | total")\n    y = x + 1\n'
            '    logger.info(f"FINISH | total")\n    return y\n',
            "1:5 `total` does not log FAIL (§6.3)",
        ),
        (
            'def total(x: int) -> int:\n    logger.info("START | total")\n    y = x + 1\n    return y\n',
            "1:5 `total` does not log FINISH and FAIL (§6.3)",
        ),
        (
            "def total(x: int) -> int:\n    try:\n        y = x + 1\n        return y\n    except Exception:\n"
            '        logger.error("FAIL | total")\n        raise\n',
            # The missing `exc_info=True` is VL403's finding, not told twice.
            "1:5 `total` does not log START and FINISH (§6.3)",
        ),
        # A FAIL log outside an except handler is not the FAIL log.
        (
            'def total(x: int) -> int:\n    logger.info("START | total")\n    y = x + 1\n'
            '    logger.error("FAIL | total", exc_info=True)\n    logger.info("FINISH | total")\n    return y\n',
            "1:5 `total` does not log FAIL (§6.3)",
        ),
    ],
)
def test_a_partly_instrumented_function_is_told_what_is_missing_and_not_fixed(source: str, message: str) -> None:
    assert _messages(source) == [message]
    assert _fixed(source) == source


def test_a_fail_log_without_traceback_is_reported_once_by_vl403() -> None:
    source = (
        "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
        'def total(x: int) -> int:\n    logger.info("START | total")\n    try:\n        y = x + 1\n'
        '        logger.info("FINISH | total")\n        return y\n    except Exception:\n'
        '        logger.error("FAIL | total", exc_info=False)\n        raise\n'
    )
    found = lint(source, settings_for("VL402", "VL403"), SERVICE)
    assert [d.code for d in found if d.code in ("VL402", "VL403")] == ["VL403"]


def test_a_nested_functions_logs_are_not_the_functions_own() -> None:
    source = (
        "def total(x: int) -> int:\n    def helper() -> None:\n"
        '        logger.info("START | helper")\n        logger.info("FINISH | helper")\n    y = x\n    return y\n'
    )
    assert _messages(source) == ["1:5 `total` logs none of START, FINISH and FAIL (§6.3)"]


def test_the_rewrite_of_returns_in_loops_with_and_one_line_suites() -> None:
    source = HEAD + (
        "class Repo:\n"
        "    @staticmethod\n"
        "    def find(items: list[int], wanted: int) -> int | None:  # lookup\n"
        "        for index, item in enumerate(items):\n"
        "            if item == wanted: return index\n"
        "        else:\n"
        "            return None\n"
    )
    assert _fixed(source) == HEAD + (
        "class Repo:\n"
        "    @staticmethod\n"
        "    def find(items: list[int], wanted: int) -> int | None:  # lookup\n"
        '        func_name = "Repo.find"\n'
        "        start = time.perf_counter()\n"
        '        logger.info(f"START | {func_name} | Params: items={items}, wanted={wanted}")\n'
        "        try:\n"
        "            for index, item in enumerate(items):\n"
        "                if item == wanted:\n"
        "                    result: int | None = index\n"
        "                    elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
        '                    logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
        "                    return result\n"
        "            else:\n"
        "                elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
        '                logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
        "                return None\n"
        "        except Exception as e:\n"
        '            logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
        "            raise\n"
    )


def test_a_result_declared_with_any_gets_the_comment_vl103_asks_for() -> None:
    # `Any` needs a reason beside it (VL103): the declaration the fix writes carries one, whether
    # the return sits in a one-line suite or after other statements on its line.
    head = HEAD.replace("import time\n", "import time\nfrom typing import Any\n")
    source = head + (
        "def load(key: str, flag: bool) -> Any:  # plugins return their own types\n"
        "    value = key.strip()\n"
        "    if flag: return [value]\n"
        "    value = value.lower(); return {'value': value}\n"
    )
    fixed = _fixed(source)
    assert fixed == head + (
        "def load(key: str, flag: bool) -> Any:  # plugins return their own types\n"
        '    func_name = "load"\n'
        "    start = time.perf_counter()\n"
        '    logger.info(f"START | {func_name} | Params: key={key}, flag={flag}")\n'
        "    try:\n"
        "        value = key.strip()\n"
        "        if flag:\n"
        "            # the function's declared return type\n"
        "            result: Any = [value]\n"
        "            elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
        '            logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
        "            return result\n"
        "        value = value.lower()\n"
        "        result = {'value': value}\n"
        "        elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
        '        logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
        "        return result\n"
        "    except Exception as e:\n"
        '        logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
        "        raise\n"
    )
    # Nothing new: what was reported besides VL402 is all that is left.
    settings = settings_for("VL402", "VL103")
    assert _codes(fixed, settings) == [code for code in _codes(source, settings) if code != "VL402"]


def _codes(source: str, settings: Settings) -> list[str]:
    return sorted(d.code for d in lint(source, settings, SERVICE))


@pytest.mark.parametrize(
    ("imports", "returns", "options", "explained"),
    [
        ("from typing import Any", "dict[str, Any]", {}, False),
        ("from typing import Any", "dict[str, Any]", {"allow-json-dict": False}, True),
        ("from typing import Any", "list[Any] | None", {}, True),
        ("import typing as t", "t.Any", {}, True),
        ("from typing import Any", "'Any'", {}, True),
        # An `Any` of the project's own is not typing's, and VL103 does not ask about it.
        ("from app.types import Any", "Any", {}, False),
    ],
)
def test_the_comment_is_written_where_vl103_wants_one(
    imports: str, returns: str, options: dict[str, object], explained: bool
) -> None:
    source = HEAD.replace("import time\n", f"import time\n{imports}\n") + (
        f"def load(key: str) -> {returns}:\n    a = key\n    b = a\n    return b.split()\n"
    )
    settings = settings_for("VL402", "VL103", options={"VL103": options})
    outcome = fix(source, settings, "VL402", SERVICE)
    assert outcome.fixed == 1 and parses(outcome.text)
    assert ("        # the function's declared return type\n" in outcome.text) is explained
    assert f"        result: {returns} = b.split()\n" in outcome.text
    assert _codes(outcome.text, settings) == [code for code in _codes(source, settings) if code != "VL402"]
    assert fix(outcome.text, settings, "VL402", SERVICE).text == outcome.text


def test_the_block_avoids_the_functions_names_and_a_shadowed_time_module() -> None:
    source = (
        "from datetime import time\n\n\n"
        "def shift(time: time, start: int, e: int, result: int) -> int:\n"
        "    # keep this comment\n"
        "    func_name = start + e\n"
        "    value = func_name * result\n"
        "    return value + time.hour\n"
    )
    assert _fixed(source) == (
        "import logging\nimport time as time_module\nfrom datetime import time\n\n"
        "logger = logging.getLogger(__name__)\n\n\n"
        "def shift(time: time, start: int, e: int, result: int) -> int:\n"
        '    func_name_2 = "shift"\n'
        "    start_time = time_module.perf_counter()\n"
        '    logger.info(f"START | {func_name_2} | Params: time={time}, start={start}, e={e}, result={result}")\n'
        "    try:\n"
        "        # keep this comment\n"
        "        func_name = start + e\n"
        "        value = func_name * result\n"
        "        return_value: int = value + time.hour\n"
        "        elapsed = round((time_module.perf_counter() - start_time) * 1000, 2)\n"
        '        logger.info(f"FINISH | {func_name_2} | Status: Success | Duration: {elapsed}ms")\n'
        "        return return_value\n"
        "    except Exception as exc:\n"
        '        logger.error(f"❌ FAIL | {func_name_2} | Error: {str(exc)}", exc_info=True)\n'
        "        raise\n"
    )


def test_a_long_start_line_is_split_like_a_formatter_would() -> None:
    params = ", ".join(f"parameter_number_{i}: int" for i in range(6))
    source = HEAD + f"def wide({params}) -> None:\n    a = 1\n    b = 2\n    c = 3\n"
    fixed = _fixed(source)
    assert max(len(line) for line in fixed.splitlines() if not line.startswith("def ")) <= 120
    assert (
        "    logger.info(\n"
        '        f"START | {func_name} | Params: parameter_number_0={parameter_number_0}, "\n'
        '        f"parameter_number_1={parameter_number_1}, parameter_number_2={parameter_number_2}, "\n'
        '        f"parameter_number_3={parameter_number_3}, parameter_number_4={parameter_number_4}, "\n'
        '        f"parameter_number_5={parameter_number_5}"\n'
        "    )\n"
    ) in fixed


@pytest.mark.parametrize(
    "source",
    [
        # The function's own `logger` would hide the module's.
        HEAD + "def total(logger: object) -> int:\n" + BODY,
        # So would the `logger` of the function a route is set up in.
        HEAD
        + "def setup(router: APIRouter, logger: object) -> None:\n"
        + "    @router.get('/total')\n    def total() -> int:\n"
        + textwrap.indent(BODY, "    "),
        HEAD
        + "def setup(router: APIRouter) -> None:\n    logger = make()\n\n"
        + "    @router.get('/total')\n    def total() -> int:\n"
        + textwrap.indent(BODY, "    "),
        # It reads its own local variables.
        HEAD + "def total() -> dict[str, object]:\n    a = 1\n    b = 2\n    return locals()\n",
        HEAD + "def total(code: str) -> object:\n    a = 1\n    b = 2\n    return eval(code)\n",
        # Indenting the body one level would push a line past 120 columns.
        HEAD + "def total() -> str:\n    a = 1\n    b = 2\n    return '" + "x" * 104 + "'\n",
        # loguru's FAIL log would take `exc_info=True` for a format argument: an error's text with
        # a `{` in it would raise in the handler.
        "from loguru import logger\n\n\ndef total() -> int:\n" + BODY,
    ],
)
def test_no_fix_when_the_rewrite_cannot_be_exact(source: str) -> None:
    assert len(_messages(source)) == 1
    assert _fixed(source) == source


def test_a_one_line_body_and_an_async_method(tmp_path: Path) -> None:
    source = HEAD + (
        "class Client:\n"
        "    async def get(self, key: str, authorization: str) -> bytes: a = key; b = a; return b.encode()\n"
    )
    assert _fixed(source) == HEAD + (
        "class Client:\n"
        "    async def get(self, key: str, authorization: str) -> bytes:\n"
        '        func_name = "Client.get"\n'
        "        start = time.perf_counter()\n"
        '        logger.info(f"START | {func_name} | Params: key={key}, authorization=[MASKED]")\n'
        "        try:\n"
        "            a = key\n"
        "            b = a\n"
        "            result: bytes = b.encode()\n"
        "            elapsed = round((time.perf_counter() - start) * 1000, 2)\n"
        '            logger.info(f"FINISH | {func_name} | Status: Success | Duration: {elapsed}ms")\n'
        "            return result\n"
        "        except Exception as e:\n"
        '            logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
        "            raise\n"
    )


def test_a_file_not_in_utf8_gets_a_fail_mark_it_can_encode() -> None:
    source = "# -*- coding: latin-1 -*-\n" + HEAD + "def total() -> int:\n" + BODY
    assert '        logger.error(f"FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n' in _fixed(source)


def test_a_one_line_body_keeps_its_docstring_first() -> None:
    source = HEAD + 'def total(x: int) -> int: "Doc."; y = x; z = y; return z\n'
    assert _fixed(source).startswith(HEAD + 'def total(x: int) -> int:\n    "Doc."\n    func_name = "total"\n')


def test_a_parameter_named_like_a_builtin_does_not_block_the_fix() -> None:
    source = (
        HEAD
        + "def save(dir: str, vars: dict[str, str]) -> int:\n    a = len(dir)\n    b = len(vars)\n    return a + b\n"
    )
    assert 'Params: dir={dir}, vars={vars}")' in _fixed(source)


def _start(source: str, path: str = SERVICE) -> str:
    """The ``Params:`` text of the START log the fix writes (implicitly concatenated parts joined)."""
    module = cst.parse_module(_fixed(source, path))
    for call in iter_nodes(module, cst.Call):
        message = call.args[0].value if call.args else None
        parts = []
        while isinstance(message, cst.ConcatenatedString):
            parts.append(message.left)
            message = message.right
        parts.append(message)
        text = "".join(module.code_for_node(part)[2:-1] for part in parts if isinstance(part, cst.FormattedString))
        if text.startswith("START |"):
            return text.split("Params: ", 1)[1]
    raise AssertionError("no START log")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # By name, as words: counts and flags are not secrets.
        ("input_tokens: int, is_secret: bool", "input_tokens={input_tokens}, is_secret={is_secret}"),
        ("user_password: str, access_token: str", "user_password=[MASKED], access_token=[MASKED]"),
        ("apiKey: str, token_count: int", "apiKey=[MASKED], token_count={token_count}"),
        # By sibling.
        (
            "name: str, raw_value: bytes, is_sensitive: bool",
            "name={name}, raw_value=[MASKED], is_sensitive={is_sensitive}",
        ),
        # Objects: never a repr.
        ("x, *rest", "x=<{type(x).__name__}>, rest=[{len(rest)} items]"),
        ("ids: list[int], when: datetime.datetime | None", "ids={ids}, when={when}"),
        ("request: Request, rows: list[Row]", "request=<Request>, rows=[{len(rows)} items]"),
    ],
)
def test_start_shows_parameters_without_secrets_or_reprs(params: str, expected: str) -> None:
    source = (
        "import datetime\n\nfrom fastapi import Request\nfrom sqlalchemy import Row\n\n\n"
        f"def total({params}) -> int:\n" + BODY
    )
    assert _start(source) == expected


def test_start_shows_project_objects_by_type_and_id_fields() -> None:
    source = """\
        import enum
        from dataclasses import dataclass


        class Kind(str, enum.Enum):
            A = "a"


        @dataclass
        class Credentials:
            username: str
            password: str


        @dataclass
        class Job:
            owner_id: int
            tenant_id: int
            credentials: Credentials


        class Account(Base):
            __tablename__ = "accounts"
            id = Column(Integer, primary_key=True)
            secret_hash = Column(String)


        def run(job: Job, kind: Kind, account: Account, previous: Account | None, creds: Credentials) -> int:
            a = 1
            b = 2
            return a + b
        """
    assert _start(source) == (
        "job=Job(owner_id={job.owner_id}, tenant_id={job.tenant_id}), kind={kind}, "
        "account=Account(id={account.id}), previous=<Account>, creds=<Credentials>"
    )


def test_the_functions_own_func_name_and_timer_are_reused() -> None:
    source = """\
        import logging
        import time

        logger = logging.getLogger(__name__)


        def total(x: int) -> int:
            func_name = "billing.total"
            t0 = time.time()
            y = x + 1
            return y
        """
    fixed = _fixed(source)
    assert "func_name_2" not in fixed and "start =" not in fixed
    assert fixed.count('func_name = "billing.total"') == 1 and fixed.count("t0 = time.time()") == 1
    assert "elapsed = round((time.time() - t0) * 1000, 2)" in fixed
    assert fixed.index("t0 = time.time()") < fixed.index("START |") < fixed.index("try:")


def test_no_fix_when_a_reindented_line_would_pass_the_line_length() -> None:
    long_call = "    value = compute(" + "x" * 97 + ")"
    assert len(long_call) == 118  # fits now, 122 once inside `try:`
    source = f"def total(x: int) -> int:\n{long_call}\n    y = x + 1\n    return y\n"
    assert _messages(source) == ["1:5 `total` logs none of START, FINISH and FAIL (§6.3)"]
    assert _fixed(source) == source


@pytest.mark.parametrize(
    "source",
    [
        # A three-level decorator factory and a plain decorator: neither they nor their wrappers.
        """\
        def retry(times: int):
            attempts = times

            def decorator(func):
                @functools.wraps(func)
                def wrapper(*args, **kwargs):
                    a = attempts
                    b = func(*args, **kwargs)
                    return b

                return wrapper

            return decorator
        """,
        """\
        def traced(func):
            name = func.__name__

            async def inner(*args, **kwargs):
                a = name
                return await func(*args, **kwargs)

            return inner
        """,
    ],
)
def test_decorator_factories_and_their_wrappers_are_not_instrumented(source: str) -> None:
    assert _messages(source) == []


def test_a_function_that_always_raises_gets_no_finish() -> None:
    source = """\
        import logging

        logger = logging.getLogger(__name__)


        def refuse(reason: str) -> None:
            text = f"refused: {reason}"
            code = 403
            raise PermissionError(code, text)
        """
    # No FINISH, so no start time and no `import time`: nothing the fix adds is left unused.
    assert _fixed(source) == (
        "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
        "def refuse(reason: str) -> None:\n"
        '    func_name = "refuse"\n'
        '    logger.info(f"START | {func_name} | Params: reason={reason}")\n'
        "    try:\n"
        '        text = f"refused: {reason}"\n'
        "        code = 403\n"
        "        raise PermissionError(code, text)\n"
        "    except Exception as e:\n"
        '        logger.error(f"❌ FAIL | {func_name} | Error: {str(e)}", exc_info=True)\n'
        "        raise\n"
    )
    assert _messages(_fixed(source)) == []


def test_routes_nested_in_a_set_up_function_are_routes() -> None:
    source = """\
        def _register(app: FastAPI) -> None:
            @app.post("/items")
            async def create_item(name: str) -> int:
                a = 1
                b = 2
                return a + b

            def helper(name: str) -> int:
                a = 1
                b = 2
                return a + b

            app.state.ready = True
        """
    assert _messages(source, "app/api/routes.py") == ["3:15 `create_item` logs none of START, FINISH and FAIL (§6.3)"]


def test_logs_count_only_on_what_the_logger_judgement_calls_a_logger() -> None:
    source = """\
        import logging

        _LOGGER = logging.getLogger(__name__)


        def total(x: int) -> int:
            _LOGGER.info("START | total")
            catalog.info("FINISH | total")
            return x
        """
    # `_LOGGER` is a logger (bound to getLogger); `catalog` is not, so FINISH is missing.
    assert _messages(source) == ["6:5 `total` does not log FINISH and FAIL (§6.3)"]


# A method inside an `if` block (tab, then two-space indentation), in a file with a line near the
# limit: the rule's line-length test generates the rewrite, and the fix reuses that generation.
_NEAR_THE_LIMIT = (
    "import logging\nimport time\n\nlogger = logging.getLogger(__name__)\n\n"
    "if True:\n"
    "\tclass Billing:\n"
    "\t  def total(self, x: int) -> int:\n"
    "\t    a = x + 1\n"
    '\t    text = """a long\nmulti-line string"""\n'
    "\t    b = compute(a,\n"
    "\t                text)\n"
    "\t    return a + b\n"
    "\n\n"
    "VALUE = '" + "x" * 110 + "'\n"
)


@pytest.mark.parametrize(
    "source",
    [
        _NEAR_THE_LIMIT,
        # The re-indented body line would pass the limit: no fix, either way.
        _NEAR_THE_LIMIT.replace("\t    a = x + 1\n", "\t    a = compute(" + "x" * 105 + ")\n"),
    ],
)
def test_the_fix_generated_once_is_the_fix_generated_twice(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from vectra_lint.engine import libcst_private

    settings = settings_for("VL402")
    shared = [d.fix for d in lint(source, settings, SERVICE) if d.code == "VL402"]
    fixed = fix(source, settings, "VL402", SERVICE).text
    # Without a template the rule and the engine each generate the rewrite, as they used to.
    monkeypatch.setattr(libcst_private, "generate_template", lambda module, node: None)
    assert [d.fix for d in lint(source, settings, SERVICE) if d.code == "VL402"] == shared
    assert fix(source, settings, "VL402", SERVICE).text == fixed
    assert len(shared) == 1
    assert (shared[0] is not None) == (source == _NEAR_THE_LIMIT)


_LOGS = {
    "loguru": "from loguru import logger\n",
    "logging": 'import logging\n\nlogger = logging.getLogger("app")\n',
}
_JOB = "from dataclasses import dataclass\n\n\n@dataclass\nclass Job:\n    id: int\n    token: str\n"
_SERVICE = "from app.core.log import logger\nfrom app.models.job import Job\n\n\ndef total(job: Job) -> int:\n" + BODY


@pytest.mark.parametrize("paths", [["."], ["app/services/billing.py"]], ids=["whole project", "the one file"])
@pytest.mark.parametrize("log", ["loguru", "logging"])
def test_the_fix_waits_to_know_whether_a_logger_another_module_exports_is_logurus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log: str, paths: list[str]
) -> None:
    files = {"app/core/log.py": _LOGS[log], "app/models/job.py": _JOB, "app/services/billing.py": _SERVICE}
    # No route or worker here: the layers notice would go into the output read as JSON.
    root = write_project(tmp_path, files, "[tool.vectra-lint.layers]\nroutes = []\nworkers = []\n")
    result = invoke(root, monkeypatch, "--output-format", "json", "--select", "VL402", *paths)
    found = json.loads(result.output)
    assert [(d["path"], d["fix"] is None) for d in found] == [("app/services/billing.py", log == "loguru")]
    invoke(root, monkeypatch, "--select", "VL402", "--fix", "--unsafe-fixes", *paths)
    fixed = (root / "app/services/billing.py").read_text(encoding="utf-8")
    if log == "loguru":
        assert fixed == _SERVICE
        return
    # The START log waited for the project phase too: `Job` is shown by its id field.
    assert 'logger.info(f"START | {func_name} | Params: job=Job(id={job.id})")' in fixed
    assert parses(fixed)
    assert check(root, monkeypatch, "VL402", paths) == []


def test_an_object_too_wide_for_a_line_of_start_is_cut_between_its_fields() -> None:
    # letta's `job_update=JobUpdate(created_by_id=..., last_updated_by_id=...)` took 131 columns.
    source = HEAD + (
        "class JobUpdate(BaseModel):\n    created_by_id: str\n    last_updated_by_id: str\n\n\n"
        "class JobManager:\n"
        "    def update_job_by_id(self, job_id: str, job_update: JobUpdate) -> str:\n"
        "        a = job_id\n        b = job_update\n        return a + str(b)\n"
    )
    fixed = _fixed(source)
    assert max(len(line) for line in fixed.splitlines()) <= 120
    assert (
        "        logger.info(\n"
        '            f"START | {func_name} | Params: job_id={job_id}, "\n'
        '            f"job_update=JobUpdate(created_by_id={job_update.created_by_id}, "\n'
        '            f"last_updated_by_id={job_update.last_updated_by_id})"\n'
        "        )\n"
    ) in fixed
    assert _start(source) == (
        "job_id={job_id}, job_update=JobUpdate(created_by_id={job_update.created_by_id}, "
        "last_updated_by_id={job_update.last_updated_by_id})"
    )


def test_a_field_too_wide_for_a_line_of_start_is_cut_before_its_value() -> None:
    # prefect's `flow_run_notification_policy=FlowRunNotificationPolicyUpdate(block_document_id=...)`
    # has no `, ` to cut at: 153 columns.
    source = HEAD + (
        "class FlowRunNotificationPolicyUpdate(BaseModel):\n    block_document_id: str\n\n\n"
        "class Policies:\n"
        "    def update_flow_run_notification_policy(\n"
        "        self, flow_run_notification_policy: FlowRunNotificationPolicyUpdate\n"
        "    ) -> str:\n"
        "        a = flow_run_notification_policy\n        b = a\n        return str(b)\n"
    )
    fixed = _fixed(source)
    assert max(len(line) for line in fixed.splitlines()) <= 120
    assert (
        "        logger.info(\n"
        '            f"START | {func_name} | Params: "\n'
        '            "flow_run_notification_policy=FlowRunNotificationPolicyUpdate(block_document_id="\n'
        '            f"{flow_run_notification_policy.block_document_id})"\n'
        "        )\n"
    ) in fixed
    assert parses(fixed)
