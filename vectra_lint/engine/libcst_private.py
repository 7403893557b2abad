"""Every use of libcst's private internals, behind one door that is checked when it opens.

The engine is fast because it leans on parts of libcst that are not its public API:

- **parsing**: each node class gets a faster constructor (same parameters and fields, no
  validation of the parser's own output), and the native parser is called from a frame whose
  ``__import__`` does nothing (see ``_fast_parse``);
- **code generation**: a ``CodegenState`` subclass and ``CSTNode._codegen`` generate only what is
  needed: one statement, to locate the reported nodes in it (instead of ``PositionProvider``'s
  range for every node of the file); one replacement node at the indentation of the place it goes;
  the first line(s) of a statement, to see which comments explain an ``Any`` (VL103); and an
  expression's parentheses are generated without the generator-based context manager libcst
  enters for every expression (``_Parenthesized``);
- **fields**: the order in which libcst generates the fields of the compound statements (not
  their dataclass order), which the walk follows to visit children in source order.

No other module imports anything private from libcst. When this module is imported (once per
process; about 10 ms), each part is checked on a small sample against libcst's public API:
parsing against ``libcst.parse_module`` (same tree, same code), code generation against
``Module.code``, ``PositionProvider`` and ``WhitespaceInclusivePositionProvider``, fields against
``dataclasses.fields`` and ``CSTNode.children``. A part that disagrees (a libcst release changed
what it relies on) is replaced by its public path, slower but right, and stderr says so once.
``VECTRA_LINT_LIBCST=public`` in the environment takes the public path everywhere without
checking (CI runs the whole test suite so: ``.ci/run``).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

import libcst as cst
from libcst._nodes.base import CSTNode
from libcst._nodes.expression import _BaseParenthesizedNode
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, MetadataWrapper, PositionProvider, WhitespaceInclusivePositionProvider

from vectra_lint.engine.roundtrip import restore_except_spacing

PUBLIC_ENV = "VECTRA_LINT_LIBCST"
"""Set to ``public`` to take libcst's public API everywhere (no private part is used)."""
_NOTICE_ENV = "VECTRA_LINT_LIBCST_NOTICE_GIVEN"

Span = tuple[int, int, int, int, tuple[str, ...]]
"""A node's syntactic start and end, its whitespace-inclusive start and end (character offsets),
and the indentation in force where it starts."""


@dataclasses.dataclass
class Paths:
    """Which private fast paths are in use (False: the public path of that part)."""

    parsing: bool = True
    codegen: bool = True
    fields: bool = True


PRIVATE = Paths()


# ---------------------------------------------------------------------------------------------
# Parsing
#
# libcst's native parser builds the tree by importing the libcst module and calling each node
# class on it with keyword arguments, so a large part of a parse is spent in Python: in the import
# and in the ``__init__`` that ``dataclasses`` generated for the ~250 node classes. That
# ``__init__`` validates every node (``CSTNode.__post_init__`` calls ``_validate``), including
# every node of a tree the parser has just built from source it accepted, and sets each field of
# a frozen dataclass through ``object.__setattr__``. So each node class gets an equivalent
# ``__init__`` (same parameters, defaults and factories, the same fields set) that stores fields
# through the slot descriptors and skips validation while ``parse_module`` runs. Nodes built at
# any other time (rules building fixes) are validated as before; the engine builds none while it
# parses (it runs no threads). A few node types keep validation while parsing: their checks are
# grammar rules that libcst's parser leaves to validation (``u"a" b"c"`` parses, then fails
# validation), or might (argument and parameter order): invalid source keeps failing as it did.

_STILL_VALIDATED = frozenset({cst.ConcatenatedString, cst.Call, cst.Arg, cst.Parameters, cst.Param, cst.Lambda})

# One shared flag the generated constructors read: a list, so that they see it change.
_validating = [True]
# The constructors replaced, to put back when the check of parsing fails.
_ORIGINAL_INITS: dict[type[CSTNode], Callable[..., None]] = {}


def node_classes() -> list[type[CSTNode]]:
    """Every subclass of ``CSTNode``, abstract ones included."""
    found: list[type[CSTNode]] = []
    pending: list[type[CSTNode]] = list(CSTNode.__subclasses__())
    found.extend(pending)
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.append(subclass)
                pending.append(subclass)
    return found


def _constructor_source(node_class: type[CSTNode], original: Callable[..., None]) -> tuple[str, dict[str, Any]] | None:
    """The source of a faster ``__init__`` equivalent to ``original``, the one ``dataclasses``
    generated, and the names it reads; None where the class is not the plain frozen dataclass
    this is written for (then it keeps its own)."""
    params = getattr(node_class, "__dataclass_params__", None)
    if params is None or not params.frozen or node_class.__post_init__ is not CSTNode.__post_init__:
        return None
    # The generated __init__ takes exactly the fields, in order (no init-only variables).
    code = original.__code__
    fields = dataclasses.fields(node_class)
    if code.co_varnames[1 : code.co_argcount] != tuple(item.name for item in fields) or code.co_kwonlyargcount:
        return None
    names: dict[str, Any] = {"_validating": _validating, "_MISSING": dataclasses.MISSING}
    parameters: list[str] = []
    body: list[str] = []
    for index, item in enumerate(fields):
        if not item.init or item.kw_only:
            return None
        name = item.name
        if item.default is not dataclasses.MISSING:
            names[f"_default{index}"] = item.default
            parameters.append(f"{name}=_default{index}")
        elif item.default_factory is not dataclasses.MISSING:
            names[f"_factory{index}"] = item.default_factory
            parameters.append(f"{name}=_MISSING")
            body.append(f"if {name} is _MISSING: {name} = _factory{index}()")
        else:
            parameters.append(name)
        slot = vars(node_class).get(name) or next(
            (vars(base)[name] for base in node_class.__mro__ if name in vars(base)), None
        )
        if type(slot).__name__ == "member_descriptor":
            # The slot's own setter: a frozen dataclass's __setattr__ would refuse.
            names[f"_set{index}"] = slot.__set__  # type: ignore[union-attr]  # a member descriptor
            body.append(f"_set{index}(self, {name})")
        else:
            names["_object_setattr"] = object.__setattr__
            body.append(f"_object_setattr(self, {name!r}, {name})")
    body.append("self._validate()" if node_class in _STILL_VALIDATED else "if _validating[0]: self._validate()")
    return f"def __init__(self, {', '.join(parameters)}) -> None:\n    " + "\n    ".join(body), names


def _replaced_when_first_called(node_class: type[CSTNode]) -> Callable[..., None]:
    """A constructor that, when the class is first built, puts in its own place the faster
    equivalent of ``_constructor_source`` (or libcst's, where there is none). Compiling all ~340
    up front took half of this module's import, and writing their source a further twelfth; a run
    builds only some of the node types (operators and rare statements seldom)."""
    original = vars(node_class)["__init__"]

    @functools.wraps(original)  # its signature is the generated one's: the same parameters
    def first(self: CSTNode, *args: Any, **kwargs: Any) -> None:
        init = original
        made = _constructor_source(node_class, original)
        if made is not None:
            source, names = made
            namespace: dict[str, Any] = {}
            exec(source, names, namespace)  # noqa: S102  # generated from the class's own dataclass fields
            init = namespace["__init__"]
            init.__qualname__ = f"{node_class.__qualname__}.__init__"
            init.__module__ = node_class.__module__
        if vars(node_class).get("__init__") is first:  # not put back meanwhile (a failed check)
            node_class.__init__ = init  # type: ignore[method-assign]  # the equivalent constructor
        init(self, *args, **kwargs)

    return first


def _install_constructors() -> None:
    for node_class in node_classes():
        if "__init__" in vars(node_class) and hasattr(node_class, "__dataclass_params__"):
            _ORIGINAL_INITS[node_class] = vars(node_class)["__init__"]
            node_class.__init__ = _replaced_when_first_called(node_class)  # type: ignore[method-assign]  # see above


def _restore_constructors() -> None:
    for node_class, init in _ORIGINAL_INITS.items():
        node_class.__init__ = init  # type: ignore[method-assign]  # libcst's own, put back
    _ORIGINAL_INITS.clear()


# The native parser imports the libcst module anew for every node it builds (pyo3's
# ``PyModule::import``, that is ``PyImport_Import``), and most of that went to
# ``builtins.__import__`` finding libcst in ``sys.modules``. PyImport_Import calls the
# ``__import__`` of the calling frame's globals, then takes the module from ``sys.modules``
# whatever that call returned. So the parser is called from a frame whose builtins hold a
# do-nothing ``__import__`` (``"".format`` takes any arguments, in C): each import is then one
# lookup in ``sys.modules``. This works only for modules already imported: libcst is the only
# one the parser asks for (tests/test_parsing.py checks it), and if a later libcst asked for
# another, it would get a KeyError and the file is parsed again the usual way.
# (libcst.native is a compiled module without type information.)
_native: Any = importlib.import_module("libcst.native")
_NATIVE_FRAME: dict[str, Any] = {"__builtins__": {"__import__": "".format}, "_native_parse": _native.parse_module}
exec("def parse(source):\n    return _native_parse(source, 'utf-8')\n", _NATIVE_FRAME)  # noqa: S102  # see above
_native_parse: Callable[[str], cst.Module] = _NATIVE_FRAME["parse"]


def _fast_parse(text: str) -> cst.Module:
    _validating[0] = False
    try:
        try:
            return _native_parse(text)
        except KeyError:
            return cst.parse_module(text)
    finally:
        _validating[0] = True


def parse_module(text: str) -> cst.Module:
    """``libcst.parse_module``; on the private path, minus most of the per-node validation of the
    parser's own output (about four fifths of the cost). What libcst's parser drops of the text is
    put back (``roundtrip.py``)."""
    module = _fast_parse(text) if PRIVATE.parsing else cst.parse_module(text)
    return restore_except_spacing(text, module)


# ---------------------------------------------------------------------------------------------
# Code generation: locating nodes


class _Done(Exception):
    """Raised inside code generation once every wanted node is located."""


_BODIES = (cst.IndentedBlock, cst.SimpleStatementSuite)


class _LocatingState(CodegenState):
    """Code generation that tracks text offsets only at the nodes asked for, and stops as soon as
    the last of them has been generated."""

    # CodegenState is a slotted dataclass; these attributes live in the instance dict.
    def __init__(
        self,
        module: cst.Module,
        wanted: Iterable[cst.CSTNode],
        starts: Iterable[cst.CSTNode] = (),
        offset: int = 0,
        indent: tuple[str, ...] = (),
    ) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.indent_tokens.extend(indent)
        self.wanted: set[int] = {id(node) for node in wanted}
        # Nodes of which only the start is needed (a compound statement's first line, where its
        # body begins): found as soon as their generation begins, so the body is not generated.
        self.starts_only: set[int] = {id(node) for node in starts} - self.wanted
        self.wanted |= self.starts_only
        self.pending = len(self.wanted)
        self.offset = offset
        self.synced = 0
        self.outer_starts: dict[int, tuple[int, tuple[str, ...]]] = {}
        self.syntactic: dict[int, tuple[int, int]] = {}
        self.found: dict[int, Span] = {}
        self.stopping = False

    def now(self) -> int:
        tokens = self.tokens
        if self.synced < len(tokens):
            self.offset += sum(len(t) for t in tokens[self.synced :])
            self.synced = len(tokens)
        return self.offset

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted:
            self.outer_starts[key] = (self.now(), tuple(self.indent_tokens))
            if key in self.starts_only and type(node) in _BODIES:
                # A block has no syntactic position of its own; its start is where it begins.
                now = self.offset
                self.found_one(key, (now, now, now, now, tuple(self.indent_tokens)))

    def found_one(self, key: int, span: Span) -> None:
        self.found[key] = span
        self.pending -= 1
        if self.pending == 0:
            self.stopping = True
            raise _Done

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key not in self.wanted or key in self.found:
            return
        outer_start, indent = self.outer_starts[key]
        outer_end = self.now()
        start, end = self.syntactic.get(key, (outer_start, outer_end))
        self.found_one(key, (start, end, outer_start, outer_end, indent))

    # libcst only uses the result in a `with` statement; its annotation is narrower than that.
    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        # Called for most nodes: a shared do-nothing context object is much cheaper than the
        # generator-based context manager of the base class.
        key = id(node)
        if key not in self.wanted:
            return _NOTHING
        if key in self.starts_only:
            if key in self.found:
                return _NOTHING  # a block found where it began
            now = self.now()
            outer_start, indent = self.outer_starts[key]
            self.found_one(key, (now, now, outer_start, outer_start, indent))
            return _NOTHING
        # A node whose span is hoisted from a child needs that child located too.
        for child in (start_node, end_node):
            if child is not None and id(child) not in self.wanted:
                self.wanted.add(id(child))
                self.pending += 1
        return _Recording(self, node, start_node, end_node)


class _Nothing(AbstractContextManager[None]):
    def __exit__(self, *exc_info: object) -> None:
        return None


_NOTHING = _Nothing()


class _Recording(AbstractContextManager[None]):
    """Records a wanted node's syntactic span around its code generation."""

    def __init__(
        self, state: _LocatingState, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.now()

    def __exit__(self, *exc_info: object) -> None:
        state = self.state
        if state.stopping:
            return
        start = state.found[id(self.start_node)][0] if self.start_node is not None else self.start
        end = state.found[id(self.end_node)][1] if self.end_node is not None else state.now()
        state.syntactic[id(self.node)] = (start, end)


def _private_locate(
    module: cst.Module,
    root: cst.CSTNode,
    nodes: Iterable[cst.CSTNode],
    starts: Iterable[cst.CSTNode],
    offset: int,
    indent: tuple[str, ...],
) -> dict[int, Span]:
    state = _LocatingState(module, nodes, starts, offset, indent)
    if state.pending == 0:
        return {}
    try:
        root._codegen(state)
    except _Done:
        pass
    return state.found


def locate(
    module: cst.Module,
    root: cst.CSTNode,
    nodes: Iterable[cst.CSTNode],
    starts: Iterable[cst.CSTNode] = (),
    offset: int = 0,
    indent: tuple[str, ...] = (),
) -> dict[int, Span]:
    """The spans of ``nodes`` (keyed by ``id(node)``) that are in ``root`` (the module, or one of
    its statements, whose text begins at ``offset`` with the enclosing blocks' ``indent``). Of
    ``starts`` only the start is wanted: their ends are their starts."""
    if PRIVATE.codegen:
        return _private_locate(module, root, nodes, starts, offset, indent)
    spans = _public_spans(module)
    inside = None if root is module else {id(node) for node in _descendants(root)}
    # Public spans are offsets into ``module.code``, which is not always the text: libcst drops a
    # form feed that begins a top-level statement's line (``"\fx = 1"`` generates ``"x = 1"``).
    # So, as the private path does, measure from where ``root``'s generation begins, and place
    # that at ``offset``: a statement's offset is where its line starts in the text.
    shift = offset - spans[id(root)][2]
    found: dict[int, Span] = {}
    for node in nodes:
        span = spans.get(id(node))
        if span is not None and (inside is None or id(node) in inside):
            found[id(node)] = _shifted(span, shift)
    for node in starts:
        span = spans.get(id(node))
        if id(node) in found or span is None or (inside is not None and id(node) not in inside):
            continue
        start, _, outer_start, _, where = span
        if type(node) in _BODIES:
            start = outer_start
        found[id(node)] = _shifted((start, start, outer_start, outer_start, where), shift)
    return found


def _shifted(span: Span, shift: int) -> Span:
    if not shift:
        return span
    start, end, outer_start, outer_end, indent = span
    return (start + shift, end + shift, outer_start + shift, outer_end + shift, indent)


# One module's public positions at a time: the engine locates the nodes of one file, then the next.
_PUBLIC_SPANS: list[tuple[cst.Module, dict[int, Span], list[cst.CSTNode]]] = []


def _public_spans(module: cst.Module) -> dict[int, Span]:
    """Every node's span from ``PositionProvider`` and ``WhitespaceInclusivePositionProvider``,
    and its indentation from the ``indent`` of the blocks around it."""
    if _PUBLIC_SPANS and _PUBLIC_SPANS[0][0] is module:
        return _PUBLIC_SPANS[0][1]
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    syntactic = wrapper.resolve(PositionProvider)
    inclusive = wrapper.resolve(WhitespaceInclusivePositionProvider)
    code = module.code
    starts = [0, *(match.end() for match in re.finditer("\r\n|\r|\n", code))]

    def offset(position: CodePosition) -> int:
        # A file without a final line break ends one line earlier than its last node says.
        return starts[position.line - 1] + position.column if position.line <= len(starts) else len(code)

    visitor = _IndentVisitor(module.default_indent)
    module.visit(visitor)
    indents = visitor.indents
    spans: dict[int, Span] = {}
    for node, outer in inclusive.items():
        inner = syntactic.get(node, outer)
        spans[id(node)] = (
            offset(inner.start),
            offset(inner.end),
            offset(outer.start),
            offset(outer.end),
            indents.get(id(node), ()),
        )
    _PUBLIC_SPANS[:] = [(module, spans, visitor.nodes)]
    return spans


class _IndentVisitor(cst.CSTVisitor):
    """Every node in source order, with the indentation in force where it starts: an
    ``IndentedBlock`` indents all but its header, a ``Match`` its cases and footer (by their
    ``indent``, or the module's)."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default
        self.indent: tuple[str, ...] = ()
        self.indents: dict[int, tuple[str, ...]] = {}
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.indents[id(node)] = self.indent
        self.nodes.append(node)
        return True

    def _push(self, indent: str | None) -> None:
        self.indent = (*self.indent, self.default if indent is None else indent)

    def _pop(self) -> None:
        self.indent = self.indent[:-1]

    # The attribute hooks run even for an empty body or footer, in field order.
    def visit_IndentedBlock_body(self, node: cst.IndentedBlock) -> None:
        self._push(node.indent)

    def leave_IndentedBlock_footer(self, node: cst.IndentedBlock) -> None:
        self._pop()

    def visit_Match_cases(self, node: cst.Match) -> None:
        self._push(node.indent)

    def leave_Match_footer(self, node: cst.Match) -> None:
        self._pop()


def _descendants(root: cst.CSTNode) -> list[cst.CSTNode]:
    """``root`` and every node below it, in source order (one visit: cheaper than ``children``)."""
    visitor = _IndentVisitor("")
    root.visit(visitor)
    return visitor.nodes


class _Parenthesized:
    """What ``_BaseParenthesizedNode._parenthesize`` does (the node's opening parentheses, its
    syntactic position recorded around its own code, then its closing parentheses), as a plain
    context manager: libcst's is a ``@contextmanager`` generator, entered for every expression
    generated, and it cost a fifth of generating a statement."""

    __slots__ = ("inner", "node", "state")

    def __init__(self, node: _BaseParenthesizedNode, state: CodegenState) -> None:
        self.node, self.state = node, state
        self.inner: AbstractContextManager[None] = _NOTHING

    def __enter__(self) -> None:
        state = self.state
        for lpar in self.node.lpar:
            lpar._codegen(state)
        self.inner = state.record_syntactic_position(self.node)
        self.inner.__enter__()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> bool | None:
        # As the generator: an error ends it (no closing parentheses) unless the inner context suppresses it.
        suppressed = self.inner.__exit__(kind, value, traceback)
        if kind is None or suppressed:
            for rpar in self.node.rpar:
                rpar._codegen(self.state)
        return suppressed


_LIBCST_PARENTHESIZE = _BaseParenthesizedNode._parenthesize


def _parenthesize(self: _BaseParenthesizedNode, state: CodegenState) -> _Parenthesized:
    return _Parenthesized(self, state)


def _install_parenthesize(fast: bool) -> None:
    # Every code generation goes through it (``Module.code`` and libcst's position providers too).
    _BaseParenthesizedNode._parenthesize = _parenthesize if fast else _LIBCST_PARENTHESIZE  # type: ignore[assignment,method-assign]


# ---------------------------------------------------------------------------------------------
# Code generation: one new node


class _GeneratingState(CodegenState):
    """Plain code generation, minus the cost of libcst's positions hook: its
    ``record_syntactic_position`` is a generator-based context manager that records nothing here,
    entered for most nodes (a third of generating VL402's rewrite of a function)."""

    # libcst only uses the result in a `with` statement; its annotation is narrower than that.
    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        return _NOTHING


def generate(module: cst.Module, node: cst.CSTNode, indent: tuple[str, ...]) -> str:
    """The source of a new ``node`` written at a place with indentation ``indent``."""
    if PRIVATE.codegen:
        state = _GeneratingState(default_indent=module.default_indent, default_newline=module.default_newline)
        state.indent_tokens.extend(indent)
        node._codegen(state)
        return "".join(state.tokens)
    return _public_generate(module, node, indent)


# Stands for the indentation in force where a generated node will be written; Python source
# cannot hold a NUL character, so it cannot be mistaken for the node's own text.
INDENT_MARK = "\x00"


def generate_template(module: cst.Module, node: cst.CSTNode) -> str | None:
    """The source of a new ``node`` with ``INDENT_MARK`` wherever the indentation of its place
    is written: ``fill_template`` then gives what ``generate`` gives at any indentation, from one
    generation. None when the private code generation is not available."""
    if not PRIVATE.codegen:
        return None
    return generate(module, node, (INDENT_MARK,))


def fill_template(template: str, indent: tuple[str, ...]) -> str:
    """``generate(module, node, indent)`` from ``generate_template(module, node)``."""
    return template.replace(INDENT_MARK, "".join(indent))


def _public_generate(module: cst.Module, node: cst.CSTNode, indent: tuple[str, ...]) -> str:
    """``generate`` through ``Module.code``: the node is written as a statement (an expression as
    an expression statement) inside one ``if _:`` block per level of ``indent``, and the text of
    those blocks' headers cut off. A node of another kind (not a statement, not an expression)
    gets ``Module.code_for_node``, which is the same where it holds no line break."""
    statement: cst.SimpleStatementLine | cst.BaseCompoundStatement
    if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        statement = node
    elif isinstance(node, cst.BaseSmallStatement):
        statement = cst.SimpleStatementLine((node,))
    elif isinstance(node, cst.BaseExpression):
        statement = cst.SimpleStatementLine((cst.Expr(node),))
    else:
        return module.code_for_node(node)
    newline = module.default_newline
    prefix = "".join("".join(indent[:level]) + "if _:" + newline for level in range(len(indent)))
    for token in reversed(indent):
        statement = cst.If(test=cst.Name("_"), body=cst.IndentedBlock((statement,), indent=token))
    code = cst.Module((statement,), default_indent=module.default_indent, default_newline=newline).code[len(prefix) :]
    if not isinstance(node, cst.BaseStatement):
        code = code.removeprefix("".join(indent)).removesuffix(newline)
    return code


# ---------------------------------------------------------------------------------------------
# Code generation: a statement's first lines


class _Stop(Exception):
    """Raised by the header generation once the statement's first nested statement starts."""


class _HeaderState(_GeneratingState):
    """Generates one statement's text up to its first nested statement, noting where nodes start."""

    def __init__(self, module: cst.Module, root: cst.CSTNode, wanted: set[int]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.root = root
        self.wanted = wanted
        self.starts: dict[int, int] = {}
        """Token index at which each wanted node starts."""
        self.comments: list[tuple[int, cst.Comment]] = []

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node is not self.root and isinstance(node, cst.BaseStatement):
            raise _Stop
        if id(node) in self.wanted:
            self.starts[id(node)] = len(self.tokens)
        if isinstance(node, cst.Comment):
            self.comments.append((len(self.tokens), node))


def header_lines(
    module: cst.Module, statement: cst.CSTNode, wanted: Iterable[cst.CSTNode]
) -> tuple[dict[int, int], list[tuple[int, cst.Comment]]]:
    """The line on which each of ``wanted`` starts (keyed by ``id``), and the comments of
    ``statement`` before its first nested statement, each with its line. Lines are counted from
    any fixed origin: only their differences mean something."""
    keys = {id(node) for node in wanted}
    if PRIVATE.codegen:
        state = _HeaderState(module, statement, keys)
        try:
            statement._codegen(state)
        except _Stop:
            pass
        line_at: list[int] = []
        line = 0
        for token in state.tokens:
            line_at.append(line)
            line += token.count("\n")
        line_at.append(line)
        return {key: line_at[index] for key, index in state.starts.items()}, [
            (line_at[index], comment) for index, comment in state.comments
        ]
    spans = _public_spans(module)
    code = module.code
    starts: dict[int, int] = {}
    comments: list[tuple[int, cst.Comment]] = []
    stack = [statement]
    while stack:
        node = stack.pop()
        if node is not statement and isinstance(node, cst.BaseStatement):
            break  # the first nested statement, in source order
        if id(node) in keys:
            starts[id(node)] = code.count("\n", 0, spans[id(node)][2])
        if isinstance(node, cst.Comment):
            comments.append((code.count("\n", 0, spans[id(node)][2]), node))
        stack.extend(reversed(node.children))
    return starts, comments


# ---------------------------------------------------------------------------------------------
# Fields: the order in which libcst generates them

# Dataclass field order is not source order for these (each lists every field, in the order
# libcst generates them; the check below and tests/test_walker.py check none is missing); rules
# that keep running state (imports seen so far, the enclosing function) need source order.
_SOURCE_ORDER: dict[type[cst.CSTNode], tuple[str, ...]] = {
    # The engine counts lines as the walk passes them, to know where each statement starts, so
    # everything a compound statement writes before its body must be walked before the body.
    cst.Module: ("header", "body", "footer"),
    cst.IndentedBlock: ("header", "indent", "body", "footer"),
    cst.SimpleStatementLine: ("leading_lines", "body", "trailing_whitespace"),
    cst.If: ("leading_lines", "whitespace_before_test", "test", "whitespace_after_test", "body", "orelse"),
    cst.Else: ("leading_lines", "whitespace_before_colon", "body"),
    cst.For: (
        "leading_lines",
        "asynchronous",
        "whitespace_after_for",
        "target",
        "whitespace_before_in",
        "whitespace_after_in",
        "iter",
        "whitespace_before_colon",
        "body",
        "orelse",
    ),
    cst.While: ("leading_lines", "whitespace_after_while", "test", "whitespace_before_colon", "body", "orelse"),
    cst.Try: ("leading_lines", "whitespace_before_colon", "body", "handlers", "orelse", "finalbody"),
    cst.TryStar: ("leading_lines", "whitespace_before_colon", "body", "handlers", "orelse", "finalbody"),
    cst.ExceptHandler: ("leading_lines", "whitespace_after_except", "type", "name", "whitespace_before_colon", "body"),
    cst.ExceptStarHandler: (
        "leading_lines",
        "whitespace_after_except",
        "whitespace_after_star",
        "type",
        "name",
        "whitespace_before_colon",
        "body",
    ),
    cst.Finally: ("leading_lines", "whitespace_before_colon", "body"),
    cst.With: (
        "leading_lines",
        "asynchronous",
        "whitespace_after_with",
        "lpar",
        "items",
        "rpar",
        "whitespace_before_colon",
        "body",
    ),
    cst.Match: (
        "leading_lines",
        "whitespace_after_match",
        "subject",
        "whitespace_before_colon",
        "whitespace_after_colon",
        "indent",
        "cases",
        "footer",
    ),
    cst.MatchCase: (
        "leading_lines",
        "whitespace_after_case",
        "pattern",
        "whitespace_before_if",
        "whitespace_after_if",
        "guard",
        "whitespace_before_colon",
        "body",
    ),
    cst.Decorator: ("leading_lines", "whitespace_after_at", "decorator", "trailing_whitespace"),
    cst.FunctionDef: (
        "leading_lines",
        "decorators",
        "lines_after_decorators",
        "asynchronous",
        "whitespace_after_def",
        "name",
        "whitespace_after_name",
        "type_parameters",
        "whitespace_after_type_parameters",
        "whitespace_before_params",
        "params",
        "returns",
        "whitespace_before_colon",
        "body",
    ),
    cst.ClassDef: (
        "leading_lines",
        "decorators",
        "lines_after_decorators",
        "whitespace_after_class",
        "name",
        "whitespace_after_name",
        "type_parameters",
        "whitespace_after_type_parameters",
        "lpar",
        "bases",
        "keywords",
        "rpar",
        "whitespace_before_colon",
        "body",
    ),
}

# Fields declared as plain text or flags never hold nodes.
NOT_NODES = frozenset({"str", "bool", str, bool})


def source_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of ``node_type`` that may hold nodes: for the compound statements (and a few
    others) in the order libcst generates them, for the rest in their dataclass order."""
    declared = tuple(f.name for f in dataclasses.fields(node_type) if f.type not in NOT_NODES)
    ordered = _SOURCE_ORDER.get(node_type)
    if ordered is None:
        return declared
    ordered = tuple(n for n in ordered if n in declared)
    return ordered + tuple(n for n in declared if n not in ordered)


def reads_children(node_type: type[cst.CSTNode]) -> bool:
    """Whether the walk must read ``CSTNode.children`` (public, slower) to visit the children of
    ``node_type`` in source order: on the public path, for the types whose order is listed here."""
    return not PRIVATE.fields and node_type in _SOURCE_ORDER


# ---------------------------------------------------------------------------------------------
# The checks, once per process

# For parsing and fields: small, but with most statements whose fields have a source order of
# their own, comments, nested blocks, and a tab-indented one.
_SAMPLE = """\
@decorator(1)
async def f(a: int, *b, c=(1, 2), **d) -> "X":
    # leading
    if a and not b:
        x = [i for i in b if i]  # trailing
    else:
        y: dict[str, int] = {"k": -a}
    for i, j in d.items():
        continue
    try:
        await g(a, *b, k=1)
    except (ValueError, TypeError) as e:
        raise RuntimeError("x") from e
    finally:
        del a
    async with h() as (p, q), r:
        lambda v=1: v
    match c:
        case [1, *rest] if rest:
            return f"{a!r:>{b}}"
class C(B, metaclass=M):
\tdef m(self): return self.a[1:2, ::3]
"""


# Smaller, for the costlier check of code generation: blocks, a tab-indented one, comments, a
# match statement, an f-string.
_CODEGEN_SAMPLE = """\
@d
async def f(a, *b) -> "X":  # c
    if a:
        x = [(i) for i in ((b))]  # t
    else:
        await g(a, k=1)
    match a:
        case [1, *r] if r:
            return f"{a!r:>{b}}"
class C(B):
\tdef m(self): return self.a[1:2]
"""


def _check_parsing(sample: str, theirs: cst.Module) -> bool:
    ours = _fast_parse(sample)
    if not (ours.deep_equals(theirs) and ours.code == sample):
        return False
    try:
        cst.Name("not valid")  # nodes built outside a parse are still validated
    except cst.CSTValidationError:
        return True
    return False


def _check_codegen(module: cst.Module) -> bool:
    installed = _BaseParenthesizedNode._parenthesize
    try:
        # libcst's own parentheses for its public positions; ours for the rest, checked against them.
        _install_parenthesize(False)
        public = _public_spans(module)
        _install_parenthesize(True)
        return module.code == _CODEGEN_SAMPLE and _check_private_codegen(module, public)
    finally:
        _BaseParenthesizedNode._parenthesize = installed  # type: ignore[method-assign]  # as it was


def _check_private_codegen(module: cst.Module, public: dict[int, Span]) -> bool:
    nodes = _PUBLIC_SPANS[0][2]  # in source order, each before the nodes below it
    spans = _private_locate(module, module, nodes, (), 0, ())
    # (libcst 1.1's visitors miss a node its code generation has: MatchCase.whitespace_before_colon.)
    if spans != {id(node): public[id(node)] for node in nodes}:
        return False
    # One statement on its own, from where it starts, as the engine locates reported nodes.
    function, after = module.body[0], module.body[1]
    inner = nodes[nodes.index(function) : nodes.index(after)]
    offset, indent = spans[id(function)][2], spans[id(function)][4]
    if _private_locate(module, function, inner, (), offset, indent) != {id(node): spans[id(node)] for node in inner}:
        return False
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    if "".join(state.tokens) != module.code:
        return False
    # A statement, an expression and a tab-indented method written at their place, as fixes are.
    samples = [next(n for n in inner if isinstance(n, cst.If)), next(n for n in inner if isinstance(n, cst.Await))]
    samples.append(next(n for n in nodes[nodes.index(after) :] if isinstance(n, cst.FunctionDef)))
    return all(generate(module, n, spans[id(n)][4]) == _public_generate(module, n, spans[id(n)][4]) for n in samples)


def _check_fields(module: cst.Module) -> bool:
    for node_type, order in _SOURCE_ORDER.items():
        declared = {item.name for item in dataclasses.fields(node_type) if item.type not in NOT_NODES}
        if not declared <= set(order):
            return False
    for node in _descendants(module):
        if type(node) not in _SOURCE_ORDER:
            continue
        ours: list[cst.CSTNode] = []
        for name in source_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                ours.append(value)
            elif isinstance(value, (tuple, list)):
                ours.extend(child for child in value if isinstance(child, cst.CSTNode))
        # The same children in the same order; libcst 1.1's `children` misses one (see above).
        theirs = [id(child) for child in node.children]
        if [id(child) for child in ours if id(child) in set(theirs)] != theirs:
            return False
    return True


def _checked(check: Callable[[], bool]) -> bool:
    try:
        return check()
    except Exception:  # noqa: BLE001 -- any failure of a private path means: take the public one
        return False


def _open() -> None:
    """Decide, once per process, which private paths to use (see the module's docstring)."""
    # Read here, not from settings: the choice holds for the whole process, before any settings.
    if os.environ.get(PUBLIC_ENV, "").strip().lower() == "public":  # noqa: VL505 -- see above
        PRIVATE.parsing = PRIVATE.codegen = PRIVATE.fields = False
        return
    module = cst.parse_module(_SAMPLE)  # libcst's own parse, before the constructors change
    _install_constructors()
    PRIVATE.parsing = _checked(lambda: _check_parsing(_SAMPLE, module))
    if not PRIVATE.parsing:
        _restore_constructors()
    PRIVATE.codegen = _checked(lambda: _check_codegen(cst.parse_module(_CODEGEN_SAMPLE)))
    _install_parenthesize(PRIVATE.codegen)
    PRIVATE.fields = _checked(lambda: _check_fields(module))
    _PUBLIC_SPANS.clear()
    failed = [name for name, used in dataclasses.asdict(PRIVATE).items() if not used]
    # Once per run: worker processes started afresh inherit the environment.
    if failed and not os.environ.get(_NOTICE_ENV):  # noqa: VL505 -- process-wide, see above
        os.environ[_NOTICE_ENV] = "1"  # noqa: VL505 -- process-wide, see above
        import importlib.metadata  # a twentieth of a second, and only to say which libcst this is

        version = importlib.metadata.version("libcst")
        sys.stderr.write(
            f"vectra-lint: libcst {version} no longer works as vectra-lint expects for: {', '.join(failed)}; "
            "using libcst's public API there instead (same results, slower). "
            f"Set {PUBLIC_ENV}=public to silence this.\n"
        )


_open()
