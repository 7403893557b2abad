"""The single shared walk: what handlers see, in which order, and what their return value means."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

import libcst as cst
import pytest

from tests.test_locating import MESSY
from tests.test_positions import TRICKY
from vectra_lint import registry
from vectra_lint.engine import libcst_private, scope, statements, walker
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


def test_the_source_order_table_lists_every_field_of_its_node_types() -> None:
    for node_type, order in libcst_private._SOURCE_ORDER.items():
        declared = {item.name for item in dataclasses.fields(node_type) if item.type not in libcst_private.NOT_NODES}
        assert set(order) == declared, node_type.__name__
        assert len(order) == len(set(order)), node_type.__name__


HEADERS = (
    "for x in y:\n    pass\nelse:\n    pass\nwhile a:\n    pass\ntry:\n    pass\nexcept* E as e:\n    pass\n"
    "finally:\n    pass\nasync def f[T]() -> None:\n    async with a as b, c:\n        pass\n"
    "    async for i in j:\n        pass\nclass C[T](B, metaclass=M):\n    pass\n@ dec\ndef g(): pass\n"
    "match x:\n    case [1, *r] if r:\n        pass\n    case P(a=1) | None:\n        pass\n"
)
# What the statement tracker counts lines by, and what rules keep running state on.
LINE_NODES = (
    cst.BaseStatement,
    cst.BaseSmallStatement,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Else,
    cst.Finally,
    cst.MatchCase,
    cst.IndentedBlock,
    cst.Decorator,
    cst.EmptyLine,
)


class _Everything:
    def __init__(self) -> None:
        self.seen: list[int] = []

    def visit_CSTNode(self, node: cst.CSTNode) -> None:
        if isinstance(node, LINE_NODES):
            self.seen.append(id(node))


class _LibcstOrder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.seen: list[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, LINE_NODES):
            self.seen.append(id(node))
        return True


@pytest.mark.parametrize("source", [MESSY, TRICKY, HEADERS], ids=["messy", "tricky", "headers"])
def test_statements_and_lines_are_walked_in_libcst_s_source_order(source: str) -> None:
    module = cst.parse_module(source)
    ours, libcst_order = _Everything(), _LibcstOrder()
    walk(module, DispatchTable([ours]))
    module.visit(libcst_order)
    assert len(ours.seen) > 20 and ours.seen == libcst_order.seen


def test_node_subclasses_read_from_the_mro_are_those_issubclass_finds() -> None:
    # walker._may_contain reads subclasses from MROs: right as long as libcst registers no
    # virtual subclass of its abstract node classes.
    concrete = walker._node_classes()
    declared = [k for k in vars(cst).values() if isinstance(k, type) and issubclass(k, cst.CSTNode)]
    for klass in declared:
        assert {c for c in concrete if issubclass(c, klass)} == {c for c in concrete if klass in c.__mro__}


def test_a_combination_s_plan_is_each_handler_found_through_the_node_s_mro() -> None:
    # Plans are merged from per-class plans; here they are computed the direct way, for the
    # combination of every rule and analysis and for the rules alone.
    rules = list(registry.rules_by_code().values())
    analyses = sorted({kind for rule in rules for kind in rule.analyses}, key=lambda kind: kind.__name__)
    for listener_types in (tuple([*analyses, *rules]), tuple(rules[::2])):
        expected: tuple[walker.Plan, walker.Plan] = ({}, {})
        for position, listener_type in enumerate(listener_types):
            for node_type in walker._node_classes():
                for klass in node_type.__mro__:
                    for prefix, plan in zip(("visit_", "leave_"), expected, strict=True):
                        if issubclass(klass, cst.CSTNode) and hasattr(listener_type, prefix + klass.__name__):
                            plan.setdefault(node_type, []).append((position, prefix + klass.__name__))
        assert walker._plan(listener_types) == expected


PRUNING = """\
import a.b as c  # one


@decorator(arg=lambda x: x + 1)
@other . attr
class K[T: int, *Ts, **P](Base, metaclass=M):
    def method[U](self, /, a: U = (yield_ := 1), *args: T, key=None, **kw) -> list[U]:
        def inner(x=[i for i in range(3) if i if (j := i)]):
            nonlocal a
            return {k: v for k, v in kw.items()}, {s for s in a}, (g for g in args)
        return f"{a!r:>{width}} {f'{inner()}'} {{}}" + r"raw" "implicit" + rb"bytes"


match command.split():
    case [Point(x=0, y=0) as p, *rest] if (n := len(rest)):
        print(p, n)
    case {"key": value, **others} | [1, 2.5, -3j]:
        pass
    case _:
        pass
type Alias[V] = dict[str, V]
x = (  # comment
    await_me
)[1:2, ::3]
"""


def _recorder(node_types: Sequence[type[cst.CSTNode]]) -> object:
    """A listener with a visit and a leave handler for each of ``node_types`` that records both."""
    seen: list[tuple[str, str, int]] = []

    def handler(kind: str) -> Callable[[object, cst.CSTNode], None]:
        def record(self: object, node: cst.CSTNode) -> None:
            seen.append((kind, type(node).__name__, id(node)))

        return record

    namespace: dict[str, object] = {"seen": seen}
    for node_type in node_types:
        namespace["visit_" + node_type.__name__] = handler("visit")
        namespace["leave_" + node_type.__name__] = handler("leave")
    return type("Recorder", (), namespace)()


def _every_field(node_type: type[cst.CSTNode], entered: frozenset[type[cst.CSTNode]]) -> walker._Children:
    """Pushes the entered children of a node read from every field, the way an unpruned walk would."""
    names = tuple(reversed(walker._fields(node_type)))

    def children(node: cst.CSTNode, push: Callable[[object], None], extend: Callable[[Iterable[object]], None]) -> None:
        for name in names:
            value = getattr(node, name)
            if type(value) in entered:
                push(value)
            elif isinstance(value, (tuple, list)):
                for child in reversed(value):
                    if type(child) in entered:
                        push(child)

    return children


def _linting_handled_types() -> list[type[cst.CSTNode]]:
    rules = list(registry.rules_by_code().values())
    listeners = [
        scope.ScopeTracker,
        statements.NoqaStatementTracker,
        *{k for rule in rules for k in rule.analyses},
        *rules,
    ]
    visit, leave = walker._plan(tuple(listeners))
    return sorted({*visit, *leave}, key=lambda node_type: node_type.__name__)


@pytest.mark.parametrize(
    "handled",
    [
        [cst.Name],
        [cst.Comment, cst.EmptyLine],
        [cst.TypeParam, cst.Decorator, cst.CompIf, cst.MatchAs, cst.NamedExpr, cst.Lambda],
        [cst.FormattedStringExpression, cst.Param, cst.Subscript, cst.Float, cst.Imaginary],
        _linting_handled_types(),
    ],
    ids=["names", "comments", "nested", "strings-params", "linting"],
)
@pytest.mark.parametrize("source", [PRUNING, MESSY, TRICKY, HEADERS], ids=["pruning", "messy", "tricky", "headers"])
def test_the_walk_reads_only_fields_that_can_lead_to_a_handler_and_sees_the_same(
    handled: list[type[cst.CSTNode]], source: str
) -> None:
    module = cst.parse_module(source)
    pruned, every = _recorder(handled), _recorder(handled)
    walk(module, DispatchTable([pruned]))
    table = DispatchTable([every])
    table.steps = {
        node_type: (visits, leaves, _every_field(node_type, table.entered))
        for node_type, (visits, leaves, _) in table.steps.items()
    }
    walk(module, table)
    assert pruned.seen == every.seen  # type: ignore[attr-defined]
    # Each handled type the source has is seen, visited then left.
    expected = {type(node).__name__ for node in walker.iter_nodes(module, tuple(handled))}
    assert {name for _, name, _ in pruned.seen} == expected  # type: ignore[attr-defined]


def test_a_node_type_s_children_are_read_only_from_fields_that_can_lead_to_a_handler() -> None:
    entered = walker._entered(frozenset({cst.Name}))
    children = walker._children(entered)
    # A Name's parentheses hold only whitespace: nothing is read below a Name.
    assert children[cst.Name] is None
    pushed: list[cst.Name] = []
    attribute = children[cst.Attribute]
    assert attribute is not None
    attribute(cst.parse_expression("a.b"), pushed.append, pushed.extend)
    # Last field first: the walk pops them in source order; the dot is not read.
    assert [name.value for name in pushed] == ["b", "a"]
    call = children[cst.Call]
    assert call is not None
    pushed.clear()
    call(cst.parse_expression("f(x, *y)"), pushed.append, pushed.extend)
    assert [type(node).__name__ for node in pushed] == ["Arg", "Arg", "Name"]
    # libcst declares some fields by forward reference: they are resolved, not read blindly.
    assert dict((name, below) for name, below, _ in walker._field_types(cst.Match))["cases"] == frozenset(
        {cst.MatchCase}
    )
    assert [shape for name, _, shape in walker._field_types(cst.CompFor) if name == "inner_for_in"] == ["value"]


class _CallsNamed:
    """Wants only calls of ``f``; records every call it is given, as source text."""

    call_names = frozenset({"f"})

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.seen: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.seen.append(self.module.code_for_node(node))


class _EveryCall(_CallsNamed):
    call_names = None  # type: ignore[assignment]


CALLS = "f()\nobj.f(1)\ng()\nobj.g()\nf()()\nx[0]()\n(lambda: 1)()\nf\nobj.f\nh(f(2))\n"


def test_a_visit_call_with_call_names_sees_only_calls_of_those_names() -> None:
    module = cst.parse_module(CALLS)
    named, every, also_named = _CallsNamed(module), _EveryCall(module), _CallsNamed(module)
    walk(module, DispatchTable([named, every, also_named]))
    # `f()()` calls what `f()` returns: only its inner call is a call of `f`.
    assert named.seen == ["f()", "obj.f(1)", "f()", "f(2)"]
    assert also_named.seen == named.seen
    assert every.seen == [
        "f()",
        "obj.f(1)",
        "g()",
        "obj.g()",
        "f()()",
        "f()",
        "x[0]()",
        "(lambda: 1)()",
        "h(f(2))",
        "f(2)",
    ]


def test_handlers_with_and_without_call_names_are_called_in_listener_order() -> None:
    order: list[str] = []

    class First(_CallsNamed):
        def visit_Call(self, node: cst.Call) -> None:
            order.append("first")

    class Second(_EveryCall):
        def visit_Call(self, node: cst.Call) -> None:
            order.append("second")

    class Third(_CallsNamed):
        call_names = frozenset({"f", "g"})

        def visit_Call(self, node: cst.Call) -> None:
            order.append("third")

    module = cst.parse_module("f()\ng()\nh()\n")
    walk(module, DispatchTable([First(module), Second(module), Third(module)]))
    assert order == ["first", "second", "third", "second", "third", "second"]


def test_the_registry_rejects_call_names_it_cannot_use() -> None:
    rule = _rule_with_handler("None")
    handler = vars(rule)["visit_Name"]

    def named(**attributes: object) -> type[Rule]:
        return type("Named", (rule,), {"__doc__": rule.__doc__, **attributes})

    registry.validate(named(call_names=frozenset({"f"}), visit_Call=handler), "tests")
    with pytest.raises(registry.RegistryError, match=r"Named.call_names filters a `visit_Call` it does not have"):
        registry.validate(named(call_names=frozenset({"f"})), "tests")
    with pytest.raises(registry.RegistryError, match=r"Named.call_names must be a frozenset of names"):
        registry.validate(named(call_names=("f",), visit_Call=handler), "tests")
