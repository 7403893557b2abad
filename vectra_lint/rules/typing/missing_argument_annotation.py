"""VL101 missing-argument-annotation."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import Definitions, implicit_first_parameter
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid


@dataclass(frozen=True)
class ParameterMessage(Message):
    """The message with its named parts (``name``)."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Parameter `{self.name}` has no type annotation (§1)"


class MissingArgumentAnnotation(Rule):
    """
    ## What it does
    Flags every parameter of a `def` without a type annotation: positional-only, regular and
    keyword-only parameters, `*args` and `**kwargs` (reported at the name, after the stars). The
    first parameter of a method (`self`, `cls`) is exempt unless the method is a
    `@staticmethod`. Lambdas, which cannot carry annotations, are not checked.

    ## Why is this bad?
    §1-2: type hints are mandatory for every function argument. An unannotated parameter is `Any`
    to the type checker, so every call site and every use in the body goes unchecked.

    ## Notes
    This rule reports what Ruff's ANN001, ANN002 and ANN003 report, with the same exemption for
    the implementation of an `@overload`-ed function (the overloads carry its types). One
    deliberate difference: Ruff skips the first parameter of a method whatever its kind, so in
    `def method(*, key)` it skips `key`; here only a positional first parameter counts as
    `self`/`cls`, and `key` is reported.
    """

    code = "VL101"
    name = "missing-argument-annotation"
    message = "Parameter has no type annotation (§1)"
    valid = (
        Valid("def area(width: float, height: float = 1.0) -> float:\n    return width * height\n"),
        Valid(
            "class Repository:\n"
            "    def get(self, key: str) -> str:\n        return key\n\n"
            "    @classmethod\n    def build(cls, *args: str, **kwargs: int) -> None:\n        pass\n"
        ),
        Valid("def positional(a: int, /, b: int, *, c: int) -> int:\n    return a + b + c\n"),
        Valid("handler = lambda event: event\n"),
        Valid(
            "from typing import overload\n\n\n"
            "@overload\ndef parse(raw: str) -> str: ...\n"
            "@overload\ndef parse(raw: bytes) -> bytes: ...\n"
            "def parse(raw):\n    return raw\n"
        ),
    )
    invalid = (
        Invalid(
            "def area(width, height: float) -> float:\n    return width * height\n",
            expected=(Expect(1, 10, "Parameter `width` has no type annotation (§1)"),),
        ),
        Invalid(
            "def call(*args, **kwargs) -> None:\n    pass\n",
            expected=(
                Expect(1, 11, "Parameter `*args` has no type annotation (§1)"),
                Expect(1, 19, "Parameter `**kwargs` has no type annotation (§1)"),
            ),
        ),
        Invalid(
            "class Converter:\n    @staticmethod\n    def convert(value) -> str:\n        return str(value)\n",
            expected=(Expect(3, 17, "Parameter `value` has no type annotation (§1)"),),
        ),
        Invalid(
            "class Service:\n    def run(self, job, *, retries) -> None:\n        pass\n",
            expected=(
                Expect(2, 19, "Parameter `job` has no type annotation (§1)"),
                Expect(2, 27, "Parameter `retries` has no type annotation (§1)"),
            ),
        ),
        Invalid(
            "def outer(a: int) -> None:\n    def inner(b) -> None:\n        pass\n",
            expected=(Expect(2, 15, "Parameter `b` has no type annotation (§1)"),),
        ),
        Invalid(
            "def only(a, /, b) -> None:\n    pass\n",
            expected=(
                Expect(1, 10, "Parameter `a` has no type annotation (§1)"),
                Expect(1, 16, "Parameter `b` has no type annotation (§1)"),
            ),
        ),
    )

    analyses = (Definitions,)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Report the parameters of ``node`` that have no annotation."""
        definition = self.context.analysis(Definitions).current
        if definition.overload_implementation:
            return
        params = node.params
        implicit = implicit_first_parameter(definition)
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is None and param is not implicit:
                self.report(param.name, ParameterMessage(param.name.value), anchor=node)
        for star, stars in ((params.star_arg, "*"), (params.star_kwarg, "**")):
            if isinstance(star, cst.Param) and star.annotation is None:
                self.report(star.name, ParameterMessage(f"{stars}{star.name.value}"), anchor=node)
