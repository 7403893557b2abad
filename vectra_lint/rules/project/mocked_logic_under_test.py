"""VL707 mocked-logic-under-test."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from vectra_lint.analysis.module_summary import string_value
from vectra_lint.analysis.project_index import ProjectIndex, Symbol, SymbolKind, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.api import Expect, Invalid, Message, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name

PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})
"""``patch`` itself, by qualified name (``from unittest import mock`` gives ``unittest.mock.patch``)."""
MOCKER_FIXTURES = frozenset({"mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"})
"""pytest-mock's fixtures: ``mocker.patch(...)``, ``mocker.patch.object(...)``."""
MONKEYPATCH = "monkeypatch"
TEST = "tests/services/test_pricing.py"
SUBJECT = "app/services/pricing.py"
SUBJECT_CODE = '''\
"""Pricing."""

import httpx

from app.core.rates import fetch_rates


def discount(total: float) -> float:
    """The discount on a total."""
    return total * 0.1


class PriceService:
    """Prices orders."""

    def total(self, amounts: list[float]) -> float:
        """The total of some amounts, less the discount."""
        gross = sum(amounts)
        return gross - discount(gross)
'''


def _test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


@dataclass(frozen=True)
class PatchedTarget(Candidate):
    """A patch in a test module: what it patches and what the test imports."""

    target: str
    """``pkg.mod.name`` of a string target; for ``patch.object(X, "name")`` the qualified name of ``X``."""
    attribute: str | None
    """The patched attribute of ``patch.object(X, "name")``; None for a string target."""
    imported: tuple[str, ...]
    """What the test module imports: ``pkg.mod`` and ``pkg.mod.Name`` of ``from pkg.mod import Name``."""


@dataclass(frozen=True)
class MockedLogicMessage(Message):
    """Names what is patched and the module under test that defines it."""

    patched: str
    module: str

    def __str__(self) -> str:
        """The text users see."""
        return (
            f"`{self.patched}` is defined in `{self.module}`, the module this test imports its subject from: "
            "patching it mocks the logic under test; patch what that module imports instead (§14)"
        )


class MockedLogicUnderTest(IndexRule[PatchedTarget]):
    """
    ## What it does
    Flags, in a test module (`test_*.py`, `*_test.py`), a `patch("pkg.mod.name")`,
    `patch.object(X, "name")`, `mocker.patch(...)`, `mocker.patch.object(...)` or
    `monkeypatch.setattr(...)` of a function, class or method that is *defined* in a module the
    test imports its subject from. Patching what that module *imports* (an HTTP client, the
    database session, a function of another module) is allowed: that is how a unit is isolated.

    ## Why is this bad?
    §14: "Do not mock the logic you are testing." A test that replaces the very function it
    claims to test passes whatever that function does; it checks the mock.

    ## Notes
    A cross-file check: what a module defines is read from the project index. When the module
    under test is not among the checked files (pre-commit passes only the changed test), nothing
    is reported. `X` of `patch.object(X, ...)` is followed to where it is defined (through a
    package's re-export). A patch of a module the test does not import from is left alone; when
    the test imports from a module of its own name (`test_pricing.py` and `pricing.py`), that
    module is its subject, and the other modules it imports from (configuration, fixtures) are not.
    """

    code = "VL707"
    name = "mocked-logic-under-test"
    message = "A patch replaces logic defined in the module under test (§14)"
    valid = (
        Valid(
            "from unittest.mock import patch\n\nfrom app.services.pricing import PriceService\n\n\n"
            'def test_total() -> None:\n    with patch("app.services.pricing.fetch_rates"):\n'
            "        assert PriceService().total([10.0]) == 9.0\n",
            path=TEST,
            files={SUBJECT: SUBJECT_CODE, "app/core/rates.py": "def fetch_rates() -> dict:\n    return {}\n"},
        ),
        Valid(
            "import pytest\n\nfrom app.services.pricing import PriceService\n\n\n"
            "def test_total(monkeypatch: pytest.MonkeyPatch) -> None:\n"
            '    monkeypatch.setattr("app.services.pricing.httpx", None)\n'
            "    assert PriceService().total([10.0]) == 9.0\n",
            path=TEST,
            files={SUBJECT: SUBJECT_CODE},
        ),
    )
    invalid = (
        Invalid(
            "from app.services.pricing import PriceService\n\n\n"
            "def test_total(mocker) -> None:\n"
            '    mocker.patch("app.services.pricing.discount", return_value=0)\n'
            "    assert PriceService().total([10.0]) == 10.0\n",
            path=TEST,
            files={SUBJECT: SUBJECT_CODE},
            expected=(Expect(5, 5, MockedLogicMessage("app.services.pricing.discount", "app/services/pricing.py")),),
        ),
        Invalid(
            "from unittest.mock import patch\n\nfrom app.services.pricing import PriceService\n\n\n"
            "def test_total() -> None:\n"
            '    with patch.object(PriceService, "total", return_value=1.0):\n'
            "        assert PriceService().total([10.0]) == 1.0\n",
            path=TEST,
            files={SUBJECT: SUBJECT_CODE},
            expected=(Expect(7, 10, MockedLogicMessage("PriceService.total", "app/services/pricing.py")),),
        ),
    )

    call_names = frozenset({"patch", "object", "setattr"})

    def __init__(self, context: FileContext) -> None:
        """Start collecting the test module's imports and patches."""
        super().__init__(context)
        self._imported: list[str] = []
        self._patches: list[tuple[cst.Call, cst.CSTNode | None, str, str | None]] = []

    def applies(self) -> bool:
        """Only test modules that patch something."""
        return _test_file(self.context.path) and (self.context.mentions("patch") or self.context.mentions(MONKEYPATCH))

    def visit_Import(self, node: cst.Import) -> None:
        """Record ``import pkg.mod`` (at any level: tests import inside functions too)."""
        for alias in node.names:
            name = dotted_name(alias.name)
            if name:
                self._imported.append(name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Record ``from pkg.mod import Name`` as ``pkg.mod`` and ``pkg.mod.Name``."""
        base = "." * len(node.relative) + ((dotted_name(node.module) or "") if node.module is not None else "")
        if base and not base.endswith("."):
            self._imported.append(base)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if name:
                self._imported.append(f"{base}.{name}" if base and not base.endswith(".") else f"{base}{name}")

    def _is_patch(self, node: cst.BaseExpression) -> bool:
        """``patch`` of unittest.mock, or ``mocker.patch`` of pytest-mock."""
        if type(node) is cst.Attribute and node.attr.value == "patch":
            if type(node.value) is cst.Name and node.value.value in MOCKER_FIXTURES:
                return True
        scope = self.context.scope
        qualified = scope.imported_name(node) if type(node) in (cst.Name, cst.Attribute) else None
        return qualified in PATCHERS

    def visit_Call(self, node: cst.Call) -> None:
        """Collect the patches of a string target or of an object's attribute."""
        func = node.func
        args = node.args
        if not args or args[0].keyword is not None or args[0].star:
            return
        if type(func) is cst.Attribute and type(func.value) is cst.Name and func.value.value == MONKEYPATCH:
            if func.attr.value != "setattr":
                return
            object_form = string_value(args[0].value) is None
        elif type(func) is cst.Attribute and func.attr.value == "object" and self._is_patch(func.value):
            object_form = True
        elif self._is_patch(func):
            object_form = False
        else:
            return
        if not object_form:
            target = string_value(args[0].value)
            if target is not None and "." in target:
                self._patches.append((node, self.context.current_statement, target, None))
            return
        if len(args) < 2 or args[1].keyword is not None:
            return
        attribute = string_value(args[1].value)
        owner = args[0].value
        qualified = self.context.scope.imported_name(owner) if type(owner) in (cst.Name, cst.Attribute) else None
        if attribute is not None and qualified is not None:
            self._patches.append((node, self.context.current_statement, qualified, attribute))

    def finish(self) -> None:
        """Judge each patch once the test module's imports are all known."""
        imported = tuple(dict.fromkeys(self._imported))
        for node, anchor, target, attribute in self._patches:
            self.judge(node, PatchedTarget(self.context.path, target, attribute, imported), anchor=anchor)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: PatchedTarget) -> Verdict:
        """Whether the patched name is defined in a module the test imports its subject from."""
        missing = Tri.DEFER if index.partial else Tri.UNKNOWN
        if candidate.attribute is not None:
            owner = index.resolve_import(candidate.path, candidate.target)
            if owner.kind is SymbolKind.MISSING:
                return Verdict(missing)
            if owner.kind is SymbolKind.CLASS:
                module, parts = owner.module, [owner.name, candidate.attribute]
            elif owner.kind is SymbolKind.MODULE:
                module, parts = owner.module, [candidate.attribute]
            else:
                return Verdict(Tri.NO)
        else:
            found = _module_prefix(index, candidate.path, candidate.target)
            if isinstance(found, Tri):
                return Verdict(found)
            module, parts = found
        if not _defines(index, module, parts):
            return Verdict(Tri.NO)
        subject = Tri.NO
        sources: set[str] = set()
        for name in candidate.imported:
            symbol = index.resolve_import(candidate.path, name)
            if symbol.kind is SymbolKind.MISSING:
                subject = max(subject, missing)
            elif symbol.kind is not SymbolKind.EXTERNAL and symbol.module in index.modules:
                sources.add(symbol.module)
        # `tests/test_pricing.py` tests `pricing.py`: when the test imports from a module of its
        # own name, that is the subject, and the config or fixtures it also imports are not.
        named = {source for source in sources if _stem(source) == _tested_name(candidate.path)}
        if module in (named or sources):
            subject = Tri.YES
        if subject is not Tri.YES:
            return Verdict(subject)
        return Verdict(
            Tri.YES, MockedLogicMessage(".".join(parts) if candidate.attribute else candidate.target, module)
        )


def _module_prefix(index: ProjectIndex, path: str, target: str) -> tuple[str, list[str]] | Tri:
    """The project module a dotted patch target names (its longest module prefix) and the rest."""
    parts = target.split(".")
    for end in range(len(parts) - 1, 0, -1):
        symbol: Symbol = index.resolve_import(path, ".".join(parts[:end]))
        if symbol.kind is SymbolKind.MODULE:
            return symbol.module, parts[end:]
        if symbol.kind is SymbolKind.MISSING:
            return Tri.DEFER if index.partial else Tri.UNKNOWN
        if symbol.kind is SymbolKind.EXTERNAL:
            return Tri.NO
    return Tri.NO


def _defines(index: ProjectIndex, module: str, parts: list[str]) -> bool:
    """Whether ``module`` itself defines the function, class or method ``parts`` (not imports it)."""
    facts = index.modules[module]
    if len(parts) == 1:
        return parts[0] in facts["classes"] or parts[0] in facts["functions"]
    return len(parts) == 2 and parts[0] in facts["classes"] and ".".join(parts) in facts["functions"]


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name[: -len(".py")] if name.endswith(".py") else name


def _tested_name(path: str) -> str:
    """``pricing`` of ``test_pricing.py`` and of ``pricing_test.py``."""
    stem = _stem(path)
    return stem[len("test_") :] if stem.startswith("test_") else stem[: -len("_test")]
