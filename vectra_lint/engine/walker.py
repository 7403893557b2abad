"""One traversal of a libcst tree that calls every enabled rule's handlers.

libcst's own ``CSTNode.visit`` rebuilds every node it passes (``_visit_and_replace_children``)
and calls the visitor hooks for every node and attribute; on this project's benchmark that costs
about as much as the parse itself. Rules only read the tree, so this walker reads the dataclass
fields directly and dispatches through a table built once per set of rules: node types no rule
listens to cost one dict lookup, and of each entered node only the fields whose declared type can
lead to a handler are read, by a function generated per node type. Children are visited in source
order.

Unlike libcst, what a ``visit_`` handler returns is ignored: returning ``False`` does NOT skip the
node's children. Every rule and analysis shares this one walk, so one listener cannot prune the
tree for the others. A rule that wants to ignore a subtree keeps a depth counter or checks
``context.scope`` instead. The registry rejects handlers not annotated ``-> None``.
"""

from __future__ import annotations

import dataclasses
import enum
import textwrap
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import Any

import libcst as cst

from vectra_lint.engine import libcst_private
from vectra_lint.engine.timings import Timings

# Handlers take their own node type (visit_Call takes a Call); only Any accepts them all.
Handler = Callable[[Any], None]
NodeType = type[cst.CSTNode]

# What else libcst annotations name besides nodes (enums such as MaybeSentinel aside).
_PLAIN_VALUES = frozenset({str, bool, int, float, type(None)})
# The generic forms a node-holding annotation takes: Optional/Union of nodes, Sequence of nodes.
_CONTAINERS = frozenset({typing.Union, types.UnionType, Sequence, list, tuple})

_FIELDS: dict[NodeType, tuple[str, ...]] = {}


def _fields(node_type: NodeType) -> tuple[str, ...]:
    """The fields of ``node_type`` that may hold nodes, in source order (``libcst_private``)."""
    names = _FIELDS.get(node_type)
    if names is None:
        names = _FIELDS[node_type] = libcst_private.source_fields(node_type)
    return names


@cache
def _node_classes() -> tuple[type[cst.CSTNode], ...]:
    # From the MROs, as ``_concrete_subclasses``: each failed issubclass against CSTNode (an ABC)
    # walked all its subclasses, and this looks at everything libcst exports.
    return tuple(
        typing.cast("type[cst.CSTNode]", obj)
        for obj in vars(cst).values()
        if isinstance(obj, type) and cst.CSTNode in obj.__mro__ and dataclasses.is_dataclass(obj)
    )


Plan = dict[NodeType, list[tuple[int, str]]]


def _resolve(hint: object) -> tuple[set[NodeType], bool]:
    """The node classes a field annotation names, and whether every part of it was understood.

    libcst writes a few annotations as forward references (``Sequence["MatchCase"]``); they name
    its own classes.
    """
    if isinstance(hint, typing.ForwardRef):
        hint = getattr(cst, hint.__forward_arg__, None)
    if isinstance(hint, type):
        if issubclass(hint, cst.CSTNode):
            return {hint}, True
        return set(), hint in _PLAIN_VALUES or issubclass(hint, enum.Enum)
    if typing.get_origin(hint) is typing.Literal:
        return set(), True
    arguments = typing.get_args(hint)
    found: set[NodeType] = set()
    complete = typing.get_origin(hint) in _CONTAINERS and bool(arguments)
    for argument in arguments:
        classes, understood = _resolve(argument)
        found |= classes
        complete = complete and understood
    return found, complete


def _classes_in(hint: object) -> set[NodeType]:
    return _resolve(hint)[0]


@cache
def _concrete_subclasses(klass: NodeType) -> frozenset[NodeType]:
    # From the MROs: issubclass on these ABCs is slow (16,000 checks took most of the parent's
    # start before forking its workers). libcst registers no virtual subclasses
    # (tests/test_walker.py checks the two agree).
    return frozenset(node_type for node_type in _node_classes() if klass in node_type.__mro__)


# What a field holds, read from its annotation (see ``_shape``).
_NODE, _NODES, _VALUE, _ANY = "node", "nodes", "value", "any"


def _shape(hint: object) -> str:
    """``_NODE``: always one node; ``_NODES``: a sequence of nodes; ``_VALUE``: one node or a
    plain value (``None``, a sentinel, text); ``_ANY``: anything else, or not understood."""
    if isinstance(hint, typing.ForwardRef):
        hint = getattr(cst, hint.__forward_arg__, None)
    if isinstance(hint, type):
        return _NODE if issubclass(hint, cst.CSTNode) else _VALUE
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Literal:
        return _VALUE
    if origin in (Sequence, list, tuple) and arguments:
        return _NODES if all(_shape(argument) == _NODE for argument in arguments) else _ANY
    if origin in (typing.Union, types.UnionType):
        shapes = {_shape(argument) for argument in arguments}
        if shapes <= {_NODE}:
            return _NODE
        return _VALUE if shapes <= {_NODE, _VALUE} else _ANY
    return _ANY


@cache
def _field_types(node_type: NodeType) -> tuple[tuple[str, frozenset[NodeType] | None, str], ...]:
    """Each field of ``node_type`` the walk may read (source order), with the concrete node types
    its value can be or hold (``None`` when its annotation is not understood) and its shape."""
    hints = {item.name: item.type for item in dataclasses.fields(node_type)}
    kinds: list[tuple[str, frozenset[NodeType] | None, str]] = []
    for name in _fields(node_type):
        classes, complete = _resolve(hints[name])
        below = frozenset().union(*(_concrete_subclasses(klass) for klass in classes))
        kinds.append((name, below if complete else None, _shape(hints[name]) if complete else _ANY))
    return tuple(kinds)


@cache
def _bits() -> dict[NodeType, int]:
    """Each concrete node type's bit in the masks of ``_may_contain``."""
    return {node_type: 1 << position for position, node_type in enumerate(_node_classes())}


@cache
def _may_contain() -> dict[NodeType, int]:
    """For each concrete node type, the mask (``_bits``) of every concrete type that can occur
    anywhere below it.

    Read from libcst's field annotations (which its constructors validate). Masks rather than
    sets: the closure over sets cost every process that lints some 20 ms before its first file.
    """
    node_types = _node_classes()
    bits = _bits()
    position = {node_type: index for index, node_type in enumerate(node_types)}
    children: list[list[int]] = []
    closure: list[int] = []
    for node_type in node_types:
        below: set[NodeType] = set()
        for item in dataclasses.fields(node_type):
            for klass in _classes_in(item.type):
                below |= _concrete_subclasses(klass)
        children.append([position[child] for child in below])
        closure.append(sum(bits[child] for child in below))
    changed = True
    while changed:
        changed = False
        for index, direct in enumerate(children):
            grown = closure[index]
            for child in direct:
                grown |= closure[child]
            if grown != closure[index]:
                closure[index] = grown
                changed = True
    return dict(zip(node_types, closure, strict=True))


@cache
def _entered(handled: frozenset[NodeType]) -> frozenset[NodeType]:
    """The node types worth entering: handled ones and those that can contain a handled one.

    The rest (most of all: whitespace, commas, dots) are skipped with their subtrees; about
    half the nodes of a typical file are such leaves.
    """
    contains, bits = _may_contain(), _bits()
    wanted = sum(bits[node_type] for node_type in handled)
    return frozenset(t for t in _node_classes() if t in handled or contains[t] & wanted)


def types_leading_to(types: Iterable[NodeType]) -> frozenset[NodeType]:
    """The node types that are one of ``types`` or can hold one: a search of a subtree for
    ``types`` need enter no other (whitespace, commas, numbers...)."""
    return _entered(frozenset(types))


@cache
def _plan(listener_types: tuple[type[object], ...]) -> tuple[Plan, Plan]:
    """For each concrete node type, which listener (by position) handles it with which method.

    Computed once per combination of listener classes, from each class's own handlers (computed
    once per class): a file whose rules are not all applicable (``Rule.applies``) makes a new
    combination, which then costs a merge of a few hundred entries.
    """
    visit: Plan = {}
    leave: Plan = {}
    for position, listener_type in enumerate(listener_types):
        class_visit, class_leave = _class_plan(listener_type)
        for own, plan in ((class_visit, visit), (class_leave, leave)):
            for node_type, names in own.items():
                plan.setdefault(node_type, []).extend((position, name) for name in names)
    return visit, leave


_ClassPlan = dict[NodeType, tuple[str, ...]]


_CLASS_PLANS: dict[type[object], tuple[_ClassPlan, _ClassPlan]] = {}


def _class_plan(listener_type: type[object]) -> tuple[_ClassPlan, _ClassPlan]:
    """The node types one listener class handles, each with its visit (and leave) methods."""
    known = _CLASS_PLANS.get(listener_type)
    if known is not None:
        return known
    # A set of the listener's handler names: a failed hasattr raises and catches an error, and
    # there are thousands of them per class.
    handlers = _handler_names(listener_type)
    plans: tuple[_ClassPlan, _ClassPlan] = ({}, {})
    named = _types_named()
    for prefix, plan in zip(("visit_", "leave_"), plans, strict=True):
        # A handler may name a base class (visit_BaseCompoundStatement) to see all subtypes: only
        # the types its handlers name are looked at, not all of libcst's for each class.
        covered = {t for name in handlers if name.startswith(prefix) for t in named.get(name[len(prefix) :], ())}
        for node_type in _node_classes():
            if node_type in covered:
                plan[node_type] = tuple(prefix + base for base in _node_bases(node_type) if prefix + base in handlers)
    _CLASS_PLANS[listener_type] = plans
    return plans


@cache
def _types_named() -> dict[str, frozenset[NodeType]]:
    """For each name a handler may follow ``visit_``/``leave_`` with (a node class, abstract ones
    included), the concrete node types it names."""
    named: dict[str, set[NodeType]] = {}
    for node_type in _node_classes():
        for base in _node_bases(node_type):
            named.setdefault(base, set()).add(node_type)
    return {name: frozenset(types) for name, types in named.items()}


_HANDLER_NAMES: dict[type[object], frozenset[str]] = {}


def _handler_names(listener_type: type[object]) -> frozenset[str]:
    names = _HANDLER_NAMES.get(listener_type)
    if names is None:
        names = frozenset(name for name in dir(listener_type) if name.startswith(("visit_", "leave_")))
        _HANDLER_NAMES[listener_type] = names
    return names


@cache
def _node_bases(node_type: NodeType) -> tuple[str, ...]:
    """The names of ``node_type`` and its node base classes, nearest first."""
    return tuple(
        klass.__name__ for klass in node_type.__mro__ if isinstance(klass, type) and issubclass(klass, cst.CSTNode)
    )


def prepare() -> None:
    """Build the tables that depend only on libcst's node types now: a parent process calls this
    before forking, so that every worker inherits them instead of building them again."""
    _may_contain()
    _types_named()
    for node_type in _node_classes():
        _field_types(node_type)


def listener_name(listener: object) -> str:
    """How ``check --timings`` names a listener: a rule by its code and name, else its class."""
    code, name = getattr(listener, "code", None), getattr(listener, "name", None)
    if isinstance(code, str) and isinstance(name, str):
        return f"{code} {name}"
    return type(listener).__name__


@dataclasses.dataclass(frozen=True)
class _Layout:
    """A dispatch table without its listeners: what binding one file's listeners needs."""

    handlers: tuple[tuple[int, str], ...]
    """Each distinct (listener position, method name) once: bound once per file."""
    visit: tuple[tuple[NodeType, tuple[int, ...]], ...]
    """For each handled node type, its visit handlers as indexes into ``handlers``, in call order."""
    leave: tuple[tuple[NodeType, tuple[int, ...]], ...]
    entered: frozenset[NodeType]
    calls: tuple[tuple[int, ...], tuple[tuple[str, tuple[int, ...]], ...]] | None
    """When a ``visit_Call`` declares ``call_names``: the Call handlers of a call with any other
    callee, then those of a call to each declared name (both in call order)."""
    unvisited: dict[NodeType, _Step]
    """The walk's step of each entered node type without visit handlers (the same for every file)."""
    visited: tuple[tuple[NodeType, bool, _Children | None], ...]
    """Each entered node type with visit handlers: whether it has leave handlers, and what pushes
    its children (see ``_children``)."""


@cache
def _layout(listener_types: tuple[type[object], ...], trackers: int) -> _Layout:
    """The dispatch table of a combination of listener classes, computed once: each file brings
    new listener instances of the same classes, and only binding them is per file."""
    visit_plan, leave_plan = _plan(listener_types)
    if trackers:
        leave_plan = {
            node_type: sorted(entries, key=lambda entry: entry[0] < trackers)
            for node_type, entries in leave_plan.items()
        }
    # A handler named after a base class (visit_BaseExpression) serves many node types.
    index: dict[tuple[int, str], int] = {}

    def indexes(plan: Plan) -> tuple[tuple[NodeType, tuple[int, ...]], ...]:
        return tuple(
            (node_type, tuple(index.setdefault(entry, len(index)) for entry in entries))
            for node_type, entries in plan.items()
        )

    visit, leave = indexes(visit_plan), indexes(leave_plan)
    entered = _entered(frozenset(visit_plan) | frozenset(leave_plan))
    children = _children(entered)
    handled, left = frozenset(node_type for node_type, _ in visit), frozenset(node_type for node_type, _ in leave)
    unvisited: dict[NodeType, _Step] = {}
    visited: list[tuple[NodeType, bool, _Children | None]] = []
    for node_type in entered:
        if node_type in handled:
            visited.append((node_type, node_type in left, children[node_type]))
        else:
            unvisited[node_type] = (None, node_type in left, children[node_type])
    calls = _call_layout(listener_types, index, visit)
    return _Layout(tuple(index), visit, leave, entered, calls, unvisited, tuple(visited))


def _call_layout(
    listener_types: tuple[type[object], ...],
    index: dict[tuple[int, str], int],
    visit: tuple[tuple[NodeType, tuple[int, ...]], ...],
) -> tuple[tuple[int, ...], tuple[tuple[str, tuple[int, ...]], ...]] | None:
    """The Call handlers by callee name (see ``_Layout.calls``); ``None`` when none declares names."""
    wanted: dict[int, frozenset[str]] = {}
    for (position, name), handler in index.items():
        names = getattr(listener_types[position], "call_names", None)
        if name == "visit_Call" and names is not None:
            wanted[handler] = names
    handlers = dict(visit).get(cst.Call, ())
    if not wanted or not handlers:
        return None
    others = tuple(handler for handler in handlers if handler not in wanted)
    named = tuple(
        (callee, tuple(handler for handler in handlers if callee in wanted.get(handler, (callee,))))
        for callee in sorted(frozenset().union(*wanted.values()))
    )
    return others, named


class DispatchTable:
    """Maps each concrete node type to the bound handlers that listen to it (also via base classes)."""

    def __init__(self, listeners: Sequence[object], trackers: int = 0, timings: Timings | None = None) -> None:
        """Bind the planned handlers of ``listeners`` (in their order) for one walk.

        The first ``trackers`` listeners (scope, statements, shared analyses) see each node before
        the others and leave it after them, so that rules still see the scope they are leaving.
        With ``timings``, each handler's time is charged to its listener (``check --timings``).
        """
        layout = _layout(tuple(type(listener) for listener in listeners), trackers)
        # Any (here and below): each handler takes the node type its name says.
        bound: list[Callable[[Any], None]]
        if timings is None:
            bound = [getattr(listeners[position], name) for position, name in layout.handlers]
        else:
            bound = [
                timings.wrap(listener_name(listeners[position]), getattr(listeners[position], name))
                for position, name in layout.handlers
            ]
        visit = {node_type: [bound[i] for i in handlers] for node_type, handlers in layout.visit}
        self.leave = {node_type: [bound[i] for i in handlers] for node_type, handlers in layout.leave}
        self.entered = layout.entered
        if layout.calls is not None:
            others, named = layout.calls
            visit[cst.Call] = [_by_callee([bound[i] for i in others], {n: [bound[i] for i in h] for n, h in named})]
        # One lookup per node: its visit handlers, whether it has leave handlers, its getter. The
        # steps of the types nobody visits are the layout's (a copy); only the others are bound.
        self.steps: dict[NodeType, _Step] = dict(layout.unvisited)
        for node_type, leaves, getter in layout.visited:
            self.steps[node_type] = (visit[node_type], leaves, getter)


def callee_name(func: cst.BaseExpression) -> str | None:
    """The called name: ``f`` of ``f(...)``, ``m`` of ``x.m(...)``; ``None`` for other callees
    (what ``call_names`` is matched against)."""
    # Exact types (libcst never subclasses these): a failed isinstance against libcst's ABC-based
    # classes goes through ABCMeta, and this runs for every call.
    if type(func) is cst.Attribute:
        return func.attr.value
    return func.value if type(func) is cst.Name else None


def _by_callee(others: list[Handler], named: dict[str, list[Handler]]) -> Handler:
    """One visit handler for Call nodes that names the callee once and calls the handlers that
    want calls of that name (``call_names``) along with those that want every call."""

    def visit_call(node: cst.Call) -> None:
        name = callee_name(node.func)
        for handler in others if name is None else named.get(name, others):
            handler(node)

    return visit_call


_LEAVE = object()


@cache
def _concrete_node_types() -> frozenset[NodeType]:
    return frozenset(_node_classes())


# Pushes a node's children that may lead to a handler onto the walk's stack, last first.
_Children = Callable[[cst.CSTNode, Callable[[Any], None], Callable[[Iterable[Any]], None]], None]

# A node type's step in the walk: its visit handlers (None: none), whether it has leave handlers,
# and what pushes its children.
_Step = tuple[list[Handler] | None, bool, _Children | None]

# How each shape of field is pushed: a field whose every possible type is entered needs no check.
# Exact type membership instead of isinstance(CSTNode): CSTNode is an ABC, and its isinstance
# check was a third of the walk's cost. Types that cannot lead to a handler are not entered at all.
_PUSH = {
    (_NODE, True): "    push(node.{name})\n",
    (_NODES, True): "    value = node.{name}\n    if value:\n        extend(reversed(value))\n",
    (_NODE, False): "    value = node.{name}\n    if type(value) in entered:\n        push(value)\n",
    (_NODES, False): (
        "    for child in reversed(node.{name}):\n        if type(child) in entered:\n            push(child)\n"
    ),
    (_ANY, False): (
        "    value = node.{name}\n"
        "    if type(value) in entered:\n"
        "        push(value)\n"
        "    elif (type(value) is tuple or type(value) is list) and value:\n"
        "        for child in reversed(value):\n"
        "            if type(child) in entered:\n"
        "                push(child)\n"
    ),
}


@cache
def _children(entered: frozenset[NodeType]) -> dict[NodeType, _Children | None]:
    """For each entered node type, a function pushing the children that may lead to a handler;
    ``None`` when no field can hold one (nothing is read). Only fields whose declared type can be,
    or hold, an entered type are read; a field whose annotation is not understood is always read.

    Generated as code, one function per node type: the walk's per-field work (a type test per
    value, a sequence test, a loop) was most of its cost, and a field's shape is known beforehand.
    On libcst's public path for fields (``libcst_private.reads_children``), the compound
    statements' children are read from ``CSTNode.children``.
    """
    children: dict[NodeType, _Children | None] = {}
    for node_type in entered:
        if libcst_private.reads_children(node_type):
            children[node_type] = _public_children(entered)
            continue
        body = ""
        for name, below, shape in reversed(_field_types(node_type)):
            if below is not None and below.isdisjoint(entered):
                continue
            if shape == _VALUE:
                shape = _NODE
                below = None  # may hold None or a sentinel: checked
            complete = below is not None and shape != _ANY and below <= entered
            body += _PUSH[shape, complete].format(name=name)
        children[node_type] = _children_maker(body)(entered) if body else None
    return children


def _public_children(entered: frozenset[NodeType]) -> _Children:
    # Any: the walk's stack holds nodes and the leave marker (the signature of ``_Children``).
    def children(node: cst.CSTNode, push: Callable[[Any], None], extend: Callable[[Iterable[Any]], None]) -> None:
        for child in reversed(node.children):
            if type(child) in entered:
                push(child)

    return children


@cache
def _children_maker(body: str) -> Callable[[frozenset[NodeType]], _Children]:
    """Compiles ``body`` into a children function over a given entered set. Compiling is the costly
    part, and a node type's code is mostly the same for every set of rules: compiled once each."""
    inner = textwrap.indent(body, "    ")
    source = f"def make(entered):\n    def children(node, push, extend):\n{inner}    return children\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<walker children>", "exec"), namespace)
    maker: Callable[[frozenset[NodeType]], _Children] = namespace["make"]
    return maker


def walk(module: cst.Module, table: DispatchTable) -> None:
    """Visit ``module`` depth-first in source order, calling ``visit_X`` then children then ``leave_X``."""
    steps = table.steps
    if type(module) not in steps:
        return  # no handler can be reached from it
    leave_table = table.leave
    # Any: nodes, and the leave marker that follows a node whose leave handlers are due.
    stack: list[Any] = [module]
    pop = stack.pop
    push = stack.append
    extend = stack.extend
    while stack:
        node = pop()
        if node is _LEAVE:
            leaving = pop()
            for handler in leave_table[type(leaving)]:
                handler(leaving)
            continue
        handlers, leaves, children = steps[type(node)]
        if handlers is not None:
            for handler in handlers:
                handler(node)
        if leaves:
            push(node)
            push(_LEAVE)
        if children is not None:
            # Pushed last-field-first so that children pop in source order.
            children(node, push, extend)


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The direct children of ``node``, in source order."""
    if libcst_private.reads_children(type(node)):
        return list(node.children)
    concrete = _concrete_node_types()
    children: list[cst.CSTNode] = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        if type(value) in concrete:
            children.append(value)
        elif type(value) is tuple or type(value) is list:
            children.extend(child for child in value if type(child) in concrete)
    return children


# Any: callers pass the types they want and use those types' attributes without a cast.
def iter_nodes(root: cst.CSTNode, types: tuple[NodeType, ...] | NodeType | None = None) -> Iterator[Any]:
    """All nodes under ``root`` (itself included), in source order, optionally of given types.

    For rules that need to look into a subtree on demand (rarely: a whole walk is the costly part).
    """
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        if types is None or isinstance(node, types):
            yield node
        stack.extend(reversed(child_nodes(node)))
