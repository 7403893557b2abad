"""VL602 missing-class-docstring."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import (
    DOCSTRING_SCOPE,
    EXEMPT_PATHS,
    Definitions,
    docstring,
    exempt_path,
    public_scope,
)
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext


@dataclass(frozen=True)
class ClassDocstringMessage(Message):
    """The message with its named parts (``name``)."""

    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"Class `{self.name}` has no docstring (§12)"


class MissingClassDocstring(Rule):
    """
    ## What it does
    Flags a class whose body does not start with a docstring (a string literal; an f-string or a
    comment does not count). The report is at the class name.

    ## Why is this bad?
    §9 and §12: every class needs a docstring saying what it represents and how it is used.

    ## Notes
    With `docstring-scope = "public"` this rule reports what Ruff's D101 (class) and D106 (nested
    class) report: a class is public when its name has no leading underscore, its module is
    public, it is listed in `__all__` when the module defines one (read like Ruff: string
    literals of `__all__ = [...]`, `+=`, `+`; not `__all__.extend(...)`), and it is not nested
    in a function or in a private class.
    """

    code = "VL602"
    name = "missing-class-docstring"
    message = "Class has no docstring (§12)"
    options = (DOCSTRING_SCOPE, EXEMPT_PATHS)
    valid = (
        Valid('class PaymentService:\n    """Charges and refunds orders."""\n'),
        Valid("class Inline: '''One line.'''\n"),
        Valid("class TestCheckout:\n    pass\n", path="tests/test_checkout.py"),
        Valid("class _Cache:\n    pass\n", options={"docstring-scope": "public"}),
        Valid(
            '"""Module."""\n\n__all__ = ["Exported"]\n\n\nclass Exported:\n    """Doc."""\n\n\n'
            "class Helper:\n    pass\n",
            options={"docstring-scope": "public"},
        ),
        Valid(
            'def factory() -> type:\n    """Build."""\n\n    class Local:\n        pass\n\n    return Local\n',
            options={"docstring-scope": "public"},
        ),
    )
    invalid = (
        Invalid(
            "class PaymentService:\n    pass\n",
            expected=(Expect(1, 7, "Class `PaymentService` has no docstring (§12)"),),
        ),
        Invalid(
            "class Config:\n    # Settings for the app\n    debug = False\n",
            expected=(Expect(1, 7, "Class `Config` has no docstring (§12)"),),
        ),
        Invalid(
            'class Formatted:\n    f"""Not a docstring: {1}"""\n',
            expected=(Expect(1, 7, "Class `Formatted` has no docstring (§12)"),),
        ),
        Invalid(
            'class Outer:\n    """Doc."""\n\n    class Meta:\n        ordering = ["name"]\n',
            expected=(Expect(4, 11, "Class `Meta` has no docstring (§12)"),),
        ),
        Invalid("class _Cache:\n    pass\n", expected=(Expect(1, 7, "Class `_Cache` has no docstring (§12)"),)),
        Invalid(
            'def factory() -> type:\n    """Build."""\n\n    class Local:\n        pass\n\n    return Local\n',
            expected=(Expect(4, 11, "Class `Local` has no docstring (§12)"),),
        ),
    )

    analyses = (Definitions,)

    def __init__(self, context: FileContext) -> None:
        """Read the options once per file."""
        super().__init__(context)
        self._public_only = public_scope(self)
        self._exempt = exempt_path(self)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Report the class when it has no docstring."""
        definition = self.context.analysis(Definitions).current
        if self._exempt or docstring(node.body) is not None:
            return
        if self._public_only and not definition.public:
            return
        self.report(node.name, ClassDocstringMessage(node.name.value), anchor=node)
