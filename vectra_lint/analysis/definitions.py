"""Definitions (classes, functions, methods) as the typing and documentation rules see them.

The rules of VL1xx and VL6xx ask the same questions about a ``def`` or ``class``: is it a method,
is it public, does it have a docstring, which decorators does it carry. The answers follow Ruff's
pydocstyle and flake8-annotations rules (D1xx, ANNxxx) closely, so that a project moving from Ruff
gets the same findings:

- a function directly in a class body (also inside an ``if`` there) is a method; a function in a
  function is nested; a class in a function is nested and private;
- "public" means: the module path has no ``_private`` part, the name has no leading underscore
  (dunder methods are public), a module-level name is listed in ``__all__`` when the module
  defines one, every enclosing definition is public, nested functions are private, and property
  setters and deleters are private.

One :class:`DefinitionTracker` per file, in the shared :class:`Definitions` analysis, follows the
walk: its state is a small stack, so no rule rescans a subtree.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import libcst as cst
import pathspec

from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.engine.walker import callee_name
from vectra_lint.rule import Analysis, ChoiceOption, GlobsOption, Rule

OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
OVERRIDE = frozenset({"typing.override", "typing_extensions.override"})
ABSTRACT = frozenset(
    {f"abc.{name}" for name in ("abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod")}
)
DocstringNode = cst.SimpleString | cst.ConcatenatedString


class DefinitionKind(enum.Enum):
    """Where a definition sits (Ruff's ``MemberKind``)."""

    CLASS = "class"
    NESTED_CLASS = "nested class"
    FUNCTION = "function"
    NESTED_FUNCTION = "nested function"
    METHOD = "method"


@dataclass
class Definition:
    """A class or function being walked, with what the rules need to know about it."""

    node: cst.ClassDef | cst.FunctionDef
    kind: DefinitionKind
    parent: Definition | None
    public: bool
    """Worked out only when the tracker is created with ``visibility=True``."""
    decorators: tuple[str, ...]
    """The decorators' qualified names (imports resolved), ``@x(...)`` as ``x``."""
    overload_implementation: bool = False
    """A function right after an ``@overload`` of the same name in the same scope."""
    last_overload: str | None = field(default=None, repr=False)
    """The name of the last direct child definition when it was an ``@overload``."""

    @property
    def name(self) -> str:
        """The defined name."""
        return self.node.name.value

    def decorated_with(self, names: Iterable[str]) -> bool:
        """Whether one of the decorators resolves to one of ``names``."""
        return any(decorator in names for decorator in self.decorators)


def qualified_module_name(context: FileContext, node: cst.BaseExpression) -> str | None:
    """The qualified name of a dotted expression, resolved against the module's imports only.

    ``overload`` after ``from typing import overload`` is ``typing.overload``; a name no import
    binds is ``builtins.<name>`` when nothing at module level binds it either. Function-local
    imports are not consulted: resolving them would need a scan of each function body.
    """
    dotted = dotted_name(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    bindings = context.scope.bindings(context.module)
    if head in bindings.imports:
        target = bindings.imports[head]
    elif head in bindings.other:
        target = f"{context.path}:{head}"
    else:
        target = f"builtins.{head}"
    return f"{target}.{rest}" if rest else target


def decorator_names(context: FileContext, node: cst.ClassDef | cst.FunctionDef) -> tuple[str, ...]:
    """The qualified names of ``node``'s decorators (a call ``@d(...)`` counts as ``d``)."""
    names: list[str] = []
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        name = qualified_module_name(context, expression)
        if name is not None:
            names.append(name)
    return tuple(names)


def is_private_name(name: str) -> bool:
    """A leading underscore that is not a dunder (``_x`` yes, ``__init__`` no)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_is_public(path: str) -> bool:
    """Whether no part of the module's path (``pkg/_internal/x.py``) is private."""
    parts = path.split("/")
    parts[-1] = parts[-1].removesuffix(".pyi").removesuffix(".py")
    return not any(is_private_name(part) for part in parts)


@lru_cache(maxsize=64)
def _pathspec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    # Git's own matching rules ("tests/**" anchored at the root, "debug_*.py" at any depth).
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def path_matches(path: str, patterns: Sequence[str]) -> bool:
    """Whether a root-relative posix path matches any of the gitignore-style ``patterns``."""
    return bool(patterns) and _pathspec(tuple(patterns)).match_file(path)


def is_string_literal(node: cst.BaseExpression) -> bool:
    """A real text literal: not bytes, not an f-string (implicit concatenation allowed)."""
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return is_string_literal(node.left) and is_string_literal(node.right)
    return False


def first_small_statement(body: cst.BaseSuite | Sequence[cst.BaseStatement]) -> cst.BaseSmallStatement | None:
    """The first simple statement of a body when the body starts with one."""
    # Exact types (the two suites are all of BaseSuite): isinstance against libcst's ABC-based
    # classes is slow when it fails, and this runs for every definition.
    if type(body) is cst.SimpleStatementSuite:
        return body.body[0] if body.body else None
    statements: Sequence[cst.BaseStatement]
    if type(body) is cst.IndentedBlock:
        statements = body.body
    elif isinstance(body, cst.BaseSuite):
        return None
    else:
        statements = body
    if not statements:
        return None
    first = statements[0]
    if type(first) is cst.SimpleStatementLine and first.body:
        return first.body[0]
    return None


def docstring(body: cst.BaseSuite | Sequence[cst.BaseStatement]) -> DocstringNode | None:
    """The docstring of a module, class or function body: a string literal as first statement."""
    first = first_small_statement(body)
    if type(first) is cst.Expr and is_string_literal(first.value):
        value = first.value
        assert isinstance(value, (cst.SimpleString, cst.ConcatenatedString))
        return value
    return None


def is_stub(function: cst.FunctionDef) -> bool:
    """A body of only a docstring, ``pass``, ``...`` or ``raise NotImplementedError``: a function
    that says it has none (a protocol's or an abstract method's)."""
    body = function.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    for statement in statements:
        smalls = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else None
        if smalls is None:
            return False
        for small in smalls:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.Ellipsis)):
                continue
            if isinstance(small, cst.Raise) and small.exc is not None:
                raised = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
                if callee_name(raised) == "NotImplementedError":
                    continue
            return False
    return True


def docstring_text(node: DocstringNode) -> str | None:
    """The value of a docstring literal."""
    value = node.evaluated_value
    return value if isinstance(value, str) else None


def _string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)) and is_string_literal(node):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _all_elements(node: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    # As Ruff reads `__all__`: list and tuple displays, `list(...)`/`tuple(...)` of a display, and
    # a walrus around one; other values contribute no names.
    if isinstance(node, (cst.List, cst.Tuple)):
        return [element.value for element in node.elements]
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in ("list", "tuple"):
        if len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star:
            inner = node.args[0].value
            if isinstance(inner, (cst.List, cst.Tuple, cst.Set)):
                return [element.value for element in inner.elements]
        return None
    if isinstance(node, cst.NamedExpr):
        return _all_elements(node.value)
    return None


def _all_names(value: cst.BaseExpression, into: set[str]) -> None:
    operands: list[cst.BaseExpression] = []
    while isinstance(value, cst.BinaryOperation):
        operands.append(value.right)
        value = value.left
    operands.append(value)
    for operand in operands:
        for element in _all_elements(operand) or ():
            name = _string_value(element)
            if name is not None:
                into.add(name)


def _module_statements(body: Sequence[cst.CSTNode]) -> Iterable[cst.BaseSmallStatement]:
    # Module scope includes the bodies of if/try/for/while/with/match, not of def/class.
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.SimpleStatementLine):
            yield from node.body
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif isinstance(node, cst.BaseCompoundStatement):
            for part in _compound_parts(node):
                if isinstance(part, cst.SimpleStatementSuite):
                    yield from part.body
                elif isinstance(part, cst.IndentedBlock):
                    stack.extend(reversed(part.body))


def _compound_parts(node: cst.CSTNode) -> list[cst.BaseSuite]:
    parts: list[cst.BaseSuite] = []
    body = getattr(node, "body", None)
    if isinstance(body, cst.BaseSuite):
        parts.append(body)
    for handler in getattr(node, "handlers", ()):
        parts.append(handler.body)
    for case in getattr(node, "cases", ()):
        parts.append(case.body)
    orelse = getattr(node, "orelse", None)
    while orelse is not None:
        parts.append(orelse.body)
        orelse = getattr(orelse, "orelse", None) if isinstance(orelse, cst.If) else None
    finalbody = getattr(node, "finalbody", None)
    if finalbody is not None:
        parts.append(finalbody.body)
    return parts


def module_exports(module: cst.Module) -> frozenset[str] | None:
    """The names ``__all__`` lists, or None when the module does not assign ``__all__``.

    Every module-level ``__all__ = ...``, ``__all__ += ...`` and ``__all__: T = ...`` contributes
    (as in Ruff); string literals in list/tuple displays joined by ``+`` are read, anything else
    (``other.__all__``, a call) contributes nothing. ``__all__.extend(...)`` is not read.
    """
    names: set[str] = set()
    assigned = False
    for statement in _module_statements(module.body):
        value: cst.BaseExpression | None = None
        if isinstance(statement, cst.Assign):
            target = statement.targets[0].target
            if isinstance(target, cst.Name) and target.value == "__all__":
                value = statement.value
                assigned = True
        elif isinstance(statement, (cst.AugAssign, cst.AnnAssign)):
            if isinstance(statement.target, cst.Name) and statement.target.value == "__all__":
                value = statement.value
                assigned = True
        if value is not None:
            _all_names(value, names)
    return frozenset(names) if assigned else None


class DefinitionTracker:
    """The stack of classes and functions enclosing the node being walked.

    A rule calls :meth:`enter` from ``visit_ClassDef``/``visit_FunctionDef`` and :meth:`leave`
    from the matching ``leave_`` handler.
    """

    def __init__(self, context: FileContext, *, visibility: bool = False) -> None:
        """Start at module level; ``visibility`` also works out which definitions are public."""
        self.context = context
        self.visibility = visibility
        """Whether to work out :attr:`Definition.public` (it may read ``__all__``)."""
        self.stack: list[Definition] = []
        self._module_last_overload: str | None = None
        self._exports: frozenset[str] | None = None
        self._exports_known = False
        self._module_public: bool | None = None

    @property
    def module_public(self) -> bool:
        """Whether the module itself is public (no ``_private`` part in its path)."""
        if self._module_public is None:
            self._module_public = module_is_public(self.context.path)
        return self._module_public

    @property
    def exports(self) -> frozenset[str] | None:
        """The module's ``__all__`` names, read on first use."""
        if not self._exports_known:
            self._exports = module_exports(self.context.module)
            self._exports_known = True
        return self._exports

    @property
    def current(self) -> Definition | None:
        """The innermost definition being walked."""
        return self.stack[-1] if self.stack else None

    def enter(self, node: cst.ClassDef | cst.FunctionDef) -> Definition:
        """Push ``node`` and return what is known about it."""
        parent = self.stack[-1] if self.stack else None
        decorators = decorator_names(self.context, node) if node.decorators else ()
        # Exact types: see `dotted_name`.
        is_function = type(node) is cst.FunctionDef
        if parent is None:
            kind = DefinitionKind.FUNCTION if is_function else DefinitionKind.CLASS
        elif type(parent.node) is cst.ClassDef:
            kind = DefinitionKind.METHOD if is_function else DefinitionKind.NESTED_CLASS
        else:
            kind = DefinitionKind.NESTED_FUNCTION if is_function else DefinitionKind.NESTED_CLASS
        definition = Definition(node, kind, parent, False, decorators)
        if self.visibility:
            definition.public = self._public(definition)
        last_overload = parent.last_overload if parent is not None else self._module_last_overload
        if is_function and last_overload is not None:
            definition.overload_implementation = last_overload == definition.name
        mark = definition.name if is_function and decorators and definition.decorated_with(OVERLOAD) else None
        if parent is not None:
            parent.last_overload = mark
        else:
            self._module_last_overload = mark
        self.stack.append(definition)
        return definition

    def leave(self) -> None:
        """Pop the innermost definition."""
        self.stack.pop()

    def _public(self, definition: Definition) -> bool:
        name = definition.name
        parent = definition.parent
        kind = definition.kind
        if kind is DefinitionKind.NESTED_FUNCTION:
            return False
        if kind in (DefinitionKind.CLASS, DefinitionKind.FUNCTION):
            if not self.module_public or name.startswith("_"):
                return False
            exports = self.exports
            return exports is None or name in exports
        assert parent is not None
        if not parent.public:
            return False
        if kind is DefinitionKind.NESTED_CLASS:
            return isinstance(parent.node, cst.ClassDef) and not name.startswith("_")
        # A method.
        for decorator in definition.node.decorators:
            if dotted_name(decorator.decorator) in (f"{name}.setter", f"{name}.deleter"):
                return False
        return not is_private_name(name)


def is_staticmethod(definition: Definition) -> bool:
    """Whether a function is decorated with the builtin ``staticmethod``."""
    return "builtins.staticmethod" in definition.decorators


def implicit_first_parameter(definition: Definition) -> cst.Param | None:
    """``self``/``cls``: the first positional parameter of a method that is not a staticmethod."""
    node = definition.node
    if (
        definition.kind is not DefinitionKind.METHOD
        or not isinstance(node, cst.FunctionDef)
        or is_staticmethod(definition)
    ):
        return None
    positional = (*node.params.posonly_params, *node.params.params)
    return positional[0] if positional else None


def node_at_start(module: cst.Module) -> cst.CSTNode:
    """A node whose text starts at the first character of the file, to report at 1:1.

    Reporting the ``Module`` itself would make the engine generate the whole file to find its
    end; the first comment line or statement is found as soon as it is generated.
    """
    if module.header:
        return module.header[0]
    if module.body:
        first = module.body[0]
        leading: Sequence[cst.EmptyLine] = getattr(first, "leading_lines", ())
        if leading:
            return leading[0]
        if isinstance(first, (cst.FunctionDef, cst.ClassDef)) and first.decorators:
            decorator = first.decorators[0]
            return decorator.leading_lines[0] if decorator.leading_lines else decorator
        return first
    if module.footer:
        return module.footer[0]
    return module


DOCSTRING_SCOPE = ChoiceOption(
    "docstring-scope",
    "all",
    '"all": every module, class and function needs a docstring (§12); "public": only those Ruff\'s '
    "pydocstyle D1 rules call public (no leading underscore, listed in `__all__` when there is one, "
    "not nested in a function, not in a `_private` module).",
    choices=("all", "public"),
)
EXEMPT_PATHS = GlobsOption(
    "exempt-paths",
    ("tests/**",),
    "Files that need no docstrings (gitignore-style globs relative to the project root).",
)


def public_scope(rule: Rule) -> bool:
    """Whether a docstring rule is configured with ``docstring-scope = "public"``."""
    return rule.option(DOCSTRING_SCOPE) == "public"


def exempt_path(rule: Rule) -> bool:
    """Whether the checked file matches the rule's ``exempt-paths``."""
    return path_matches(rule.context.path, rule.option(EXEMPT_PATHS))


@dataclass
class Body:
    """What the walk saw directly in one function body (nested defs and lambdas excluded)."""

    returns_value: bool = False
    yields: bool = False


class FunctionBodies(Analysis):
    """Whether the function being walked returns a value or yields (VL102 and VL604 both ask).

    A rule reads ``current`` in its ``leave_FunctionDef``: analyses leave a node after rules.
    """

    def __init__(self, context: FileContext) -> None:
        """Start outside any function."""
        super().__init__(context)
        # One entry per enclosing def or lambda, so that a nested scope's returns stay its own.
        self.stack: list[Body] = []

    @property
    def current(self) -> Body:
        """The innermost function's (or lambda's) body seen so far."""
        return self.stack[-1]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Start a function body."""
        self.stack.append(Body())

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """End a function body."""
        self.stack.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        """A lambda's ``yield`` is its own."""
        self.stack.append(Body())

    def leave_Lambda(self, node: cst.Lambda) -> None:
        """End the lambda."""
        self.stack.pop()

    def visit_Return(self, node: cst.Return) -> None:
        """Note a ``return <value>`` (``return None`` returns nothing)."""
        value = node.value
        if self.stack and value is not None and not (type(value) is cst.Name and value.value == "None"):
            self.stack[-1].returns_value = True

    def visit_Yield(self, node: cst.Yield) -> None:
        """Note that the enclosing function is a generator."""
        if self.stack:
            self.stack[-1].yields = True


class Definitions(Analysis):
    """The classes and functions enclosing the node being walked, shared by the rules that ask
    (VL101, VL102, VL601-VL604): one tracker per file instead of one per rule.

    Rules read ``current`` in their ``visit_``/``leave_`` handlers of the definition itself:
    analyses see a node before rules and leave it after them.
    """

    def __init__(self, context: FileContext) -> None:
        """Track definitions of one file, visibility included."""
        super().__init__(context)
        self.tracker = DefinitionTracker(context, visibility=True)

    @property
    def current(self) -> Definition:
        """The innermost definition being walked."""
        return self.tracker.stack[-1]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Enter a class."""
        self.tracker.enter(node)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        """Leave a class."""
        self.tracker.leave()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Enter a function."""
        self.tracker.enter(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Leave a function."""
        self.tracker.leave()


def class_assignments(node: cst.ClassDef) -> Iterator[tuple[cst.SimpleStatementLine, str, cst.BaseExpression]]:
    """Each ``name = value`` and ``name: T = value`` directly in a class body: the statement, the
    name and the value (for the rules that read class attributes such as ``error_code``)."""
    if not isinstance(node.body, cst.IndentedBlock):
        return
    for statement in node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target: cst.BaseExpression = small.targets[0].target
                value: cst.BaseExpression | None = small.value
            elif isinstance(small, cst.AnnAssign):
                target, value = small.target, small.value
            else:
                continue
            if isinstance(target, cst.Name) and value is not None:
                yield statement, target.value, value
