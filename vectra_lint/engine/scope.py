"""Name resolution and enclosing-scope tracking, shared by all rules of a file.

The walker feeds the tracker the scope-opening nodes before any rule sees them, so while a rule
handles a node it can ask: which function am I in, is it ``async``, am I inside an ``except``
handler, and what does this name refer to (``nap`` -> ``time.sleep``). The bindings of a scope are
collected lazily, the first time a rule asks about a name in it, by scanning that scope alone:
most functions never need it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from vectra_lint.engine.walker import child_nodes, iter_nodes

BUILTINS_PREFIX = "builtins."


@dataclass
class _Frame:
    node: cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef
    handlers: list[cst.ExceptHandler] = field(default_factory=list)


@dataclass
class Bindings:
    """The names bound in one scope: import targets, and every other kind of binding."""

    imports: dict[str, str] = field(default_factory=dict)
    other: set[str] = field(default_factory=set)


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a ``Name`` or a chain of attributes, else None."""
    # Exact types (libcst never subclasses these): a failed isinstance against libcst's
    # ABC-based classes goes through ABCMeta, and this runs for most calls and attributes.
    if type(node) is cst.Name:
        return node.value
    if type(node) is cst.Attribute:
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _target_names(target: cst.BaseExpression, into: set[str]) -> None:
    if isinstance(target, cst.Name):
        into.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _target_names(element.value, into)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, into)


# What `_BindingCollector._bind` reads bindings from.
_BINDING_NODES = frozenset(
    {cst.Import, cst.ImportFrom, cst.AnnAssign, cst.AugAssign, cst.For, cst.AsName, cst.Global, cst.Nonlocal}
)
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    kind = handler.type
    elements = [e.value for e in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
    return any(
        (element.value if isinstance(element, cst.Name) else getattr(getattr(element, "attr", None), "value", None))
        in _IMPORT_ERRORS
        for element in elements
        if element is not None
    )


def _pattern_names(pattern: cst.CSTNode, into: set[str]) -> None:
    """The names a ``case`` pattern captures (``x``, ``[*rest]``, ``{**others}``, ``... as y``)."""
    for node in iter_nodes(pattern, (cst.MatchAs, cst.MatchStar, cst.MatchMapping)):
        name = node.rest if isinstance(node, cst.MatchMapping) else node.name
        if name is not None:
            into.add(name.value)


class _BindingCollector:
    """Collects the bindings of one scope, not descending into nested scopes."""

    def __init__(self, handlers: bool = True) -> None:
        """``handlers``: whether the names of ``except ... as name`` count as bindings."""
        self.bindings = Bindings()
        self._handlers = handlers
        # Names assigned in an `except ImportError:` handler: `try: import time` /
        # `except ImportError: time = None` still binds the module where it is installed.
        self._fallbacks: set[str] = set()
        self._fallback_nodes: set[int] = set()

    def scan(self, scope: cst.CSTNode) -> Bindings:
        if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
            params = scope.params
            for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                self.bindings.other.add(param.name.value)
            for star in (params.star_arg, params.star_kwarg):
                if isinstance(star, cst.Param):
                    self.bindings.other.add(star.name.value)
            roots: list[cst.CSTNode] = [scope.body]
        elif isinstance(scope, cst.ClassDef):
            roots = [scope.body]
        else:
            roots = [scope]
        # Statements only: bindings are made by statements (and the `as` of with/except), so
        # expressions are not entered here; walrus and comprehension targets are found on demand
        # (``ScopeTracker._bound_in_expressions``).
        stack = roots
        while stack:
            node = stack.pop()
            # Exact types, the most common first: see `dotted_name`.
            if type(node) is cst.SimpleStatementLine:
                into = self._fallbacks if id(node) in self._fallback_nodes else self.bindings.other
                for small in node.body:
                    if type(small) is cst.Assign:
                        for target in small.targets:
                            _target_names(target.target, into)
                    else:
                        self._bind(small, into)
                continue
            if type(node) is cst.FunctionDef or type(node) is cst.ClassDef:
                self.bindings.other.add(node.name.value)
                continue  # a nested scope: its bindings are its own
            if isinstance(node, (cst.SimpleStatementSuite, cst.IndentedBlock)):
                if id(node) in self._fallback_nodes:
                    self._fallback_nodes.update(id(child) for child in node.body)
                stack.extend(node.body)
                continue
            if isinstance(node, (cst.Module,)):
                stack.extend(node.body)
                continue
            self._bind(node)
            for name in ("body", "orelse", "finalbody"):
                child = getattr(node, name, None)
                if isinstance(child, cst.CSTNode):
                    stack.append(child)
                elif isinstance(child, (list, tuple)):
                    stack.extend(child)
            if isinstance(node, (cst.Try, cst.TryStar)):
                stack.extend(node.handlers)
            elif isinstance(node, cst.With):
                for item in node.items:
                    if item.asname is not None:
                        self._bind(item.asname)
            elif isinstance(node, cst.ExceptHandler):
                if node.name is not None and self._handlers:
                    self._bind(node.name)
                if _catches_import_error(node):
                    self._fallback_nodes.add(id(node.body))
            elif isinstance(node, cst.Match):
                stack.extend(node.cases)
            elif isinstance(node, cst.MatchCase):
                _pattern_names(node.pattern, self.bindings.other)
        self.bindings.other |= self._fallbacks - set(self.bindings.imports)
        return self.bindings

    def _bind(self, node: cst.CSTNode, into: set[str] | None = None) -> None:
        if type(node) not in _BINDING_NODES:
            return  # most statements (an expression, a return) bind nothing
        other = self.bindings.other if into is None else into
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.bindings.imports.setdefault(alias.asname.name.value, full)
                else:
                    top = full.split(".")[0]
                    self.bindings.imports.setdefault(top, top)
        elif isinstance(node, cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                return
            base = (dotted_name(node.module) if node.module is not None else "") or ""
            if node.relative:
                base = "." * len(node.relative) + base
            for alias in node.names:
                name = dotted_name(alias.name) or ""
                bound = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    bound = alias.asname.name.value
                joined = f"{base}{name}" if base.endswith(".") else f"{base}.{name}"
                self.bindings.imports.setdefault(bound, joined if base else name)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            _target_names(node.target, other)
        elif isinstance(node, cst.For):
            _target_names(node.target, other)
        elif isinstance(node, cst.AsName):
            if not isinstance(node.name, (cst.Name, cst.Tuple, cst.List)):
                return
            _target_names(node.name, other)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            for item in node.names:
                other.add(item.name.value)


_WALRUS = re.compile(r"([A-Za-z_]\w*)\s*:=")
_FOR_TARGETS = re.compile(r"\bfor\b([^:\n]*?)\bin\b")
_NAME = re.compile(r"[A-Za-z_]\w*")


def _expression_candidates(source: str) -> frozenset[str]:
    """Names that may be bound inside expressions (walrus, comprehension targets), read from the
    text: a cheap filter, so that scopes are scanned for them only when a rule asks about one.

    What ``_WALRUS.findall`` and ``_FOR_TARGETS.findall`` would find, but the regexes are tried
    only where ``:=`` or ``for`` occurs: scanning the whole text with them cost more than all the
    rest of a file's set-up.
    """
    found: set[str] = set()
    at = source.find(":=")
    while at != -1:
        name = _walrus_target(source, at)
        if name:
            found.add(name)
        at = source.find(":=", at + 2)
    at = source.find("for")
    while at != -1:
        match = None
        if at == 0 or not _is_word(source[at - 1]):
            match = _FOR_TARGETS.match(source, at)
        if match is not None:
            found.update(_NAME.findall(match.group(1)))
            at = source.find("for", match.end())
        else:
            at = source.find("for", at + 1)
    return frozenset(found)


def _is_word(char: str) -> bool:
    # What the regex module's \w matches in a str pattern.
    return char.isalnum() or char == "_"


def _walrus_target(source: str, at: int) -> str:
    """The name ``_WALRUS`` matches before the ``:=`` at ``at`` ("" if none)."""
    end = at
    while end > 0 and source[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and _is_word(source[start - 1]):
        start -= 1
    match = _NAME.search(source, start, end)
    return source[match.start() : end] if match is not None else ""


def _expression_bindings(scope: cst.CSTNode) -> set[str]:
    """Walrus targets and comprehension variables in the expressions of one scope.

    A comprehension's variables belong to its own scope, but counting them for the enclosing one
    only errs towards "shadowed" (nothing reported) for a name used both ways in one function.
    """
    found: set[str] = set()
    stack: list[cst.CSTNode] = list(child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.NamedExpr):
            _target_names(node.target, found)
        elif isinstance(node, cst.CompFor):
            _target_names(node.target, found)
        stack.extend(child_nodes(node))
    return found


class ScopeTracker:
    """The stack of enclosing scopes during the walk, and lazy name resolution within it."""

    def __init__(self, source: str = "") -> None:
        """Start outside any scope; the walker enters the module first. ``source`` (the file's
        text) tells which names walrus or comprehension targets may bind."""
        self.frames: list[_Frame] = []
        self._bindings: dict[int, Bindings] = {}
        self._source = source
        # Read from the text on first use: most files never resolve a name.
        self._expression_names: frozenset[str] | None = None
        self._expression_bound: dict[int, set[str]] = {}
        # Every name any import statement has bound so far in the walk, in any scope: a cheap
        # filter before the (lazy, scanning) shadowing check of ``qualified_name``.
        self._imported: set[str] = set()

    # Walker hooks (called before any rule's handler for the same node).
    def visit_Module(self, node: cst.Module) -> None:
        """Enter the module scope."""
        self.frames.append(_Frame(node))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Enter a function scope."""
        self.frames.append(_Frame(node))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Leave a function scope."""
        self.frames.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        """Enter a lambda scope."""
        self.frames.append(_Frame(node))

    def leave_Lambda(self, node: cst.Lambda) -> None:
        """Leave a lambda scope."""
        self.frames.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Enter a class body."""
        self.frames.append(_Frame(node))

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        """Leave a class body."""
        self.frames.pop()

    def visit_Import(self, node: cst.Import) -> None:
        """Remember the names an import binds."""
        for alias in node.names:
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                self._imported.add(alias.asname.name.value)
            else:
                self._imported.add((dotted_name(alias.name) or "").split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Remember the names a from-import binds."""
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                self._imported.add(alias.asname.name.value)
            else:
                self._imported.add(dotted_name(alias.name) or "")

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """Enter an except handler."""
        self.frames[-1].handlers.append(node)

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        """Leave an except handler."""
        self.frames[-1].handlers.pop()

    # Queries for rules.
    def at_module_level(self) -> bool:
        """Whether the walk is outside every function, lambda and class body."""
        return len(self.frames) == 1

    def definitions(self) -> list[cst.CSTNode]:
        """The functions, lambdas and classes enclosing the walk, outermost first.

        While a ``def`` or ``class`` is visited its own scope is already entered: it is the last.
        """
        return [frame.node for frame in self.frames[1:]]

    def defined_at_module_level(self) -> bool:
        """In ``visit_FunctionDef``/``visit_ClassDef``: whether that node is defined at module level."""
        return len(self.frames) == 2

    def enclosing_definition(self) -> cst.CSTNode | None:
        """In ``visit_FunctionDef``/``visit_ClassDef``: the def or class that node is defined directly
        in (``None`` at module level)."""
        return self.frames[-2].node if len(self.frames) > 2 else None

    def function(self) -> cst.FunctionDef | cst.Lambda | None:
        """The innermost enclosing function or lambda (a class body in between counts as none)."""
        node = self.frames[-1].node if self.frames else None
        # Exact types: see `dotted_name`.
        return node if type(node) is cst.FunctionDef or type(node) is cst.Lambda else None

    def in_async_function(self) -> bool:
        """Whether the code being walked runs directly in an ``async def`` (not a nested sync def)."""
        node = self.frames[-1].node if self.frames else None
        return type(node) is cst.FunctionDef and node.asynchronous is not None

    def handler(self) -> cst.ExceptHandler | None:
        """The innermost ``except`` handler of the current function, if the walk is inside one."""
        handlers = self.frames[-1].handlers if self.frames else []
        return handlers[-1] if handlers else None

    def free_for_handler(self, name: str) -> bool:
        """Whether the innermost ``except`` handler may bind ``name`` (``except ... as name``): no
        enclosing scope binds it, and in this one only other handlers do, none of them around this
        one (Python unbinds a handler's name when it ends, so siblings do not share it)."""
        for outer in self.frames[:-1]:
            bound = self.bindings(outer.node)
            if name in bound.other or name in bound.imports:
                return False
        frame = self.frames[-1]
        apart = _BindingCollector(handlers=False).scan(frame.node)
        if name in apart.other or name in apart.imports:
            return False
        return not any(
            handler.name is not None and isinstance(handler.name.name, cst.Name) and handler.name.name.value == name
            for handler in frame.handlers
        )

    def bindings(self, scope: cst.CSTNode) -> Bindings:
        """The bindings of one scope, collected on first use."""
        found = self._bindings.get(id(scope))
        if found is None:
            found = _BindingCollector().scan(scope)
            self._bindings[id(scope)] = found
        return found

    def resolve_name(self, name: str) -> str | None:
        """What a bare name refers to here: an import's qualified name, ``builtins.<name>`` when
        nothing binds it, or ``None`` when a local definition shadows it."""
        innermost = True
        for frame in reversed(self.frames):
            # Class bodies are not visible from the functions inside them.
            if type(frame.node) is cst.ClassDef and not innermost:
                continue
            innermost = False
            bindings = self.bindings(frame.node)
            if name in bindings.other:
                return None
            if name in self._candidates() and name in self._bound_in_expressions(frame.node):
                return None
            if name in bindings.imports:
                return bindings.imports[name]
        return BUILTINS_PREFIX + name

    def scopes(self) -> tuple[cst.CSTNode, ...]:
        """The scopes the walk is in, outermost first: for ``shadows`` asked after the walk."""
        return tuple(frame.node for frame in self.frames)

    def shadows(self, name: str, scopes: Sequence[cst.CSTNode] | None = None) -> bool:
        """Whether ``name`` here (or in ``scopes``, what ``scopes()`` gave earlier in the walk)
        may mean something else than the module's ``name``: a function or lambda around (or the
        class body directly around) binds it, or a walrus or comprehension target does."""
        innermost = True
        for scope in reversed(self.scopes() if scopes is None else scopes):
            if type(scope) is cst.ClassDef and not innermost:
                continue
            innermost = False
            if type(scope) is not cst.Module:
                bindings = self.bindings(scope)
                if name in bindings.other or name in bindings.imports:
                    return True
            if name in self._candidates() and name in self._bound_in_expressions(scope):
                return True
        return False

    def _candidates(self) -> frozenset[str]:
        found = self._expression_names
        if found is None:
            found = self._expression_names = _expression_candidates(self._source) if self._source else frozenset()
        return found

    def _bound_in_expressions(self, scope: cst.CSTNode) -> set[str]:
        found = self._expression_bound.get(id(scope))
        if found is None:
            root = scope.body if isinstance(scope, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) else scope
            found = self._expression_bound[id(scope)] = _expression_bindings(root)
        return found

    def imported_name(self, node: cst.BaseExpression) -> str | None:
        """Like ``qualified_name``, for a ``Name``/``Attribute`` rooted in an import; ``None`` for
        anything else. Cheap for the common case of a name no import statement has bound."""
        base = node
        while type(base) is cst.Attribute:
            base = base.value
        if type(base) is not cst.Name or base.value not in self._imported:
            return None
        found = self.qualified_name(node)
        return None if found is None or found.startswith(BUILTINS_PREFIX) else found

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """The qualified name of a ``Name`` or dotted ``Attribute`` (``nap`` -> ``time.sleep``)."""
        if type(node) is cst.Name:
            return self.resolve_name(node.value)
        if type(node) is cst.Attribute:
            base = self.qualified_name(node.value)
            if base is None:
                return None
            if base.startswith(BUILTINS_PREFIX):
                # An unbound name is not a module: `time.sleep` without `import time`.
                return None
            return f"{base}.{node.attr.value}"
        return None
