"""Which shared analyses a file's walk includes."""

from __future__ import annotations

from vectra_lint.analysis.blocking_calls import BlockingCalls
from vectra_lint.analysis.log_calls import LogCalls
from vectra_lint.analysis.loggers import Loggers
from vectra_lint.analysis.module_summary import ModuleSummary
from vectra_lint.engine.lint import _analyses_of, _walked_analyses
from vectra_lint.fixing.edit_helpers import AwaitablePositions
from vectra_lint.rules.async_.blocking_sleep import BlockingSleep
from vectra_lint.rules.errors.error_code_case import ErrorCodeCase
from vectra_lint.rules.logging.sensitive_data_logged import SensitiveDataLogged


def test_an_analysis_is_built_after_what_it_reads() -> None:
    assert _analyses_of((SensitiveDataLogged,)) == (Loggers, LogCalls, BlockingCalls, ModuleSummary)
    assert _analyses_of((ErrorCodeCase,)).index(BlockingCalls) < _analyses_of((ErrorCodeCase,)).index(ModuleSummary)


def test_an_analysis_only_a_rule_left_out_reads_is_not_walked() -> None:
    built = _analyses_of((BlockingSleep, SensitiveDataLogged, ErrorCodeCase))
    # BlockingSleep does not apply (no `async` in the file): nothing else reads AwaitablePositions.
    walked = _walked_analyses((SensitiveDataLogged,), built)
    assert AwaitablePositions not in walked
    # The summary's facts reach the project phase even when no rule that applies reads it, and
    # with it what it reads; LogCalls brings the Loggers that note its bindings.
    assert {ModuleSummary, BlockingCalls, LogCalls, Loggers} <= walked
    assert AwaitablePositions in _walked_analyses((BlockingSleep,), built)
