"""VL402's fix changes no behaviour: a module of real functions is fixed with the CLI, the original and
the fixed module are imported side by side, and every function is called with several inputs. The
results, the exceptions and the side effects must be the same; the fixed module must log START and
FINISH on success, an ERROR FAIL record with the traceback when an exception leaves the function,
and `[MASKED]` instead of secrets."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import logging
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from vectra_lint.cli import main

SUBJECTS = Path(__file__).with_name("instrumentation_subjects.py")
SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample_backend"
SECRETS = ("open sesame", "tok-123", "key-9")


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModuleType, ModuleType, str]:
    root = tmp_path_factory.mktemp("instrumented")
    (root / "pyproject.toml").write_text("[tool.vectra-lint]\n")
    target = root / "app" / "services" / "subjects.py"
    target.parent.mkdir(parents=True)
    shutil.copy(SUBJECTS, target)
    runner = CliRunner()
    args = ["check", str(target), "--fix", "--unsafe-fixes", "--select", "VL402"]
    first = runner.invoke(main, args, catch_exceptions=False)
    assert "Fixed 15 errors" in first.output, first.output
    fixed_text = target.read_text()
    again = runner.invoke(main, args, catch_exceptions=False)
    assert again.exit_code == 0 and "Fixed" not in again.output, again.output
    assert target.read_text() == fixed_text
    return _load(SUBJECTS, "vl402_original"), _load(target, "vl402_fixed"), fixed_text


def _outcome(module: ModuleType, call: Callable[[ModuleType], object]) -> tuple[object, list[str]]:
    module.EVENTS.clear()
    try:
        value = call(module)
        if inspect.iscoroutine(value):
            value = asyncio.run(value)
        if callable(value):  # a closure: what it does is its behaviour
            value = ("closure", value(), value())
        result: object = ("returned", value)
    except Exception as error:  # noqa: BLE001 -- any exception is an outcome to compare
        result = ("raised", type(error), error.args)
    return result, list(module.EVENTS)


def _account(call: Callable[[object], object]) -> Callable[[ModuleType], object]:
    def run(m: ModuleType) -> object:
        account = m.Account(100)
        value = call(account)
        if inspect.iscoroutine(value):
            value = asyncio.run(value)
        return value, account.balance

    return run


def _transfer(amount: int) -> Callable[[ModuleType], object]:
    def run(m: ModuleType) -> object:
        source, target = m.Account(50), m.Account(5)
        value = asyncio.run(source.transfer(target, amount))
        return value, source.balance, target.balance

    return run


def _recorded(fail: bool) -> Callable[[ModuleType], object]:
    def run(m: ModuleType) -> object:
        events: list[str] = []
        try:
            return m.record(events, fail), events
        except RuntimeError as error:
            return "raised", str(error), events

    return run


def _appended(*values: int) -> Callable[[ModuleType], object]:
    def run(m: ModuleType) -> object:
        target: list[int] = [0]
        return m.append_all(target, *values), target

    return run


# A function returning the closure it defines runs once per closure, not per call of it: like a
# decorator factory, it is not instrumented (RULES.md, VL402).
NOT_INSTRUMENTED = frozenset({"make_counter"})

# (function name, call, whether it raises out of the function)
CALLS: list[tuple[str, Callable[[ModuleType], object], bool]] = [
    ("find", lambda m: m.find([4, 5, 6], 5), False),
    ("find", lambda m: m.find([4, 5, 6], 9), False),
    ("find", lambda m: m.find([], 1), False),
    ("classify", lambda m: m.classify(-3), False),
    ("classify", lambda m: m.classify(0), False),
    ("classify", lambda m: m.classify(7), False),
    ("classify", lambda m: m.classify(700), False),
    ("divide", lambda m: m.divide(1, 3), False),
    ("divide", lambda m: m.divide(1, 0), True),
    ("parse", lambda m: m.parse("12"), False),
    ("parse", lambda m: m.parse("x"), False),
    ("parse", lambda m: m.parse("x", default=7), False),
    ("record", _recorded(False), False),
    ("record", _recorded(True), True),
    ("counted", lambda m: m.counted(5), False),
    ("counted", lambda m: m.counted(0), True),
    ("append_all", _appended(1, 2), False),
    ("append_all", _appended(), False),
    ("total", lambda m: m.total(1.0, 2.0, w1=3.0), False),
    ("total", lambda m: m.total(), False),
    ("greet", lambda m: m.greet("ada"), False),
    ("greet", lambda m: m.greet("bob", "hi", punctuation="?"), False),
    ("make_counter", lambda m: m.make_counter(3), False),
    ("at", lambda m: m.at(9, 30), False),
    ("at", lambda m: m.at(25), True),
    ("fetch", lambda m: m.fetch(3, "tok-123"), False),
    ("fetch", lambda m: m.fetch(-1, "tok-123"), True),
    ("Account.deposit", _account(lambda a: a.deposit(5, "open sesame")), False),
    ("Account.deposit", _account(lambda a: a.deposit(5, "guess")), True),
    ("Account.fee", lambda m: m.Account.fee(55), False),
    ("Account.fee", lambda m: m.Account(1).fee(55, free=True), False),
    (
        "Account.opened",
        lambda m: (m.Account.opened(7, "key-9").balance, type(m.Account.opened(1, "key-9")).__name__),
        False,
    ),
    ("Account.transfer", _transfer(20), False),
    ("Account.transfer", _transfer(80), True),
]


@pytest.mark.parametrize(("name", "call", "raises"), CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
def test_fixed_functions_behave_the_same_and_log_the_block(
    modules: tuple[ModuleType, ModuleType, str],
    caplog: pytest.LogCaptureFixture,
    name: str,
    call: Callable[[ModuleType], object],
    raises: bool,
) -> None:
    original, fixed, _ = modules
    expected = _outcome(original, call)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="vl402_fixed"):
        assert _outcome(fixed, call) == expected
    records = [r for r in caplog.records if r.name == "vl402_fixed" and f"| {name} |" in r.getMessage()]
    kinds = [(r.levelname, r.getMessage().split(" | ")[0]) for r in records]
    if name in NOT_INSTRUMENTED:
        assert kinds == []
    elif raises:
        assert kinds[0] == ("INFO", "START") and kinds[-1] == ("ERROR", "❌ FAIL")
        assert ("INFO", "FINISH") not in kinds
        failure = records[-1]
        assert failure.exc_info is not None and failure.exc_info[1] is not None
        assert failure.exc_info[2] is not None  # the traceback
    else:
        assert kinds[0] == ("INFO", "START") and kinds[-1] == ("INFO", "FINISH")
        assert ("ERROR", "❌ FAIL") not in kinds
        assert records[-1].getMessage().endswith("ms")
    for record in caplog.records:
        for secret in SECRETS:
            assert secret not in record.getMessage()


def test_secrets_are_masked_and_parameters_listed(
    modules: tuple[ModuleType, ModuleType, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, fixed, text = modules
    with caplog.at_level(logging.INFO, logger="vl402_fixed"):
        fixed.Account(1).deposit(5, "open sesame")
        asyncio.run(fixed.fetch(3, "tok-123"))
        fixed.Account.opened(2, "key-9")
        fixed.total(1.0, w0=2.0)
    starts = [r.getMessage() for r in caplog.records if r.getMessage().startswith("START")]
    assert starts == [
        "START | Account.deposit | Params: amount=5, password=[MASKED]",
        "START | fetch | Params: item_id=3, token=[MASKED]",
        "START | Account.opened | Params: balance=2, api_key=[MASKED]",
        "START | total | Params: values=(1.0,), weights=['w0']",
    ]
    # The docstring stays first; names the function uses are not reused by the block.
    assert '        """Add money; the password must match."""\n        func_name = "Account.deposit"\n' in text
    assert (
        'def greet(name: str, greeting: str = "hello", *, punctuation: str = "!") -> str:\n    func_name_2 = "greet"'
        in text
    )
    assert "import time as time_module\nfrom collections.abc import Callable, Iterator\n" in text
    assert max(len(line) for line in text.splitlines()) <= 120


def test_generators_and_small_functions_are_left_alone(modules: tuple[ModuleType, ModuleType, str]) -> None:
    _, _, text = modules
    assert "def tracked(name: str) -> Iterator[str]:\n    EVENTS.append" in text
    assert "    def __init__(self, balance: int) -> None:\n        self.balance = balance\n" in text


def test_the_fixed_sample_backend_services_pass_mypy(tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns(".vectra-lint-cache"))
    runner = CliRunner()
    result = runner.invoke(
        main, ["check", str(copy), "--fix", "--unsafe-fixes", "--select", "VL402"], catch_exceptions=False
    )
    assert "Fixed 2 errors" in result.output, result.output
    fixed = [
        copy / "app/services/document_service.py",
        copy / "app/api/v1/endpoints/documents.py",
    ]
    assert all("func_name = " in path.read_text() for path in fixed)
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "/dev/null",
            "--python-version",
            "3.11",
            "--ignore-missing-imports",
            "--allow-subclassing-any",
            "--follow-imports",
            "silent",
            "--no-error-summary",
            "app/services",
            "app/api",
            "app/workers",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
