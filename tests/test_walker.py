"""The single shared walk: what handlers see, in which order, and what their return value means."""

from __future__ import annotations

import libcst as cst
import pytest

from vectra_lint import registry
from vectra_lint.engine.walker import DispatchTable, walk
from vectra_lint.rule import Expect, Invalid, Rule, Valid


class _Recorder:
    """Records the names it sees; its ``visit_FunctionDef`` returns False as a libcst visitor would."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.seen.append(f"def {node.name.value}")
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)


def test_returning_false_from_visit_does_not_skip_the_children() -> None:
    recorder = _Recorder()
    walk(cst.parse_module("def f(a):\n    return b\n\nc = d\n"), DispatchTable([recorder]))
    assert recorder.seen == ["def f", "f", "a", "b", "c", "d"]


def _rule_with_handler(returns: str) -> type[Rule]:
    namespace: dict[str, object] = {}
    exec(f"def visit_Name(self, node) -> {returns}:\n    return None\n", {}, namespace)

    class Pruning(Rule):
        """
        ## What it does
        Nothing.

        ## Why is this bad?
        It is not.
        """

        code = "VL999"
        name = "pruning"
        message = "m"
        valid = (Valid("x = 1\n"),)
        invalid = (Invalid("x = 1\n", expected=(Expect(1, 1),)),)
        visit_Name = namespace["visit_Name"]

    return Pruning


def test_the_registry_rejects_handlers_that_return_something() -> None:
    registry.validate(_rule_with_handler("None"), "tests")
    with pytest.raises(registry.RegistryError, match=r"Pruning.visit_Name must be annotated `-> None`"):
        registry.validate(_rule_with_handler("bool"), "tests")
