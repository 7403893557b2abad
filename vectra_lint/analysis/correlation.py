"""What a file does about the correlation id (§6.1), for the whole-project rules VL701 and VL702.

Per file, during the one walk: the module-level ``ContextVar``s, whether the file creates the
web application (``FastAPI(...)``, ``Starlette(...)``), and each HTTP middleware it defines with
what that middleware does about the correlation id. A middleware is

- a function decorated with ``@app.middleware("http")``;
- a class deriving from ``BaseHTTPMiddleware``;
- a pure ASGI middleware class: ``async def __call__(self, scope, receive, send)``, or a class
  named ``...Middleware``;
- the third-party ``asgi_correlation_id.CorrelationIdMiddleware``, where it is passed to
  ``app.add_middleware(...)`` or ``Middleware(...)``.

Functions with ``correlation`` in their name are recorded as helpers, with what they do, so that
a middleware calling ``resolve_correlation_id(request)`` of another module gets credit for it.

The facts are plain frozen dataclasses: they are pickled from the worker processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from vectra_lint.analysis.log_calls import keyword_argument
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.walker import callee_name
from vectra_lint.rule import Analysis

HEADER = "x-correlation-id"
APP_CLASSES = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette"})
CONTEXT_VAR = "contextvars.ContextVar"
THIRD_PARTY = frozenset(
    {"asgi_correlation_id.CorrelationIdMiddleware", "asgi_correlation_id.middleware.CorrelationIdMiddleware"}
)
# Calls that make a new id (not `UUID(text)`, which parses one).
_ID_MAKERS = frozenset({"uuid1", "uuid4", "uuid6", "uuid7", "ulid", "token_hex", "token_urlsafe", "getrandbits"})
_MAKE_WORDS = ("generate", "new", "create", "make")
_SETTER_WORDS = ("set", "bind", "context", "scope")


@dataclass(frozen=True)
class Middleware:
    """One middleware (or helper function) and what it does about the correlation id."""

    name: str
    reads_header: bool
    """It names the ``X-Correlation-ID`` header (a literal, a module constant holding it, or a name
    such as ``CORRELATION_ID_HEADER``)."""
    generates: bool
    """It makes a new id (``uuid4()``, ``secrets.token_hex()``, ``generate_correlation_id()``)."""
    sets_context: bool
    """It sets a context variable (``var.set(...)``) or calls a helper that does."""
    correlation_named: bool = False
    calls: tuple[str, ...] = ()
    """The correlation helpers it calls (functions with ``correlation`` in their name)."""

    @property
    def about_correlation(self) -> bool:
        """Whether the middleware deals with the correlation id at all."""
        return self.reads_header or self.correlation_named

    @property
    def complete(self) -> bool:
        """Reads the header, generates an id when it is absent, and sets the context."""
        return self.reads_header and self.generates and self.sets_context

    def missing(self) -> list[str]:
        """What it lacks, in words."""
        lacks = []
        if not self.reads_header:
            lacks.append("does not read the `X-Correlation-ID` header")
        if not self.generates:
            lacks.append("generates no id when the header is absent")
        if not self.sets_context:
            lacks.append("does not set the correlation-id context")
        return lacks

    def with_helpers(self, helpers: Mapping[str, Middleware]) -> Middleware:
        """This middleware with what the helpers it calls do (``extract_correlation_id(request)``
        reading the header in another function, or another module)."""
        found = [helpers[name] for name in self.calls if name in helpers]
        if not found:
            return self
        return replace(
            self,
            reads_header=self.reads_header or any(helper.reads_header for helper in found),
            generates=self.generates or any(helper.generates for helper in found),
            sets_context=self.sets_context or any(helper.sets_context for helper in found),
        )


@dataclass(frozen=True)
class CorrelationFacts:
    """One file's facts (see the module docstring)."""

    context_vars: tuple[tuple[str, str], ...] = ()
    """Module-level ``(bound name, name given to ContextVar(...))``."""
    creates_app: bool = False
    middlewares: tuple[Middleware, ...] = ()
    helpers: tuple[Middleware, ...] = ()
    """Functions with ``correlation`` in their name (not middleware), which middleware may call."""


_NOTHING = CorrelationFacts()


def helpers_by_name(facts: Iterable[CorrelationFacts]) -> dict[str, Middleware]:
    """Every helper of these files by name (a name defined twice keeps what either does)."""
    found: dict[str, Middleware] = {}
    for file_facts in facts:
        for helper in file_facts.helpers:
            known = found.get(helper.name)
            found[helper.name] = helper if known is None else known.with_helpers({helper.name: helper})
    return found


@dataclass
class _Unit:
    node: cst.FunctionDef | cst.ClassDef
    name: str
    helper: bool = False
    reads_header: bool = False
    generates: bool = False
    sets_context: bool = False
    calls: list[str] = field(default_factory=list)


@dataclass
class _Collected:
    context_vars: list[tuple[str, str]] = field(default_factory=list)
    creates_app: bool = False
    middlewares: list[Middleware] = field(default_factory=list)
    helpers: list[Middleware] = field(default_factory=list)


def _string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value.decode("latin-1") if isinstance(value, bytes) else value
    if isinstance(node, cst.ConcatenatedString):
        left, right = _string(node.left), _string(node.right)
        return None if left is None or right is None else left + right
    return None


def _is_http_middleware_decorator(decorator: cst.Decorator) -> bool:
    call = decorator.decorator
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "middleware"
        and bool(call.args)
        and _string(call.args[0].value) == "http"
    )


def _is_asgi_call(node: cst.CSTNode) -> bool:
    # Exact type: see `dotted_name` (this runs for every statement of every class body).
    if not (type(node) is cst.FunctionDef and node.name.value == "__call__" and node.asynchronous is not None):
        return False
    names = [param.name.value for param in node.params.params]
    return names[-3:] == ["scope", "receive", "send"]


class CorrelationAnalysis(Analysis):
    """Collects :class:`CorrelationFacts` for one file."""

    def __init__(self, context: FileContext) -> None:
        """Start with nothing found."""
        super().__init__(context)
        self._units: list[_Unit] = []
        self._found = _Collected()
        self._header_constants: set[str] = set()
        self._facts: CorrelationFacts | None = None
        self._context_var_nodes: dict[str, tuple[cst.Call, cst.CSTNode | None]] = {}

    # Module-level bindings: ContextVars and constants naming the header.
    def visit_Assign(self, node: cst.Assign) -> None:
        """Note a module-level ContextVar or header constant."""
        if len(node.targets) == 1 and type(node.targets[0].target) is cst.Name:
            self._binding(node.targets[0].target.value, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """Note an annotated module-level ContextVar or header constant."""
        if node.value is not None and isinstance(node.target, cst.Name):
            self._binding(node.target.value, node.value)

    def _binding(self, name: str, value: cst.BaseExpression) -> None:
        if len(self.context.scope.frames) != 1:
            return
        if isinstance(value, cst.SimpleString):
            if HEADER in value.value.lower():
                self._header_constants.add(name)
        elif isinstance(value, cst.Call) and callee_name(value.func) == "ContextVar":
            if self.context.scope.qualified_name(value.func) == CONTEXT_VAR:
                given = _string(value.args[0].value) if value.args else None
                self._found.context_vars.append((name, given or ""))
                self._context_var_nodes.setdefault(name, (value, self.context.current_statement))

    # Middleware units.
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Open an ``@app.middleware("http")`` function, or a correlation helper."""
        if node.decorators and any(_is_http_middleware_decorator(decorator) for decorator in node.decorators):
            self._units.append(_Unit(node, node.name.value))
        elif "correlation" in node.name.value.lower() and not self._units:
            self._units.append(_Unit(node, node.name.value, helper=True))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Close a middleware function or helper."""
        self._close(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Open a middleware class: a ``BaseHTTPMiddleware`` subclass, a pure ASGI class, or a
        class named ``...Middleware`` (deriving from a project base, say)."""
        name = node.name.value
        based = any(callee_name(base.value) == "BaseHTTPMiddleware" for base in node.bases)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        # A plain data class that happens to be named `...Middleware` handles no request: only a
        # class with a base or a request handler of its own is taken for one by its name.
        named = name.endswith("Middleware") and (bool(node.bases) or _defines_handler(body))
        if based or named or any(_is_asgi_call(statement) for statement in body):
            self._units.append(_Unit(node, name))

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        """Close a middleware class."""
        self._close(node)

    def _close(self, node: cst.FunctionDef | cst.ClassDef) -> None:
        if not self._units or self._units[-1].node is not node:
            return
        unit = self._units.pop()
        found = Middleware(
            unit.name,
            unit.reads_header,
            unit.generates,
            unit.sets_context,
            "correlation" in unit.name.lower(),
            tuple(unit.calls),
        )
        (self._found.helpers if unit.helper else self._found.middlewares).append(found)
        if self._units:
            # A helper class or function inside a middleware works for it.
            outer = self._units[-1]
            outer.reads_header |= unit.reads_header
            outer.generates |= unit.generates
            outer.sets_context |= unit.sets_context
            outer.calls += unit.calls

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """A header literal inside a middleware (a default, a constant of the class, an argument)."""
        if self._units and HEADER in node.value.lower():
            self._units[-1].reads_header = True

    def visit_Subscript(self, node: cst.Subscript) -> None:
        """``request.headers[CORRELATION_HEADER]`` inside a middleware."""
        if self._units and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index) and self._names_header(index.value):
                self._units[-1].reads_header = True

    def _names_header(self, node: cst.BaseExpression) -> bool:
        """A module constant holding the header, or a name like ``CORRELATION_ID_HEADER``."""
        name = callee_name(node)
        if name is None:
            return False
        lowered = name.lower()
        return name in self._header_constants or ("correlation" in lowered and "header" in lowered)

    def visit_Call(self, node: cst.Call) -> None:
        """Ids made and contexts set inside a middleware; apps created and middleware registered anywhere."""
        name = callee_name(node.func)
        if name is None:
            return
        if self._units:
            unit = self._units[-1]
            lowered = name.lower()
            if lowered in _ID_MAKERS or (any(word in lowered for word in _MAKE_WORDS) and "id" in lowered):
                unit.generates = True
            # `var.set(value)`: a ContextVar takes a value (an `asyncio.Event().set()` takes none).
            if (name == "set" and isinstance(node.func, cst.Attribute) and node.args) or (
                "correlation" in lowered and any(word in lowered for word in _SETTER_WORDS)
            ):
                unit.sets_context = True
            if any(self._names_header(arg.value) for arg in node.args):
                unit.reads_header = True
            if "correlation" in lowered:
                unit.calls.append(name)
        if name in ("FastAPI", "Starlette"):
            if self.context.scope.qualified_name(node.func) in APP_CLASSES:
                self._found.creates_app = True
        elif name in ("add_middleware", "Middleware") and node.args:
            self._registered(node)

    def _registered(self, node: cst.Call) -> None:
        target = node.args[0].value
        if (
            not isinstance(target, (cst.Name, cst.Attribute))
            or self.context.scope.imported_name(target) not in THIRD_PARTY
        ):
            return
        header = keyword_argument(node, "header_name")
        text = _string(header.value) if header is not None else "X-Request-ID"
        reads = text is not None and text.lower() == HEADER
        # The library generates a uuid4 when the header is absent and sets its own ContextVar.
        self._found.middlewares.append(Middleware("CorrelationIdMiddleware", reads, True, True, correlation_named=True))

    def finish(self) -> None:
        """Freeze the facts."""
        found = self._found
        if found.context_vars or found.creates_app or found.middlewares or found.helpers:
            self._facts = CorrelationFacts(
                tuple(found.context_vars), found.creates_app, tuple(found.middlewares), tuple(found.helpers)
            )

    def facts(self) -> object:
        """This file's :class:`CorrelationFacts` (``None`` when there is nothing to tell)."""
        return self._facts

    def context_var_node(self, name: str) -> tuple[cst.Call, cst.CSTNode | None] | None:
        """The ``ContextVar(...)`` call first bound to the module-level ``name``, and its statement
        (for the rules' ``finish``: where a finding about that variable goes)."""
        return self._context_var_nodes.get(name)

    def file_facts(self) -> CorrelationFacts:
        """The facts, once the walk is over (for the rules' ``finish``)."""
        return self._facts if self._facts is not None else _NOTHING


def _defines_handler(body: Sequence[cst.BaseStatement]) -> bool:
    """Whether a class body defines what handles a request (``dispatch`` or ``__call__``)."""
    return any(
        isinstance(statement, cst.FunctionDef) and statement.name.value in ("dispatch", "__call__")
        for statement in body
    )
