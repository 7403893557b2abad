"""The registry refuses rules whose metadata contradicts itself, with a message naming the problem."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from tests.helpers import ROOT, settings_for
from vectra_lint import registry
from vectra_lint.analysis import module_summary
from vectra_lint.analysis.blocking_calls import BlockingCalls
from vectra_lint.config.loader import Overrides, analysis_options, load
from vectra_lint.config.settings import Settings
from vectra_lint.diagnostics import Applicability
from vectra_lint.engine.context import FileContext
from vectra_lint.rule import (
    Expect,
    FixAvailability,
    FixSpec,
    IntOption,
    Invalid,
    Replace,
    Rule,
    RuleContractError,
    Valid,
)

DOC = """
    ## What it does
    Flags `x`.

    ## Why is this bad?
    It is a test.
    """
FIXED = Invalid("x\n", fixed="y\n", expected=(Expect(1, 1),))
UNFIXED = Invalid("x\n", expected=(Expect(1, 1),))


def _rule(**attributes: object) -> type[Rule]:
    namespace: dict[str, object] = {
        "__doc__": DOC,
        "code": "VL999",
        "name": "test-rule",
        "message": "m",
        "valid": (Valid("y\n"),),
        "invalid": (UNFIXED,),
    }
    namespace.update(attributes)
    return type("TestRule", (Rule,), namespace)


SIZE = IntOption("size", 1, "Size.", minimum=1)
SAFE_ALWAYS = {"fix_availability": FixAvailability.ALWAYS, "fix_safety": Applicability.SAFE, "invalid": (FIXED,)}


@pytest.mark.parametrize(
    ("attributes", "error"),
    [
        ({"invalid": (Invalid("x\n", expected=()),)}, "every invalid example lists the diagnostics it expects"),
        ({"invalid": (FIXED,)}, "`fix_availability` is NEVER, yet a fix safety or a fixed example is given"),
        ({"fix_safety": Applicability.SAFE}, "`fix_availability` is NEVER, yet a fix safety"),
        ({**SAFE_ALWAYS, "invalid": (UNFIXED,)}, "a fixable rule needs an invalid example with its fixed code"),
        ({**SAFE_ALWAYS, "invalid": (FIXED, UNFIXED)}, "fixes are available ALWAYS but an invalid example has no fix"),
        ({**SAFE_ALWAYS, "fix_availability": FixAvailability.SOMETIMES}, "show a case without a fix"),
        ({**SAFE_ALWAYS, "fix_safety": None}, "need a '## Fix safety' section"),
        (
            {**SAFE_ALWAYS, "fix_safety": None, "__doc__": DOC + "\n    ## Fix safety\n    Varies.\n"},
            "a fixed example states its applicability exactly when the rule has no single `fix_safety`",
        ),
        (
            {
                **SAFE_ALWAYS,
                "invalid": (Invalid("x\n", "y\n", applicability=Applicability.SAFE, expected=(Expect(1, 1),)),),
            },
            "a fixed example states its applicability exactly when",
        ),
        ({"valid": (Valid("y\n", options={"size": 1}),)}, r"example uses undeclared options \['size'\]"),
        (
            {"options": (IntOption("size", "big", "Size."),)},
            r"the default of option 'size' is not of its kind \(integer\)",
        ),
        (
            {"options": (SIZE,), "valid": (Valid("y\n", options={"size": [1]}),)},
            r"example option 'size': expected an integer, got \[1\]",
        ),
    ],
)
def test_inconsistent_rules_are_refused(attributes: dict[str, object], error: str) -> None:
    with pytest.raises(registry.RegistryError, match=f"tests.TestRule: .*{error}"):
        registry.validate(_rule(**attributes), "tests")


def _handler(node: cst.CSTNode) -> None:
    pass


@pytest.mark.parametrize("name", ["visit_Cal", "leave_Call_func", "visit_"])
def test_a_handler_that_names_no_node_type_is_refused(name: str) -> None:
    with pytest.raises(registry.RegistryError, match=f"TestRule.{name} names no libcst node type"):
        registry.validate(_rule(**{name: _handler}), "tests")


@pytest.mark.parametrize("name", ["visit_Call", "leave_Call", "visit_BaseCompoundStatement"])
def test_a_handler_named_after_a_node_type_passes(name: str) -> None:
    registry.validate(_rule(**{name: _handler}), "tests")


def test_consistent_rules_pass() -> None:
    registry.validate(_rule(), "tests")
    registry.validate(_rule(**SAFE_ALWAYS), "tests")
    mixed = Invalid("x\n", "y\n", applicability=Applicability.UNSAFE, expected=(Expect(1, 1),))
    doc = DOC + "\n    ## Fix safety\n    Unsafe when x.\n"
    registry.validate(_rule(**{**SAFE_ALWAYS, "fix_safety": None, "invalid": (mixed,), "__doc__": doc}), "tests")


def _report(rule: type[Rule], fix: FixSpec) -> FixSpec | None:
    module = cst.parse_module("x\n")
    instance = rule(FileContext("app/example.py", "x\n", module, settings_for()))
    node = module.body[0]
    instance.report(node, fix=fix)
    return instance.reports[0].fix


def test_a_fix_gets_the_rule_s_safety_or_states_its_own() -> None:
    spec = FixSpec((Replace(cst.Name("x"), "y"),), "Replace")
    assert _report(_rule(**SAFE_ALWAYS), spec) == FixSpec(spec.edits, "Replace", Applicability.SAFE)
    unsafe = FixSpec(spec.edits, "Replace", Applicability.UNSAFE)
    assert _report(_rule(**{**SAFE_ALWAYS, "fix_safety": None}), unsafe) == unsafe
    with pytest.raises(RuleContractError, match="VL999: a fix states `applicability`"):
        _report(_rule(**SAFE_ALWAYS), unsafe)
    with pytest.raises(RuleContractError, match="VL999: fixes that differ in safety must each state"):
        _report(_rule(**{**SAFE_ALWAYS, "fix_safety": None}), spec)
    with pytest.raises(RuleContractError, match="VL999 declares `fix_availability = NEVER` but reported a fix"):
        _report(_rule(), spec)


def test_a_rule_reads_its_options_typed_and_only_those_it_declares() -> None:
    module = cst.parse_module("x\n")
    settings = Settings(root=ROOT, enabled=frozenset(), rule_options={"VL999": {"size": 3}})
    rule = _rule(options=(SIZE,))(FileContext("app/example.py", "x\n", module, settings))
    assert rule.option(SIZE) == 3
    assert _rule(options=(SIZE,))(FileContext("app/example.py", "x\n", module, settings_for())).option(SIZE) == 1
    with pytest.raises(RuleContractError, match="VL999 reads option 'size', which it does not declare"):
        _rule()(FileContext("app/example.py", "x\n", module, settings)).option(SIZE)


def test_an_analysis_reads_its_options_as_a_rule_offering_them_configures_them(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.vectra-lint.rules.error-code-case]\nerror-code-position = 0\n")
    settings = load(tmp_path / "pyproject.toml", Overrides(), tmp_path)
    module = cst.parse_module("x\n")
    context = FileContext("app/example.py", "x\n", module, settings)
    context.analyses[BlockingCalls] = BlockingCalls(context)
    assert module_summary.ModuleSummary(context).option(module_summary.CODE_POSITION) == 0
    assert module_summary.error_code_position(context) == 0  # VL305 reads the same setting
    with pytest.raises(RuleContractError, match="BlockingCalls reads option 'error-code-position', which it does"):
        BlockingCalls(context).option(module_summary.CODE_POSITION)


def test_ruff_leaves_out_what_an_enabled_rule_reports_already(tmp_path: Path) -> None:
    assert "E722" in load(None, Overrides(), tmp_path).ruff_ignored
    assert "E722" not in load(None, Overrides(ignore=("VL302",)), tmp_path).ruff_ignored


def test_an_analysis_declares_the_options_it_reads_and_a_rule_offers_them() -> None:
    rules = registry.rules_by_code()
    assert module_summary.CODE_POSITION in module_summary.ModuleSummary.options
    assert module_summary.CODE_POSITION in rules["VL304"].options


def test_an_analysis_option_has_a_name_of_its_own() -> None:
    # Settings.shared_option finds an analysis's option by its name in any rule's table: no
    # rule may have an option of its own by that name.
    shared = {option.name: option for rule in registry.all_rules() for option in analysis_options(rule)}
    for rule in registry.all_rules():
        for option in rule.options:
            assert shared.get(option.name, option) is option, (rule.code, option.name)


def test_a_fix_made_later_is_made_checked_and_only_by_a_rule_whose_fixes_are_unsafe() -> None:
    module = cst.parse_module("x\n")
    spec = FixSpec((Replace(cst.Name("x"), "y"),), "Replace")
    unsafe_rule = _rule(**{**SAFE_ALWAYS, "fix_safety": Applicability.UNSAFE})
    instance = unsafe_rule(FileContext("app/example.py", "x\n", module, settings_for()))
    made: list[int] = []

    def make() -> tuple[FixSpec | None, object]:
        made.append(1)
        return spec, None

    instance.report(module.body[0], fix_later=make)
    [report] = instance.reports
    assert report.fix is None and not made
    assert report.made().fix == FixSpec(spec.edits, "Replace", Applicability.UNSAFE) and made == [1]
    instance.report(module.body[0], fix_later=lambda: (spec, ["not frozen"]))
    with pytest.raises(RuleContractError, match="VL999: a pending payload is a frozen dataclass, not a list"):
        instance.reports[1].made()
    safe = _rule(**SAFE_ALWAYS)(FileContext("app/example.py", "x\n", module, settings_for()))
    with pytest.raises(RuleContractError, match="VL999: `fix_later` is for a rule whose fixes are all unsafe"):
        safe.report(module.body[0], fix_later=make)
