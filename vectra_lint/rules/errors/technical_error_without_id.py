"""VL308 technical-error-without-id."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from vectra_lint.analysis.module_summary import ERROR_ID, is_uuid
from vectra_lint.analysis.project_index import ProjectIndex, SymbolKind, Tri
from vectra_lint.analysis.rule_bases import Candidate, IndexRule, Verdict
from vectra_lint.api import Expect, Invalid, Message, Valid
from vectra_lint.engine.context import FileContext
from vectra_lint.engine.scope import dotted_name

INIT = "__init__"


@dataclass
class _Class:
    node: cst.ClassDef
    bases: tuple[str, ...]
    top_level: bool
    init: cst.FunctionDef | None = None
    calls_base: bool = False
    sets_id: bool = False
    anchor: cst.CSTNode | None = None
    id_statements: list[cst.CSTNode] = field(default_factory=list)


@dataclass(frozen=True)
class BypassingInit(Candidate):
    """A technical error that sets no ``error_id``: a subclass whose ``__init__`` does not call its
    base's, or the technical base itself without an ``__init__`` (it inherits its base's)."""

    name: str
    inherits: bool = False


@dataclass(frozen=True)
class TechnicalErrorWithoutIdMessage(Message):
    """Names the class, and whether it is the base or a subclass bypassing the base's ``__init__``."""

    name: str
    bypasses: bool

    def __str__(self) -> str:
        """The text users see."""
        if self.bypasses:
            return (
                f"Technical error `{self.name}` overrides `__init__` without calling its base's and sets no "
                "`self.error_id` from `uuid.uuid4()` (§15)"
            )
        return f"Technical error base `{self.name}` sets no `self.error_id` from `uuid.uuid4()` (§15)"


class TechnicalErrorWithoutId(IndexRule[BypassingInit]):
    """
    ## What it does
    Flags the technical exception base (`TechnicalError`, the `technical-base` name of
    `[tool.vectra-lint.names]`) when it does not give each instance a unique id: an assignment
    `self.error_id = ...` in its `__init__` (or a class-level `error_id` field) from
    `uuid.uuid4()` (`str(uuid4())`, `uuid4().hex`, a helper named like `new_uuid()`). Also
    flags a subclass of it (resolved across the project) that overrides `__init__` without
    calling its base's (`super().__init__(...)` or `Base.__init__(self, ...)`), and so skips the
    id, unless it sets one itself. Reported at the class name.

    ## Why is this bad?
    §15: technical (5xx) errors "MUST generate and log a unique `error_id` (UUID)". The id is what
    a user quotes to support and what finds the traceback in the logs; the global handler puts it
    in the response as `id`. An error without one cannot be traced.

    ## Notes
    Setting the public attribute `self.error_id` is what exposes it: the exception handler
    reads `exc.error_id` to log it and to return it. Subclasses that do not override `__init__`
    inherit the base's id and are never reported.
    """

    code = "VL308"
    name = "technical-error-without-id"
    message = "Technical error sets no `self.error_id` from `uuid.uuid4()` (§15)"
    valid = (
        Valid(
            "from uuid import uuid4\n\n\nclass TechnicalError(VectraException):\n"
            "    def __init__(self, message: str) -> None:\n        super().__init__(message)\n"
            "        self.error_id = str(uuid4())\n\n\nclass DatabaseError(TechnicalError):\n"
            "    def __init__(self, table: str) -> None:\n"
            '        super().__init__(f"Database failure on {table}")\n        self.table = table\n'
        ),
    )
    invalid = (
        Invalid(
            'class VectraException(Exception):\n    error_code = "INTERNAL_ERROR"\n\n\n'
            "class TechnicalError(VectraException):\n"
            "    def __init__(self, message: str) -> None:\n        super().__init__(message)\n",
            expected=(Expect(5, 7, TechnicalErrorWithoutIdMessage("TechnicalError", bypasses=False)),),
        ),
        Invalid(
            "import uuid\n\n\nclass TechnicalError(VectraException):\n"
            "    def __init__(self, message: str) -> None:\n        super().__init__(message)\n"
            "        self.error_id = uuid.uuid4().hex\n\n\nclass DatabaseError(TechnicalError):\n"
            "    def __init__(self, message: str) -> None:\n        Exception.__init__(self, message)\n",
            expected=(Expect(10, 7, TechnicalErrorWithoutIdMessage("DatabaseError", bypasses=True)),),
        ),
    )

    call_names = frozenset({INIT})

    def __init__(self, context: FileContext) -> None:
        """Start collecting the file's classes."""
        super().__init__(context)
        self._open: list[_Class] = []
        self._done: list[_Class] = []
        self._base = context.settings.names.technical_base

    def applies(self) -> bool:
        """Only files that define a class with an ``__init__``, or the technical base."""
        return self.context.mentions("class") and (self.context.mentions(INIT) or self.context.mentions(self._base))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """Open a class."""
        bases = tuple(name for name in (dotted_name(arg.value) for arg in node.bases if arg.keyword is None) if name)
        self._open.append(_Class(node, bases, self.context.scope.defined_at_module_level()))
        self._open[-1].anchor = self.context.current_statement

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        """Close a class."""
        if self._open and self._open[-1].node is node:
            self._done.append(self._open.pop())

    def _owner(self) -> _Class | None:
        """The class whose ``__init__`` the walk is directly in."""
        if not self._open:
            return None
        owner = self._open[-1]
        return owner if owner.init is not None and self.context.scope.function() is owner.init else None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Note the ``__init__`` defined directly in the class being walked."""
        if node.name.value == INIT and self._open and self.context.scope.enclosing_definition() is self._open[-1].node:
            self._open[-1].init = node

    def visit_Call(self, node: cst.Call) -> None:
        """``super().__init__(...)`` or ``Base.__init__(self, ...)`` in the ``__init__``."""
        owner = self._owner()
        func = node.func
        if owner is None or type(func) is not cst.Attribute or func.attr.value != INIT:
            return
        receiver = func.value
        if type(receiver) is cst.Call and type(receiver.func) is cst.Name and receiver.func.value == "super":
            owner.calls_base = True
        elif dotted_name(receiver) in owner.bases:
            owner.calls_base = True

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if value is None or not self._open:
            return
        owner = self._open[-1]
        in_body = self.context.scope.frames[-1].node is owner.node
        if in_body:
            sets = type(target) is cst.Name and target.value == ERROR_ID
        else:
            sets = (
                self._owner() is owner
                and type(target) is cst.Attribute
                and target.attr.value == ERROR_ID
                and type(target.value) is cst.Name
                and target.value.value == "self"
            )
        if sets and is_uuid(self.context.code_for(value)):
            owner.sets_id = True

    def visit_Assign(self, node: cst.Assign) -> None:
        """``self.error_id = ...`` in the ``__init__``, or ``error_id = ...`` in the class body."""
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``error_id: str = field(default_factory=...)`` and ``self.error_id: str = ...``."""
        self._assigned(node.target, node.value)

    def finish(self) -> None:
        """Report the base without an id, and judge the subclasses that bypass the base's ``__init__``."""
        for found in self._done:
            if found.sets_id or not found.top_level:
                continue
            name = found.node.name.value
            if name == self._base and found.init is not None and not found.calls_base:
                self.report(found.node.name, TechnicalErrorWithoutIdMessage(name, False), anchor=found.anchor)
            elif name == self._base:
                candidate = BypassingInit(self.context.path, name, inherits=True)
                self.judge(found.node.name, candidate, anchor=found.anchor)
            elif found.init is not None and not found.calls_base:
                candidate = BypassingInit(self.context.path, name)
                self.judge(found.node.name, candidate, anchor=found.anchor)

    @classmethod
    def decide(cls, index: ProjectIndex, candidate: BypassingInit) -> Verdict:
        """Whether the class descends from the technical base (for the base itself without an
        ``__init__``: whether all its bases are outside the project, none of which sets an id)."""
        if candidate.inherits:
            found = _ancestor_sets_id(index, candidate.path, candidate.name, set())
            if found is Tri.NO:
                return Verdict(Tri.YES, TechnicalErrorWithoutIdMessage(candidate.name, False))
            return Verdict(Tri.DEFER if found is Tri.DEFER else Tri.NO)
        technical = index.flags_of(candidate.path, candidate.name).technical
        if technical is Tri.YES:
            return Verdict(Tri.YES, TechnicalErrorWithoutIdMessage(candidate.name, True))
        return Verdict(Tri.DEFER if technical is Tri.DEFER else Tri.NO)


def _ancestor_sets_id(index: ProjectIndex, path: str, name: str, seen: set[tuple[str, str]]) -> Tri:
    """Whether a project base class of ``path``'s class ``name`` sets an ``error_id`` (YES), may
    (UNKNOWN, DEFER: a base the index cannot see or follow), or none does (NO)."""
    if (path, name) in seen:
        return Tri.UNKNOWN
    seen.add((path, name))
    facts = index.modules[path]["classes"].get(name)
    found = Tri.NO
    for base in facts["bases"] if facts is not None else ():
        symbol = index.resolve(path, base)
        if symbol is None or symbol.kind is SymbolKind.OPAQUE:
            found = max(found, Tri.UNKNOWN)
        elif symbol.kind is SymbolKind.MISSING:
            found = max(found, Tri.DEFER if index.partial else Tri.UNKNOWN)
        elif symbol.kind is SymbolKind.CLASS:
            if symbol.name in index.modules[symbol.module]["error_ids"]:
                return Tri.YES
            found = max(found, _ancestor_sets_id(index, symbol.module, symbol.name, seen))
    return found
