"""VL404-VL406: secrets in logs, the correlation-id log format, and workers that set the context."""

from __future__ import annotations

import pytest

from tests.helpers import fix, lint, parses, settings_for
from vectra_lint.diagnostics import Applicability


def _found(code: str, source: str, path: str = "app/services/example.py", **options: object) -> list[str]:
    settings = settings_for(code, options={code: options})
    return [f"{d.line}:{d.column} {d.message}" for d in lint(source, settings, path) if d.code == code]


VL404_CASES = [
    ('logger.info(f"key={settings.GEMINI_API_KEY}")\n', "`GEMINI_API_KEY`"),
    ('logger.info("auth %s", request.headers["Authorization"])\n', "`Authorization`"),
    ('logger.warning("login {}".format(data.get("password")))\n', "`password`"),
    ('logger.info("done", extra={"token": value})\n', "`token`"),
    ('logger.info("done", extra={"user": user, "access_token": token_value})\n', "`access_token`"),
    ('log.error("refresh failed for %s", get_refresh_token())\n', "`get_refresh_token`"),
    ('print("secret:", client_secret)\n', "`client_secret`"),
    ('logger.exception(f"bad key {apiKey!r}")\n', "`apiKey`"),
]


@pytest.mark.parametrize(("source", "named"), VL404_CASES)
def test_vl404_reports_each_way_a_secret_reaches_a_log(source: str, named: str) -> None:
    assert _found("VL404", source) == [f"1:1 {named} is logged unmasked; replace it with `[MASKED]` or mask it (§6.4)"]


@pytest.mark.parametrize(
    "source",
    [
        'logger.info("login %s, password=[MASKED]", user)\n',
        'logger.info("done", extra={"token": "***"})\n',
        'logger.info("key %s", mask(settings.API_KEY))\n',
        'logger.info("key %s", redact_value(api_key))\n',
        'logger.info("prompt used %d tokens of %d", usage.prompt_tokens, max_tokens)\n',
        'logger.info("token length %d, set: %s", len(token), token is not None)\n',
        'logger.info("tokenizer %s, token ids %s", tokenizer.name, token_ids)\n',
        'logger.info("session expires %s", session_token.expires_at)\n',
        'logger.info(f"has key: {bool(api_key)}")\n',
        'metrics.info("token", token)\n',
        "def f(print):\n    print(password)\n",
    ],
)
def test_vl404_leaves_masked_and_harmless_values_alone(source: str) -> None:
    assert _found("VL404", source) == []


def test_vl404_resolves_loggers_by_import_and_binding() -> None:
    source = (
        "import logging as lg\n"
        "from logging import getLogger\n\n"
        'audit = getLogger("audit")\n'
        "lg.info('%s', password)\n"
        "audit.debug('%s', password)\n\n\n"
        "class Client:\n"
        "    def __init__(self) -> None:\n"
        "        self._events = lg.getLogger(__name__)\n\n"
        "    def call(self) -> None:\n"
        "        self._events.info('%s', self.api_key)\n"
        "        self.events_sink.info('%s', self.api_key)\n"
    )
    assert [line.split(" ")[0] for line in _found("VL404", source)] == ["5:1", "6:1", "14:9"]


def test_vl404_mask_functions_option() -> None:
    source = 'logger.info("%s", scrub(api_key))\n'
    assert len(_found("VL404", source)) == 1
    assert _found("VL404", source, **{"mask-functions": ["scrub"]}) == []


def test_vl404_kwargs_only_when_the_function_reads_a_secret_from_them() -> None:
    reads = 'def f(**options):\n    url = options["url"]\n    logger.info("call %s", options)\n'
    assert _found("VL404", reads) == []
    secret = 'def f(**options):\n    key = options.get("api_key")\n    logger.info("call %s", options)\n'
    message = "`**options` is logged unmasked; replace it with `[MASKED]` or mask it (§6.4)"
    assert _found("VL404", secret) == [f"3:5 {message}"]


VL405_FILTER = (
    "import logging\n\n\n"
    "class CorrelationFilter(logging.Filter):\n"
    "    def filter(self, record: logging.LogRecord) -> bool:\n"
    '        setattr(record, "correlation_id", current())\n'
    "        return True\n\n\n"
)


def test_vl405_fix_is_safe_when_the_module_puts_the_field_on_records() -> None:
    source = (
        VL405_FILTER + "handler.addFilter(CorrelationFilter())\n"
        'handler.setFormatter(logging.Formatter(fmt="%(levelname)s %(message)s"))\n'
    )
    settings = settings_for("VL405")
    (diagnostic,) = [d for d in lint(source, settings) if d.code == "VL405"]
    assert (diagnostic.line, diagnostic.column) == (11, 44)
    assert diagnostic.fix is not None and diagnostic.fix.applicability is Applicability.SAFE
    fixed = fix(source, settings, "VL405").text
    assert fixed.endswith('logging.Formatter(fmt="[%(correlation_id)s] %(levelname)s %(message)s"))\n')


def test_vl405_fix_is_unsafe_without_evidence_that_records_carry_the_field() -> None:
    source = 'import logging\n\nlogging.basicConfig(format=r"%(levelname)s: %(message)s")\n'
    settings = settings_for("VL405")
    (diagnostic,) = [d for d in lint(source, settings) if d.code == "VL405"]
    assert diagnostic.fix is not None and diagnostic.fix.applicability is Applicability.UNSAFE
    assert fix(source, settings, "VL405").text == (
        'import logging\n\nlogging.basicConfig(format=r"[%(correlation_id)s] %(levelname)s: %(message)s")\n'
    )


def test_vl405_brace_style_and_dict_config() -> None:
    source = (
        'import logging.config\n\nlogging.config.dictConfig({"formatters": {"f": {"format": "{message}", '
        '"style": "{"}}})\n'
    )
    assert _found("VL405", source) == ["3:59 Log format does not start with `[{correlation_id}]` (§6.1)"]
    assert '"format": "[{correlation_id}] {message}"' in fix(source, settings_for("VL405"), "VL405").text


def test_vl405_breaks_a_line_that_would_be_too_long() -> None:
    padding = "x" * 90
    source = f'import logging\n\nhandler.setFormatter(logging.Formatter("%(message)s {padding}"))\n'
    settings = settings_for("VL405")
    assert fix(source, settings, "VL405").text == (
        'import logging\n\nhandler.setFormatter(logging.Formatter("[%(correlation_id)s] "\n'
        + " " * 39
        + f'"%(message)s {padding}"))\n'
    )
    constant = f'import logging\n\nFORMAT = "%(message)s {padding}"\nlogging.Formatter(FORMAT)\n'
    (diagnostic,) = [d for d in lint(constant, settings) if d.code == "VL405"]
    assert (diagnostic.line, diagnostic.column, diagnostic.fix) == (3, 10, None)


def test_vl405_ignores_other_formatters_and_unresolved_names() -> None:
    source = (
        'from pythonjsonlogger.jsonlogger import JsonFormatter\n\nJsonFormatter("%(message)s")\n'
        'logging.Formatter("%(message)s")\n'
    )
    assert _found("VL405", source) == []


@pytest.mark.parametrize(
    "setter",
    [
        "request_ctx.set(correlation_id)",
        "structlog.contextvars.bind_contextvars(correlation_id=correlation_id)",
        "logging_context.bind_correlation_id(correlation_id)",
        "CORRELATION_ID.set(correlation_id or new_id())",
    ],
)
def test_vl406_accepts_each_way_of_setting_the_context(setter: str) -> None:
    source = (
        f"async def consume(message: bytes, correlation_id: str) -> None:\n    {setter}\n    await handle(message)\n"
    )
    assert _found("VL406", source, path="app/workers/consumer.py") == []


def test_vl406_reports_at_the_function_name_and_honours_noqa() -> None:
    source = (
        "class Consumer:\n"
        "    async def consume(self, correlation_id: str) -> None:\n"
        '        logger.info("consume %s", correlation_id)\n\n'
        "    def __init__(self, correlation_id: str) -> None:\n"
        "        self.correlation_id = correlation_id\n\n"
        "    def forward(self, correlation_id: str) -> None:  # noqa: VL406 -- only forwards the id\n"
        "        publish(correlation_id)\n"
    )
    assert _found("VL406", source) == [
        "2:15 `consume` takes `correlation_id` but never sets the correlation-id context (§6.1)"
    ]


def test_vl406_a_set_in_a_nested_function_counts_for_the_outer_one() -> None:
    source = (
        "def schedule(correlation_id: str) -> None:\n"
        "    def run() -> None:\n"
        "        correlation_id_var.set(correlation_id)\n"
        "        work()\n\n"
        "    submit(run)\n"
    )
    assert _found("VL406", source) == []


# One logger judgement (analysis/loggers.py) for every logging rule and fix.
def test_vl404_sees_loggers_by_binding_and_annotation_not_by_name() -> None:
    source = (
        "import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\n"
        "def login(password: str, audit_log: logging.Logger, catalog: Catalog) -> None:\n"
        '    _LOGGER.info("pw %s", password)\n'
        '    audit_log.warning("pw %s", password)\n'
        '    catalog.info("pw %s", password)\n'
    )
    assert [line.split(" ", 1)[0] for line in _found("VL404", source)] == ["7:5", "8:5"]


@pytest.mark.parametrize("code", ["VL401", "VL402"])
def test_fixes_log_with_the_modules_own_logger_whatever_its_name(code: str) -> None:
    source = (
        "import logging\nimport time\n\n_LOGGER = logging.getLogger(__name__)\n\n\n"
        "def total(x: int) -> int:\n    y = x + 1\n    print(y)\n    return y\n"
    )
    fixed = fix(source, settings_for(code), code, "app/services/billing.py").text
    assert fixed != source
    assert "_LOGGER.info(" in fixed and "logger =" not in fixed and fixed.count("getLogger") == 1


def test_vl404_value_beside_is_secret_and_counts_and_flags() -> None:
    source = (
        "def store(key: str, value: str, is_secret: bool, input_tokens: int) -> None:\n"
        '    logger.info(f"{key} {is_secret} {input_tokens} {len(value)}")\n'
        '    logger.info("%s=%s", key, value)\n'
    )
    assert _found("VL404", source) == ["3:5 `value` is logged unmasked; replace it with `[MASKED]` or mask it (§6.4)"]


@pytest.mark.parametrize(
    ("params", "fixed"),
    [
        ("user: User", False),
        ("request: Request", False),
        ("headers: dict[str, str]", True),
        ("kind: Kind", True),
        ("count: int | None", True),
        ("count", True),
    ],
)
def test_vl401_fixes_no_print_of_an_object_that_may_hold_a_secret(params: str, fixed: bool) -> None:
    # The same judgement as VL402's START: plain values are printed, objects are not logged whole.
    name = params.split(":")[0]
    source = (
        "import enum\n\nfrom fastapi import Request\n\n\nclass Kind(enum.Enum):\n    A = 1\n\n\n"
        f"class User:\n    password: str\n\n\ndef show({params}) -> None:\n    print({name})\n"
    )
    found = [d for d in lint(source, settings_for("VL401"), "app/services/x.py") if d.code == "VL401"]
    assert len(found) == 1 and (found[0].fix is not None) is fixed


def test_vl401_fix_keeps_the_layout_of_the_print() -> None:
    # httpx 0.28's __init__.py: the closing bracket stays on its own line.
    source = (
        "def usage(a: int, b: int) -> None:\n"
        "    print(\n"
        '        "The client could not run because the required "\n'
        '        "dependencies were not installed."\n'
        "    )\n"
        "    print(\n        a,\n        b,\n    )\n"
        '    print(\n        "a",\n        b,\n        "c",\n    )\n'
        '    print("x",\n          end="")\n'
        '    print(\n        "why",  # the first value\'s comment\n        b,\n    )\n'
    )
    outcome = fix(source, settings_for("VL401"), "VL401")
    expected_body = (
        "def usage(a: int, b: int) -> None:\n"
        "    logger.info(\n"
        '        "The client could not run because the required "\n'
        '        "dependencies were not installed."\n'
        "    )\n"
        '    logger.info(\n        "%s %s",\n        a,\n        b,\n    )\n'
        '    logger.info(\n        "a %s c",\n        b,\n    )\n'
        '    logger.info("x")\n'
        '    logger.info(\n        "%s %s",\n        "why",  # the first value\'s comment\n        b,\n    )\n'
    )
    assert outcome.text == "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n" + expected_body
    assert parses(outcome.text)
    assert fix(outcome.text, settings_for("VL401"), "VL401").text == outcome.text


@pytest.mark.parametrize(
    ("printed", "logged"),
    [
        ('"Saved", path', '"Saved %s", path'),
        ('"rate:", path, "100%"', '"rate: %s 100%%", path'),  # logging formats the message: % doubled
        ('"100%", "done"', '"100% done"'),  # no arguments: logging leaves the message as it is
        ('path, "a", sep=" | "', '"%s | a", path'),
        ('r"C:\\dir", path', '"C:\\\\dir %s", path'),
        ('"\\x1b[1m", path', '"\\u001b[1m %s", path'),
        ('b"raw", path', '"%s %s", b"raw", path'),  # bytes print as b'raw'
        ("'say \"hi\" to', path", "'say \"hi\" to %s', path"),  # the quotes that escape least
        ('f"{path}!", path', '"%s %s", f"{path}!", path'),
    ],
)
def test_vl401_fix_writes_printed_string_literals_into_the_message(printed: str, logged: str) -> None:
    head = "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef save(path: str) -> None:\n"
    outcome = fix(f"{head}    print({printed})\n", settings_for("VL401"), "VL401")
    assert outcome.text == f"{head}    logger.info({logged})\n"
    assert parses(outcome.text)


@pytest.mark.parametrize(
    "function",
    [
        'def save(logger: str) -> None:\n    print("saved", logger)\n',
        'def save(path: str) -> None:\n    print("saved", path)\n    logger = logging.getLogger("x")\n',
        "def save(paths: list[str]) -> None:\n    for logger in paths:\n        print(logger)\n",
        "def save(paths: list[str]) -> None:\n    def show() -> None:\n        print(paths)\n\n    logger = show\n",
    ],
    ids=["parameter", "local after the print", "loop variable", "enclosing function's"],
)
def test_vl401_no_fix_where_the_function_has_a_logger_of_its_own(function: str) -> None:
    # `logger.info` there would call the function's `logger`, not the module's.
    source = f"import logging\n\nlogger = logging.getLogger(__name__)\n\n\n{function}"
    found = [d for d in lint(source, settings_for("VL401")) if d.code == "VL401"]
    assert len(found) == 1 and found[0].fix is None


def test_vl401_fix_fills_a_loguru_message_with_braces() -> None:
    # loguru formats with `str.format`, and only when there are arguments.
    head = "from loguru import logger\n\n\ndef save(path: str) -> None:\n"
    source = f'{head}    print("saved {{x}}", path, "100%")\n    print("{{raw}}", "as is")\n'
    outcome = fix(source, settings_for("VL401"), "VL401")
    assert (
        outcome.text == f'{head}    logger.info("saved {{{{x}}}} {{}} 100%", path)\n    logger.info("{{raw}} as is")\n'
    )
    assert parses(outcome.text)


def test_vl401_fix_fills_braces_for_a_logger_bound_from_logurus() -> None:
    # `logger.bind(...)` returns loguru's logger, formatting as loguru's does.
    head = (
        'from loguru import logger as base\n\nlogger = base.bind(service="billing")\n\n\ndef save(path: str) -> None:\n'
    )
    outcome = fix(f'{head}    print("saved", path)\n', settings_for("VL401"), "VL401")
    assert outcome.text == f'{head}    logger.info("saved {{}}", path)\n'
    assert parses(outcome.text)
    assert fix(outcome.text, settings_for("VL401"), "VL401").text == outcome.text


def test_vl404_on_an_object_is_reported_after_the_walk_and_honours_a_noqa_on_the_statement() -> None:
    head = "class User:\n    id: int\n    hashed_password: str\n\n\ndef show(user: User) -> None:\n"
    source = head + '    logger.info(\n        "user %s",\n        user,\n    )\n'
    assert _found("VL404", source) == [
        "7:5 `user` is logged whole and its `User` holds `hashed_password`; log its id fields instead (§6.4)"
    ]
    settings = settings_for("VL404", "VL002")
    silenced = lint(source.replace("    )\n", "    )  # noqa: VL404\n"), settings, "app/services/example.py")
    assert [d.code for d in silenced if d.code in ("VL404", "VL002")] == []


def test_vl404_judges_each_functions_parameters_and_kwargs_on_their_own() -> None:
    # What a function's parameters and `**kwargs` hold is judged once per function: several log
    # calls in one function, and functions alike in shape, each get their own answer.
    source = (
        "def connect(**kwargs: str) -> None:\n"
        '    key = kwargs.pop("api_key")\n'
        '    logger.info(f"connect {kwargs}")\n'
        '    logger.info(f"again {kwargs}")\n'
        "\n\n"
        "def plain(**kwargs: str) -> None:\n"
        '    logger.info(f"plain {kwargs}")\n'
        "\n\n"
        "def save(key: str, value: str, is_secret: bool) -> None:\n"
        '    logger.info("Saving %s", key)\n'
        '    logger.info("Saving %s", value)\n'
        '    logger.info("Context %s", locals())\n'
        "\n\n"
        "def load(key: str, value: str) -> None:\n"
        '    logger.info("Loading %s=%s %s", key, value, locals())\n'
        'logger.info("module %s", value)\n'
    )
    assert [line.split(" is logged")[0] for line in _found("VL404", source)] == [
        "3:5 `**kwargs`",
        "4:5 `**kwargs`",
        "13:5 `value`",
        "14:5 `locals()`",
    ]
