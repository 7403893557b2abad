"""The module summary: what one file tells the rest of the project, collected in the single walk.

The facts are plain data (dicts, tuples, strings) because they are pickled from the worker
processes to the project phase. Everything is recorded as written in the file (dotted names as
seen, relative imports with their leading dots); resolving across modules is the index's job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

import libcst as cst

from vectra_lint.analysis.blocking_calls import OFFLOADERS, BlockingCalls
from vectra_lint.analysis.module_names import is_package_file, module_names, package_base
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import ScopeTracker, dotted_name
from vectra_lint.engine.walker import iter_nodes
from vectra_lint.rule import Analysis, IntOption

if TYPE_CHECKING:
    from vectra_lint.analysis.project_index import ProjectIndex

ERROR_CODE = "error_code"
ERROR_ID = "error_id"


def is_uuid(code: str) -> bool:
    """Whether an expression's text makes a UUID: `uuid4()`, `uuid.uuid4().hex`, `str(uuid4())`,
    a `new_uuid()` helper (a constant or a timestamp is not unique)."""
    return "uuid" in code.lower()


CODE_POSITION = IntOption(
    "error-code-position",
    1,
    "Index of the positional argument that carries the error code in exception calls "
    "(`NotFoundError(message, code)` is 1); VL305 reads it too.",
)
"""Where exception calls carry their error code positionally: the summary's own option (it records
the names passed there), offered to users by VL304 and read by VL305 too."""
EXCEPTION_SUFFIXES = ("Error", "Exception")
NO_INIT, CODE_OPTIONAL, KEYWORD_ONLY = -1, -2, 1_000
"""Values of ``ClassFacts.init_code`` besides a required parameter's position."""


class ClassFacts(TypedDict):
    """A top-level class: its bases as written, whether it gives a default error code, its string attributes."""

    bases: tuple[str, ...]
    default_code: bool
    strings: dict[str, str]
    init_code: int
    """What its own ``__init__`` does with ``error_code``: ``NO_INIT`` (it defines none),
    ``CODE_OPTIONAL`` (none, or one with a default), else the positional index (``self`` not
    counted; ``KEYWORD_ONLY`` for a keyword-only one) of a required ``error_code`` parameter."""
    fields: dict[str, tuple[str, ...]]
    """Its class-body attributes (``password: str``, ``hashed_password = Column(String)``), each
    with the names its annotation mentions as written (``Optional[SqlConfig]`` -> ``Optional``,
    ``SqlConfig``): what the sensitivity judgement (``analysis/sensitive.py``) follows."""


class FunctionFacts(TypedDict):
    """A module-level function or a method (``Class.method``) of a top-level class."""

    is_async: bool
    calls: tuple[str, ...]
    """Callees as written (``helper``, ``mod.helper``, ``self._read``), only those that may be the project's."""
    blocking: tuple[tuple[str, str, str], ...]
    """(code, qualified name, text as written) of the VL201-VL205 calls it makes directly."""


class ModuleFacts(TypedDict):
    """One file's summary."""

    names: tuple[str, ...]
    package: bool
    base: str | None
    """The folder holding the file's topmost package, where sibling packages are the project's too."""
    imports: dict[str, str]
    """Module-level import bindings: name -> what it imports (``.sub.name`` when relative)."""
    stars: tuple[str, ...]
    aliases: dict[str, str]
    """``NAME = other.name`` at module level."""
    opaque: tuple[str, ...]
    """Other module-level names assigned values that are not followed."""
    instances: dict[str, str]
    """For some opaque names, what made them: ``logger = AppLogger()`` -> ``AppLogger``, or the
    annotation of ``log: Logger = ...`` (as written; see ``analysis/loggers.py``)."""
    classes: dict[str, ClassFacts]
    constants: dict[str, str]
    functions: dict[str, FunctionFacts]
    code_refs: tuple[str, ...]
    """Names (as written) used as error codes: ``error_code=NAME``, ``error_code = NAME``."""
    import_targets: tuple[str, ...]
    """Every import in the file, at any depth (a test imports inside its functions too), as the
    full dotted target: ``import a.b`` -> ``a.b``, ``from a import b`` -> ``a.b``, ``from . import
    b`` -> ``.b`` (``imports`` keeps only the module-level bindings). See ``import_target_names``."""
    positional_code_refs: tuple[tuple[str, str, bool], ...]
    """Names passed at the error-code position of an exception call, with the callee as
    ``code_callee`` gives it: they are codes only when the callee is a Vectra exception."""
    error_ids: tuple[str, ...]
    """Top-level classes that give their instances an ``error_id`` from a UUID (VL308): in their
    ``__init__`` (``self.error_id = str(uuid4())``) or as a class-level field."""


def base_name(node: cst.BaseExpression) -> str | None:
    """The dotted name of a class base (``Generic[T]`` -> ``Generic``)."""
    if isinstance(node, cst.Subscript):
        node = node.value
    return dotted_name(node)


def annotation_names(annotation: cst.BaseExpression) -> tuple[str, ...]:
    """The names an annotation mentions, as written, outermost first (``dict[str, list[User]]`` ->
    ``dict``, ``str``, ``list``, ``User``); a string annotation (``"User"``) is read as the name it holds."""
    found: list[str] = []
    stack: list[cst.BaseExpression] = [annotation]
    while stack:
        node = stack.pop()
        name = dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if name is not None:
            found.append(name)
        elif isinstance(node, cst.Subscript):
            stack.extend(
                element.slice.value for element in reversed(node.slice) if isinstance(element.slice, cst.Index)
            )
            stack.append(node.value)
        elif isinstance(node, cst.BinaryOperation):
            stack.extend((node.right, node.left))
        elif isinstance(node, (cst.List, cst.Tuple)):
            stack.extend(element.value for element in reversed(node.elements))
        else:
            text = string_value(node)
            if text is not None and text.replace(".", "").replace("_", "").isalnum():
                found.append(text)
    return tuple(dict.fromkeys(found))


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain (non-bytes, non-f) string literal."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def is_exception_call_name(func: cst.BaseExpression) -> bool:
    """Whether a callee is named like an exception class (``...Error``, ``...Exception``)."""
    # Exact types: see `dotted_name`.
    if type(func) is cst.Attribute:
        return func.attr.value.endswith(EXCEPTION_SUFFIXES)
    if type(func) is cst.Name:
        return func.value.endswith(EXCEPTION_SUFFIXES)
    return False


def error_code_arguments(call: cst.Call, position: int) -> list[cst.BaseExpression]:
    """The expressions passed as an error code: ``error_code=...``, or the positional argument at
    ``position`` of a call of an exception class (none when ``*args`` hides the positions)."""
    if not is_exception_call_name(call.func):
        # Most calls: only an ``error_code=`` keyword can carry a code (a ``**`` argument has no keyword).
        return [arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == ERROR_CODE]
    found: list[cst.BaseExpression] = []
    positional = 0
    exception_call = True
    for arg in call.args:
        if arg.star:
            if arg.star == "*":
                exception_call = False
            continue
        if arg.keyword is not None:
            if arg.keyword.value == ERROR_CODE:
                found.append(arg.value)
        else:
            if exception_call and positional == position:
                found.append(arg.value)
            positional += 1
    return found


def is_keyword_value(call: cst.Call, value: cst.BaseExpression) -> bool:
    """Whether ``value`` (one of ``error_code_arguments``) is passed as ``error_code=``."""
    return any(arg.value is value and arg.keyword is not None for arg in call.args)


def code_callee(scope: ScopeTracker, func: cst.BaseExpression) -> tuple[str, bool]:
    """How the project index finds the class an exception call builds (``ProjectIndex.reads_code_position``):
    (its qualified import, True) when an import binds it, in any scope; (the name as written, False)
    for a module-level name or an unbound one; ("", False) when a function or class body binds it
    (a local class or a parameter: not followed)."""
    imported = scope.imported_name(func)
    if imported is not None:
        return imported, True
    dotted = dotted_name(func)
    if dotted is None:
        return "", False
    head = dotted.split(".", 1)[0]
    if any(head in scope.bindings(frame.node).other for frame in scope.frames[1:]):
        return "", False
    return dotted, False


def error_code_position(context: FileContext) -> int:
    """The configured position of the error code in exception calls (:data:`CODE_POSITION`)."""
    return context.settings.shared_option(CODE_POSITION)


def import_target_names(node: cst.Import | cst.ImportFrom) -> list[str]:
    """The full dotted targets of an import statement (``ModuleFacts.import_targets``); a star
    import names its module."""
    if isinstance(node, cst.Import):
        return [dotted_name(alias.name) or "" for alias in node.names]
    base = _import_target(node)
    if isinstance(node.names, cst.ImportStar):
        return [base]
    return [
        f"{base}.{name}" if base and not base.endswith(".") else f"{base}{name}"
        for name in (dotted_name(alias.name) or "" for alias in node.names)
    ]


def _import_target(module: cst.ImportFrom) -> str:
    base = dotted_name(module.module) if module.module is not None else ""
    return "." * len(module.relative) + (base or "")


class ModuleSummary(Analysis):
    """Collects the module's imports, classes, constants and functions' calls (see :class:`ModuleFacts`)."""

    requires = (BlockingCalls,)
    options = (CODE_POSITION,)

    def __init__(self, context: FileContext) -> None:
        """Start summarising one file."""
        super().__init__(context)
        self._blocking = context.analysis(BlockingCalls)
        self._imports: dict[str, str] = {}
        self._stars: list[str] = []
        self._aliases: dict[str, str] = {}
        self._opaque: set[str] = set()
        self._instances: dict[str, str] = {}
        self._classes: dict[str, ClassFacts] = {}
        self._class_nodes: dict[int, str] = {}
        self._constants: dict[str, str] = {}
        self._functions: dict[str, FunctionFacts] = {}
        self._function_nodes: dict[int, str] = {}
        self._calls: dict[str, list[str]] = {}
        self._blocking_calls: dict[str, list[tuple[str, str, str]]] = {}
        self._code_refs: list[str] = []
        self._import_targets: list[str] = []
        self._positional_refs: list[tuple[str, str, bool]] = []
        self._error_ids: list[str] = []
        self.offloaded: set[int] = set()
        """Calls inside the arguments of ``asyncio.to_thread``/``run_in_executor``: they are not made on the loop."""
        self._position = self.option(CODE_POSITION)
        self._last_call = 0
        self._last_arguments: list[cst.BaseExpression] = []
        self._facts: ModuleFacts | None = None
        self.index: ProjectIndex | None = None
        """This file's own index, built on first use by the rules' ``finish`` (``file_index``)."""

    # Where the walk is: module level, a top-level class body, or a recorded function.
    def _at_module_level(self) -> bool:
        return self.context.scope.at_module_level()

    def _top_class(self) -> str | None:
        # The frames themselves: ``scope.definitions()`` would build a list for every assignment.
        frames = self.context.scope.frames
        if len(frames) == 2 and type(frames[1].node) is cst.ClassDef:
            return self._class_nodes.get(id(frames[1].node))
        return None

    def function_name(self, node: cst.CSTNode | None) -> str | None:
        """The recorded qualified name (``f`` or ``Class.f``) of a function node, if it is recorded."""
        return self._function_nodes.get(id(node)) if node is not None else None

    def visit_Import(self, node: cst.Import) -> None:
        """Record module-level ``import x``."""
        self._import_targets.extend(import_target_names(node))
        if not self._at_module_level():
            return
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                self._imports[alias.asname.name.value] = full
            else:
                top = full.split(".")[0]
                self._imports[top] = top

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Record module-level ``from x import y``."""
        self._import_targets.extend(import_target_names(node))
        if not self._at_module_level():
            return
        base = _import_target(node)
        if isinstance(node.names, cst.ImportStar):
            self._stars.append(base)
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            bound = name
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                bound = alias.asname.name.value
            self._imports[bound] = f"{base}.{name}" if base and not base.endswith(".") else f"{base}{name}"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Record a top-level class and its bases."""
        if not self.context.scope.defined_at_module_level():
            return
        name = node.name.value
        bases = tuple(b for b in (base_name(arg.value) for arg in node.bases if arg.keyword is None) if b)
        self._classes[name] = ClassFacts(bases=bases, default_code=False, strings={}, init_code=NO_INIT, fields={})
        self._class_nodes[id(node)] = name

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Record a module-level function or a method of a top-level class."""
        scope = self.context.scope
        owner_node = scope.enclosing_definition()
        if scope.defined_at_module_level():
            qualname = node.name.value
        elif owner_node is not None and id(owner_node) in self._class_nodes:  # a method of a top-level class
            owner = self._class_nodes[id(owner_node)]
            qualname = f"{owner}.{node.name.value}"
            if node.name.value == "__init__":
                if _defaults_error_code(node):
                    self._classes[owner]["default_code"] = True
                self._classes[owner]["init_code"] = _required_code_position(node)
        else:
            return
        self._function_nodes[id(node)] = qualname
        if qualname not in self._functions:
            self._functions[qualname] = FunctionFacts(is_async=node.asynchronous is not None, calls=(), blocking=())

    def visit_Assign(self, node: cst.Assign) -> None:
        """Record module-level constants and aliases, and class attributes of top-level classes."""
        frames = self.context.scope.frames
        depth = len(frames)
        if depth == 1:
            for target in node.targets:
                self._bind_module(target.target, node.value)
        elif depth == 2 and type(frames[1].node) is cst.ClassDef:
            owner = self._class_nodes.get(id(frames[1].node))
            if owner is not None:
                for target in node.targets:
                    if type(target.target) is cst.Name:
                        self._bind_class(owner, target.target.value, node.value)
                        self._classes[owner]["fields"].setdefault(target.target.value, ())
        elif depth == 3:
            for target in node.targets:
                self._note_error_id(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """Like ``visit_Assign`` for annotated assignments with a value; a class-body annotation
        with or without a value is a field."""
        if node.value is None:
            owner = self._top_class()
            if owner is not None and type(node.target) is cst.Name:
                self._classes[owner]["fields"][node.target.value] = annotation_names(node.annotation.annotation)
            return
        if self._at_module_level():
            self._bind_module(node.target, node.value)
            annotation = dotted_name(node.annotation.annotation)
            if isinstance(node.target, cst.Name) and annotation is not None:
                self._instances[node.target.value] = annotation
            return
        owner = self._top_class()
        if owner is not None and isinstance(node.target, cst.Name):
            self._bind_class(owner, node.target.value, node.value)
            self._classes[owner]["fields"][node.target.value] = annotation_names(node.annotation.annotation)
        elif len(self.context.scope.frames) == 3:
            self._note_error_id(node.target, node.value)

    def _note_error_id(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``self.error_id = <a UUID>`` in the ``__init__`` of a top-level class."""
        if type(target) is not cst.Attribute or target.attr.value != ERROR_ID:
            return
        if type(target.value) is not cst.Name or target.value.value != "self":
            return
        qualname = self._function_nodes.get(id(self.context.scope.frames[-1].node))
        if qualname is not None and qualname.endswith(".__init__") and is_uuid(self.context.code_for(value)):
            self._error_ids.append(qualname.split(".", 1)[0])

    def _bind_module(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not isinstance(target, cst.Name):
            if isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    if isinstance(element.value, cst.Name):
                        self._opaque.add(element.value.value)
            return
        name = target.value
        text = string_value(value)
        self._constants.pop(name, None)
        self._aliases.pop(name, None)
        self._opaque.discard(name)
        self._instances.pop(name, None)
        if isinstance(value, cst.Call):
            made_from = dotted_name(value.func)
            if made_from is not None:
                self._instances[name] = made_from
        if text is not None:
            self._constants[name] = text
            return
        alias = dotted_name(value)
        if alias is not None and alias != name:
            self._aliases[name] = alias
        else:
            self._opaque.add(name)

    def _bind_class(self, owner: str, name: str, value: cst.BaseExpression) -> None:
        facts = self._classes[owner]
        if name == ERROR_ID and is_uuid(self.context.code_for(value)):
            self._error_ids.append(owner)
        if name == ERROR_CODE:
            if not (isinstance(value, cst.Name) and value.value == "None"):
                facts["default_code"] = True
            reference = dotted_name(value)
            if reference is not None and reference != "None":
                self._code_refs.append(reference)
        text = string_value(value)
        if text is not None:
            facts["strings"][name] = text

    def visit_Call(self, node: cst.Call) -> None:
        """Record the call in its function (unless offloaded to a thread) and error-code references."""
        key = id(node)
        offloaded = key in self.offloaded
        func = node.func
        # Exact types: see `dotted_name`.
        if type(func) is cst.Attribute:
            tail: str | None = func.attr.value
        else:
            tail = func.value if type(func) is cst.Name else None
        if tail in OFFLOADERS:
            # Every call below it (its arguments, and its callee's own calls) runs off the loop:
            # noted here once, rather than a leave handler on every call of the file.
            self.offloaded.update(id(call) for call in iter_nodes(node, cst.Call) if call is not node)
        if node.args:
            arguments = error_code_arguments(node, self._position)
            for value in arguments:
                reference = dotted_name(value)
                if reference is None or reference == "None":
                    continue
                if is_keyword_value(node, value):
                    self._code_refs.append(reference)
                else:
                    self._positional_refs.append((reference, *code_callee(self.context.scope, func)))
        else:
            arguments = []
        self._last_call = key
        self._last_arguments = arguments
        frames = self.context.scope.frames
        if offloaded or not frames:
            return
        qualname = self._function_nodes.get(id(frames[-1].node))
        if qualname is None:
            return
        callee = dotted_name(func)
        if callee is not None:
            self._calls.setdefault(qualname, []).append(callee)
        found = self._blocking.match(node)
        if found is not None:
            text = self.context.code_for(func)
            self._blocking_calls.setdefault(qualname, []).append((found.code, found.qualified, text))

    def code_arguments(self, node: cst.Call) -> list[cst.BaseExpression]:
        """``error_code_arguments`` of a call, computed once: rules ask right after this analysis saw it."""
        if self._last_call == id(node):
            return self._last_arguments
        return error_code_arguments(node, self._position) if node.args else []

    def finish(self) -> None:
        """Keep only the calls that may reach project code, and freeze the facts."""
        module_level = set(self._imports) | set(self._classes) | set(self._aliases)
        module_level |= {name for name in self._functions if "." not in name}
        functions: dict[str, FunctionFacts] = {}
        for qualname, facts in self._functions.items():
            method = "." in qualname
            calls = tuple(
                dict.fromkeys(
                    callee
                    for callee in self._calls.get(qualname, ())
                    if callee.split(".", 1)[0] in module_level
                    or (method and callee.split(".", 1)[0] in ("self", "cls") and callee.count(".") == 1)
                )
            )
            blocking = tuple(self._blocking_calls.get(qualname, ()))
            functions[qualname] = FunctionFacts(is_async=facts["is_async"], calls=calls, blocking=blocking)
        settings = self.context.settings
        self._facts = ModuleFacts(
            names=module_names(self.context.path, settings.root),
            package=is_package_file(self.context.path),
            base=package_base(self.context.path, settings.root),
            imports=self._imports,
            stars=tuple(self._stars),
            aliases=self._aliases,
            opaque=tuple(sorted(self._opaque)),
            instances=self._instances,
            classes=self._classes,
            constants=self._constants,
            functions=functions,
            code_refs=tuple(dict.fromkeys(self._code_refs)),
            import_targets=tuple(dict.fromkeys(self._import_targets)),
            positional_code_refs=tuple(dict.fromkeys(self._positional_refs)),
            error_ids=tuple(dict.fromkeys(self._error_ids)),
        )

    def facts(self) -> object:
        """This module's :class:`ModuleFacts`."""
        return self._facts

    @property
    def module_facts(self) -> ModuleFacts:
        """The facts, once the walk is over (for the rules' ``finish``)."""
        assert self._facts is not None, "the summary is complete only after the walk"
        return self._facts


def _defaults_error_code(init: cst.FunctionDef) -> bool:
    """Whether an ``__init__`` gives ``error_code`` a default: a parameter default or a literal
    passed on to ``super().__init__(..., error_code=...)``."""
    params = init.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == ERROR_CODE and param.default is not None:
            return not (isinstance(param.default, cst.Name) and param.default.value == "None")
    if not isinstance(init.body, cst.IndentedBlock):
        return False
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            call = small.value if isinstance(small, cst.Expr) else None
            if not isinstance(call, cst.Call):
                continue
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == ERROR_CODE:
                    value = arg.value
                    if isinstance(value, cst.Name) and value.value in (ERROR_CODE, "None"):
                        continue
                    return True
    return False


def _required_code_position(init: cst.FunctionDef) -> int:
    """``ClassFacts.init_code`` for an ``__init__``."""
    params = init.params
    positional = [*params.posonly_params, *params.params][1:]  # without `self`
    for index, param in enumerate(positional):
        if param.name.value == ERROR_CODE:
            return index if param.default is None else CODE_OPTIONAL
    for param in params.kwonly_params:
        if param.name.value == ERROR_CODE:
            return KEYWORD_ONLY if param.default is None else CODE_OPTIONAL
    return CODE_OPTIONAL


def summary_facts(facts: object) -> ModuleFacts:
    """The facts of one file as left by :class:`ModuleSummary` (typed view)."""
    return cast(ModuleFacts, facts)


INDEX_ANALYSES: tuple[type[Analysis], ...] = (BlockingCalls, ModuleSummary)
"""What a rule using the project index declares in ``analyses`` (the summary reads the matcher)."""
