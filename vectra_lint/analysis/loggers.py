"""Which objects are loggers: where a log call's receiver comes from, and whether it is a ``logging.Logger``.

Every logging rule and fix looks at log calls (VL402, VL403, VL404, VL401's fix). Whether a receiver is a standard
``logging.Logger`` decides what a fix may do: ``exc_info=True`` is a TypeError on a home-made
logger whose ``error()`` takes no keywords. Two steps, for any rule to reuse:

1. During the walk, :class:`Loggers` answers ``origin(receiver)``: the name, as written at module
   level, of what the receiver was made from: the factory or class it was assigned from
   (``logger = logging.getLogger(__name__)`` -> ``logging.getLogger``), its annotation
   (``log: logging.Logger``, a parameter or a ``self.`` attribute annotated or assigned in the
   class), or the receiver's own name when it is imported (``from app.core.log import logger``).
2. After the walk, :func:`logger_kind` resolves that origin with the project index: a
   ``logging.Logger`` (YES), a project class or known library object that is not one (NO), not
   knowable (UNKNOWN), or depending on another project module (DEFER: ask again in the project
   phase with the full index, ``ProjectIndex.of(project)``).

``is_log_receiver`` is the one "is this a logger" test every logging rule and fix uses (through
``LogCalls`` for log calls): configured logger names, the ``logging`` module, ``self.logger``, and
names whose origin is ``logging.getLogger`` or a ``logging.Logger`` annotation.
"""

from __future__ import annotations

import libcst as cst

from vectra_lint.analysis.project_index import ProjectIndex, Symbol, SymbolKind, Tri
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name
from vectra_lint.rule import Analysis

LOGGING_ORIGINS = frozenset(
    {
        "logging",
        "logging.getLogger",
        "logging.Logger",
        "logging.RootLogger",
        "logging.LoggerAdapter",
        "logging.root",
    }
)
"""What a standard-library logger is made from, or typed as (the ``logging`` module's own
``logging.error`` takes the same keywords)."""

NOT_LOGGING = frozenset({"loguru.logger", "loguru._logger.Logger"})
"""Library loggers known not to be ``logging.Logger`` (loguru formats unknown keywords into the message)."""

PLAIN_BASES = frozenset({"abc.ABC", "typing.Generic", "typing.Protocol"})
"""Library bases that do not make a class a logger."""

MAX_DEPTH = 16

_SELF = ("self", "cls")
IMPORTED = "import:"
"""Prefix of an origin that is an import target (``import:cat.log.log``) rather than a module-level name."""


def _annotation_origin(annotation: cst.BaseExpression) -> str | None:
    """The class an annotation names: ``logging.Logger``, ``Optional[Logger]``, ``Logger | None``."""
    if isinstance(annotation, cst.Subscript):
        name = dotted_name(annotation.value)
        if name is not None and name.rsplit(".", 1)[-1] == "Optional" and annotation.slice:
            element = annotation.slice[0].slice
            return _annotation_origin(element.value) if isinstance(element, cst.Index) else None
        return None
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        for side in (annotation.left, annotation.right):
            if not (isinstance(side, cst.Name) and side.value == "None"):
                return _annotation_origin(side)
        return None
    if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
        return None
    return dotted_name(annotation)


def _value_origin(value: cst.BaseExpression) -> str | None:
    """What an assigned value was made from: the callee of a call, or the name it copies."""
    if type(value) is cst.Call:  # exact type: see `dotted_name`
        return dotted_name(value.func)
    return dotted_name(value)


class Loggers(Analysis):
    """Where names and ``self.`` attributes that may be loggers come from (see the module doc)."""

    def __init__(self, context: FileContext) -> None:
        """Start with nothing bound."""
        super().__init__(context)
        # (id of the scope node, name) -> origin as written; for attributes the scope is the class.
        self._bound: dict[tuple[int, str], str] = {}

    def _scope_node(self) -> cst.CSTNode | None:
        frames = self.context.scope.frames
        return frames[-1].node if frames else None

    def _class_of_method(self) -> cst.ClassDef | None:
        frames = self.context.scope.frames
        if len(frames) >= 2 and isinstance(frames[-1].node, cst.FunctionDef):
            owner = frames[-2].node
            return owner if isinstance(owner, cst.ClassDef) else None
        return None

    def _bind(self, target: cst.BaseExpression, origin: str | None) -> None:
        if origin is None:
            return
        # Exact types: see `dotted_name`.
        if type(target) is cst.Name:
            scope = self._scope_node()
            if scope is not None:
                self._bound[(id(scope), target.value)] = origin
        elif type(target) is cst.Attribute and type(target.value) is cst.Name and target.value.value in _SELF:
            owner = self._class_of_method()
            if owner is not None:
                self._bound[(id(owner), target.attr.value)] = origin

    def visit_Assign(self, node: cst.Assign) -> None:
        """``logger = logging.getLogger(...)``, ``self.log = AppLogger()``."""
        origin = _value_origin(node.value)
        if origin is not None:
            for target in node.targets:
                self._bind(target.target, origin)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``log: logging.Logger = ...``, ``self.log: Logger``: the annotation says what it is."""
        origin = _annotation_origin(node.annotation.annotation)
        if origin is None and node.value is not None:
            origin = _value_origin(node.value)
        self._bind(node.target, origin)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Annotated parameters (the function's scope is entered before this analysis sees it)."""
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None:
                origin = _annotation_origin(param.annotation.annotation)
                if origin is not None:
                    self._bound[(id(node), param.name.value)] = origin

    def origin(self, receiver: cst.BaseExpression) -> str | None:
        """What ``receiver`` was made from, as a name written at module level (None: not known)."""
        scope = self.context.scope
        if isinstance(receiver, cst.Call):
            return dotted_name(receiver.func)
        if isinstance(receiver, cst.Name):
            innermost = True
            for frame in reversed(scope.frames):
                if isinstance(frame.node, cst.ClassDef) and not innermost:
                    continue
                innermost = False
                found = self._bound.get((id(frame.node), receiver.value))
                if found is not None:
                    return found
                if receiver.value in scope.bindings(frame.node).other:
                    # A module-level name is followed by the project index (even when bound below
                    # its use); a local one bound by something else (a loop, `with ... as`) is not.
                    return receiver.value if isinstance(frame.node, cst.Module) else None
            # An import, or nothing this file binds.
            resolved = scope.resolve_name(receiver.value)
            if resolved is None or resolved.startswith("builtins."):
                return None
            if receiver.value in scope.bindings(self.context.module).imports:
                return receiver.value
            return IMPORTED + resolved  # imported inside a function
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name):
            if receiver.value.value in _SELF:
                owner = next(
                    (frame.node for frame in reversed(scope.frames) if isinstance(frame.node, cst.ClassDef)), None
                )
                return None if owner is None else self._bound.get((id(owner), receiver.attr.value))
            return dotted_name(receiver) if scope.imported_name(receiver) is not None else None
        return None

    def is_log_receiver(self, receiver: cst.BaseExpression) -> bool:
        """Whether a call on ``receiver`` looks like logging: a configured logger name (``logger``,
        ``self.log``), the ``logging`` module, or a name made by ``logging.getLogger``."""
        loggers = self.context.settings.names.loggers
        if isinstance(receiver, cst.Name) and receiver.value in loggers:
            return True
        if isinstance(receiver, cst.Attribute) and receiver.attr.value in loggers:
            return True
        origin = self.origin(receiver)
        return origin is not None and self._qualified(origin) in LOGGING_ORIGINS

    def module_logger(self) -> str | None:
        """A module-level name the walk saw bound to a standard logger (``_LOGGER =
        logging.getLogger(__name__)``, ``log: logging.Logger = ...``): the logger fixes log with
        when the module has none of the configured names."""
        module = self.context.module
        for (scope, name), origin in self._bound.items():
            if scope == id(module) and self._qualified(origin) in LOGGING_ORIGINS - {"logging"}:
                return name
        return None

    def _qualified(self, written: str) -> str | None:
        head, dot, rest = written.partition(".")
        resolved = self.context.scope.resolve_name(head)
        return None if resolved is None else resolved + dot + rest


def logger_kind(index: ProjectIndex, path: str, origin: str | None) -> Tri:
    """Whether what was made from ``origin`` (see :meth:`Loggers.origin`) in the file ``path`` is a
    ``logging.Logger``: YES, NO (a project class that is not one, loguru), UNKNOWN, or DEFER."""
    if origin is None:
        return Tri.UNKNOWN
    if origin.startswith(IMPORTED):
        return _kind(index, index.resolve_import(path, origin[len(IMPORTED) :]), 0, {})
    return _kind(index, index.resolve(path, origin), 0, {})


def _kind(index: ProjectIndex, symbol: Symbol | None, depth: int, classes: dict[Symbol, Tri]) -> Tri:
    """``logger_kind`` of ``symbol``. Each class is judged once (``classes``), however deep its
    bases go: bases shared by bases (mixins) would otherwise be judged once per path to them, and
    there are exponentially many. ``depth`` counts the instances followed (``made_from``)."""
    if symbol is None or depth > MAX_DEPTH:
        return Tri.UNKNOWN
    kind = symbol.kind
    if kind is SymbolKind.EXTERNAL:
        if symbol.module in LOGGING_ORIGINS:
            return Tri.YES
        return Tri.NO if symbol.module in NOT_LOGGING or symbol.module in PLAIN_BASES else Tri.UNKNOWN
    if kind is SymbolKind.BUILTIN:
        return Tri.NO
    if kind is SymbolKind.MISSING:
        return Tri.DEFER if index.partial else Tri.UNKNOWN
    if kind is SymbolKind.CLASS:
        known = classes.get(symbol)
        if known is not None:
            return known
        facts = index.class_facts(symbol)
        if facts is None:
            return Tri.UNKNOWN
        classes[symbol] = Tri.UNKNOWN  # a cycle of bases: nothing is known of it
        bases = [_kind(index, index.resolve(symbol.module, base), depth, classes) for base in facts["bases"]]
        if Tri.YES in bases:
            found = Tri.YES
        elif Tri.DEFER in bases:
            found = Tri.DEFER
        else:
            found = Tri.UNKNOWN if Tri.UNKNOWN in bases else Tri.NO
        classes[symbol] = found
        return found
    if kind is SymbolKind.OPAQUE:
        return _kind(index, _made_from(index, symbol), depth + 1, classes)
    return Tri.UNKNOWN


def _made_from(index: ProjectIndex, symbol: Symbol) -> Symbol | None:
    """What made a module-level instance (``logger = AppLogger()`` in another module), resolved;
    None when that is not known."""
    module = index.modules.get(symbol.module)
    made_from = module["instances"].get(symbol.name) if module is not None else None
    return None if made_from is None else index.resolve(symbol.module, made_from)


def loguru_kind(index: ProjectIndex, path: str, origin: str) -> Tri:
    """Whether what was made from ``origin`` (a module-level name, or :meth:`Loggers.origin`) in
    the file ``path`` is loguru's logger (it formats a message with ``str.format``, not ``%``, and
    logs a traceback with ``.exception``): also when a project module re-exports it (``from
    app.core.log import logger``, that module importing loguru's) or binds it from it (``logger =
    logger.bind(...)``). YES, NO, UNKNOWN (not knowable), or DEFER (ask the project phase)."""
    if origin.startswith(IMPORTED):
        return _loguru(index, index.resolve_import(path, origin[len(IMPORTED) :]), 0)
    return _loguru(index, index.resolve(path, origin), 0)


def _loguru(index: ProjectIndex, symbol: Symbol | None, depth: int) -> Tri:
    if symbol is None or depth > MAX_DEPTH:
        return Tri.UNKNOWN
    kind = symbol.kind
    if kind is SymbolKind.EXTERNAL:
        return Tri.YES if symbol.module.partition(".")[0] == "loguru" else Tri.NO
    if kind is SymbolKind.MISSING:
        return Tri.DEFER if index.partial else Tri.UNKNOWN
    if kind is SymbolKind.OPAQUE:
        return _loguru(index, _made_from(index, symbol), depth + 1)
    return Tri.NO
