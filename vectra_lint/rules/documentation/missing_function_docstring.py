"""VL603 missing-function-docstring."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.definitions import (
    DOCSTRING_SCOPE,
    EXEMPT_PATHS,
    OVERLOAD,
    OVERRIDE,
    DefinitionKind,
    Definitions,
    docstring,
    exempt_path,
    public_scope,
)
from vectra_lint.api import Expect, Invalid, Message, Rule, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name


@dataclass(frozen=True)
class FunctionDocstringMessage(Message):
    """The message with its named parts (``kind``, ``name``)."""

    kind: str
    name: str

    def __str__(self) -> str:
        """The text users see."""
        return f"{self.kind} `{self.name}` has no docstring (§12)"


class MissingFunctionDocstring(Rule):
    """
    ## What it does
    Flags a function or method whose body does not start with a docstring (a string literal; an
    f-string or a comment does not count). The report is at the function name.

    Never flagged: `@overload` signatures (the implementation carries the docstring), methods
    marked `@override`/`@typing.override` (the overridden method documents the contract), and
    property setters and deleters (`@name.setter`: Python shows the getter's docstring for the
    property). Test files are exempt through `exempt-paths`.

    ## Why is this bad?
    §12: all functions and methods must have docstrings explaining their purpose, arguments and
    return values. `docstring-scope = "public"` narrows that to the public API, as §9 words it.

    ## Notes
    With `docstring-scope = "public"` this rule reports what Ruff's D102 (method), D103
    (function), D105 (magic method) and D107 (`__init__`) report: a function is public when its
    name has no leading underscore (dunder methods are public), its module is public, it is in
    `__all__` when the module defines one, and every enclosing class is public; a function nested
    in a function is private. `@overload` and `@override` are recognised when imported from
    `typing` or `typing_extensions` at module level, as Ruff resolves them.
    """

    code = "VL603"
    name = "missing-function-docstring"
    message = "Function has no docstring (§12)"
    options = (DOCSTRING_SCOPE, EXEMPT_PATHS)
    valid = (
        Valid('def charge(amount: int) -> None:\n    """Charge the customer."""\n'),
        Valid(
            "from typing import overload\n\n\n"
            "@overload\ndef parse(raw: str) -> str: ...\n@overload\ndef parse(raw: bytes) -> bytes: ...\n"
            'def parse(raw: str | bytes) -> str | bytes:\n    """Parse."""\n    return raw\n'
        ),
        Valid(
            "import typing\n\n\nclass Child(Base):\n"
            '    """A child."""\n\n    @typing.override\n    def run(self) -> None:\n        pass\n'
        ),
        Valid(
            "class User:\n"
            '    """A user."""\n\n    @property\n    def name(self) -> str:\n        """The name."""\n'
            "        return self._name\n\n"
            "    @name.setter\n    def name(self, value: str) -> None:\n        self._name = value\n"
        ),
        Valid("def test_checkout() -> None:\n    assert True\n", path="tests/test_checkout.py"),
        Valid(
            'def _helper() -> None:\n    pass\n\n\ndef outer() -> None:\n    """Outer."""\n\n'
            "    def inner() -> None:\n        pass\n",
            options={"docstring-scope": "public"},
        ),
        Valid(
            'class _Private:\n    """Private."""\n\n    def method(self) -> None:\n        pass\n',
            options={"docstring-scope": "public"},
        ),
    )
    invalid = (
        Invalid(
            "def charge(amount: int) -> None:\n    pass\n",
            expected=(Expect(1, 5, "Function `charge` has no docstring (§12)"),),
        ),
        Invalid(
            'class Cart:\n    """A cart."""\n\n    def __init__(self) -> None:\n        self.items = []\n\n'
            "    def __len__(self) -> int:\n        return len(self.items)\n",
            expected=(
                Expect(4, 9, "Method `Cart.__init__` has no docstring (§12)"),
                Expect(7, 9, "Method `Cart.__len__` has no docstring (§12)"),
            ),
        ),
        Invalid(
            'def outer() -> None:\n    """Outer."""\n\n    def inner() -> None:\n        pass\n',
            expected=(Expect(4, 9, "Function `inner` has no docstring (§12)"),),
        ),
        Invalid(
            "def _helper() -> None:\n    # helps\n    pass\n",
            expected=(Expect(1, 5, "Function `_helper` has no docstring (§12)"),),
        ),
        Invalid(
            'async def fetch(url: str) -> bytes:\n    f"""Fetch {url}."""\n    return b""\n',
            expected=(Expect(1, 11, "Function `fetch` has no docstring (§12)"),),
        ),
        Invalid(
            'class Cart:\n    """A cart."""\n\n    def __init__(self) -> None:\n        self.items = []\n',
            options={"docstring-scope": "public"},
            expected=(Expect(4, 9, "Method `Cart.__init__` has no docstring (§12)"),),
        ),
    )

    analyses = (Definitions,)

    def __init__(self, context: FileContext) -> None:
        """Read the options once per file."""
        super().__init__(context)
        self._public_only = public_scope(self)
        self._exempt = exempt_path(self)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Report the function when it has no docstring and no exemption applies."""
        definition = self.context.analysis(Definitions).current
        if self._exempt or docstring(node.body) is not None:
            return
        if self._public_only and not definition.public:
            return
        if definition.decorated_with(OVERLOAD | OVERRIDE):
            return
        name = node.name.value
        if definition.kind is DefinitionKind.METHOD:
            for decorator in node.decorators:
                if dotted_name(decorator.decorator) in (f"{name}.setter", f"{name}.deleter"):
                    return
            assert definition.parent is not None
            message = FunctionDocstringMessage("Method", f"{definition.parent.name}.{name}")
        else:
            message = FunctionDocstringMessage("Function", name)
        self.report(node.name, message, anchor=node)
