"""The project index: cross-module answers from the module summaries of every checked file.

Built once per run (``ProjectIndex.of(project)``, cached in ``Project.cache``) from the facts the
workers left, never from a second parse. The same class also serves one file on its own
(``ProjectIndex.for_file``) in the worker, where anything that depends on another project module
comes back as :attr:`Tri.DEFER`: the rule then reports a *pending* diagnostic and decides again
in the project phase with the full index.

Answers are three-valued plus "deferred" (:class:`Tri`). ``UNKNOWN`` is final: a base class or
constant in a project module that was not checked (pre-commit passes only the changed files), a
name bound to something the index does not follow. Rules give it the benefit of the doubt.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vectra_lint.analysis.module_names import ProjectModules
from vectra_lint.analysis.module_summary import ClassFacts, FunctionFacts, ModuleFacts, ModuleSummary, summary_facts
from vectra_lint.config.settings import Names, Settings

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.engine.context import FileContext

CACHE_KEY = "vectra_lint.analysis.project_index"
MAX_DEPTH = 32
"""Alias and re-export chains longer than this are not followed (``x = x.y`` grows one forever)."""

BUILTIN_NAMES = frozenset(dir(builtins))
BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)
EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt")
"""How library exception classes are recognised by name (the index does not read libraries)."""


class Tri(enum.IntEnum):
    """An answer: no, cannot be known, depends on modules not indexed here, yes (ordered for ``any_of``)."""

    NO = 0
    UNKNOWN = 1
    DEFER = 2
    YES = 3


def any_of(values: Iterable[Tri]) -> Tri:
    """Kleene "or": yes if any is yes, else deferred if any is, else unknown if any is, else no."""
    return max(values, default=Tri.NO)


class SymbolKind(enum.Enum):
    """What a resolved name is."""

    CLASS = "class"
    FUNCTION = "function"
    CONSTANT = "constant"
    MODULE = "module"
    BUILTIN = "builtin"
    EXTERNAL = "external"
    """A library or standard-library name; ``module`` holds its full dotted name."""
    MISSING = "missing"
    """In a project module that is not indexed (deferred in a worker, unknown in the project phase)."""
    OPAQUE = "opaque"
    """Bound to something the index does not follow (a call's result, a dynamic attribute)."""


@dataclass(frozen=True)
class Symbol:
    """A resolved name: for project symbols ``module`` is the file's root-relative path and
    ``name`` the qualified name inside it (``Class``, ``Class.method``, ``CONSTANT``)."""

    kind: SymbolKind
    module: str
    name: str = ""


class _Question:
    """One question to the index (``resolve``, ``resolve_import``): the names (file, dotted name)
    being looked up, outermost first, and the outermost of them that a lookup below met again."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str], int] = {}
        self.met = _NOT_MET
        self.lookups = 0


_NOT_MET = 1 << 30
_CUT = -1
"""``_Question.met`` of a lookup cut short (the depth bound, ``MAX_LOOKUPS``): its answer holds
for that question only."""
MAX_LOOKUPS = 5_000
"""Lookups one question may make. Star imports that all import each other (every module of a
package star-importing every other) still have as many ways through them as orders of their
modules; past this, a name is not followed further (opaque, as past ``MAX_DEPTH``)."""


@dataclass(frozen=True)
class ClassFlags:
    """What a class is, through all of its bases."""

    exception: Tri
    """Descends from ``BaseException``."""
    vectra: Tri
    """Is or descends from the exception base (``VectraException``)."""
    technical: Tri
    """Is or descends from the technical base (``TechnicalError``)."""
    default_code: Tri
    """It or a base sets a default error code."""


_ALL_UNKNOWN = ClassFlags(Tri.UNKNOWN, Tri.UNKNOWN, Tri.UNKNOWN, Tri.UNKNOWN)
_ALL_DEFER = ClassFlags(Tri.DEFER, Tri.DEFER, Tri.DEFER, Tri.DEFER)
_PLAIN = ClassFlags(Tri.NO, Tri.NO, Tri.NO, Tri.NO)


@dataclass(frozen=True)
class Chain:
    """Whether a call leads to a blocking call, and through which functions."""

    found: Tri
    steps: tuple[str, ...] = ()
    """Function names, then the blocking call as written (``load_csv``, ``_read``, ``pd.read_csv``)."""
    code: str = ""
    """The rule of the blocking call at the end (``VL205``)."""


class ProjectIndex:
    """Name resolution, class hierarchy, constants and call chains over a set of module summaries."""

    def __init__(self, modules: Mapping[str, ModuleFacts], settings: Settings, *, partial: bool) -> None:
        """Build the index from the modules of one run."""
        self.modules = modules
        self.names: Names = settings.names
        self.partial = partial
        """True for one file's own index in a worker: other project modules are deferred."""
        bases = tuple(sorted({facts["base"] for facts in modules.values() if facts["base"]}))
        self._project = ProjectModules(settings.root, bases)
        by_name: dict[str, str] = {}
        clashes: set[str] = set()
        for path in sorted(modules):
            for name in modules[path]["names"]:
                if name in by_name and by_name[name] != path:
                    clashes.add(name)
                by_name.setdefault(name, path)
        # Two files claiming one module name cannot both be it; guessing would mislead.
        self._by_name = {name: path for name, path in by_name.items() if name not in clashes}
        self._answers: dict[tuple[str, str], Symbol | None] = {}
        """What names resolve to, by (file, dotted name), where that holds for every question."""
        self._class_flags: dict[Symbol, ClassFlags] = {}
        self._visiting: set[Symbol] = set()
        self._code_constants: frozenset[tuple[str, str]] | None = None

    @classmethod
    def of(cls, project: Project) -> ProjectIndex:
        """The index of every checked file, built on first use and cached for the run."""
        found = project.cache.get(CACHE_KEY)
        if not isinstance(found, ProjectIndex):
            facts = {path: summary_facts(value) for path, value in project.facts_of(ModuleSummary).items()}
            found = cls(facts, project.settings, partial=False)
            project.cache[CACHE_KEY] = found
        return found

    @classmethod
    def for_file(cls, path: str, facts: ModuleFacts, settings: Settings) -> ProjectIndex:
        """The index of one file alone (in its worker); other project modules are deferred."""
        return cls({path: facts}, settings, partial=True)

    @property
    def _missing(self) -> Tri:
        return Tri.DEFER if self.partial else Tri.UNKNOWN

    # Name resolution.
    def resolve(self, path: str, dotted: str) -> Symbol | None:
        """What ``dotted`` (as written at module level of the file ``path``) refers to.

        None when the module does not bind the name at all (a local variable, a typo).
        """
        return self._resolve(path, dotted, 0, _Question())

    def resolve_import(self, path: str, target: str) -> Symbol:
        """What an import of ``target`` (``pkg.mod.name``, or relative ``..mod.name``) in ``path`` binds."""
        return self._resolve_import(path, target, 0, _Question())

    def _resolve(self, path: str, dotted: str, depth: int, question: _Question) -> Symbol | None:
        """``resolve``, each name of each module looked up once. Modules that star-import each
        other (``pkg/__init__.py`` star-imports its modules, which star-import ``pkg``) lead back
        to names being looked up: followed again each time, the lookups multiplied with every star
        import up to the depth bound (one file of litellm ran for hours). Met again, a name being
        looked up binds nothing new there (as the depth bound gave). An answer that met no name
        looked up outside it is the same whoever asks: it is kept for the index's later questions."""
        key = (path, dotted)
        if key in self._answers:
            return self._answers[key]
        at = question.open.get(key)
        if at is not None:
            question.met = min(question.met, at)
            return Symbol(SymbolKind.OPAQUE, path, dotted)
        question.lookups += 1
        if question.lookups > MAX_LOOKUPS:
            question.met = _CUT
            return Symbol(SymbolKind.OPAQUE, path, dotted)
        at = question.open[key] = len(question.open)
        outer, question.met = question.met, _NOT_MET
        found = self._lookup(path, dotted, depth, question)
        del question.open[key]
        if question.met >= at:
            self._answers[key] = found
            question.met = outer
        else:
            question.met = min(outer, question.met)
        return found

    def _lookup(self, path: str, dotted: str, depth: int, question: _Question) -> Symbol | None:
        facts = self.modules.get(path)
        if facts is None:
            return Symbol(SymbolKind.OPAQUE, path, dotted)
        if depth > MAX_DEPTH:
            question.met = _CUT
            return Symbol(SymbolKind.OPAQUE, path, dotted)
        head, _, rest = dotted.partition(".")
        classes = facts["classes"]
        if head in classes:
            if not rest:
                return Symbol(SymbolKind.CLASS, path, head)
            attribute, _, more = rest.partition(".")
            if attribute in classes[head]["strings"] and more in ("", "value"):
                return Symbol(SymbolKind.CONSTANT, path, f"{head}.{attribute}")
            if f"{head}.{attribute}" in facts["functions"] and not more:
                return Symbol(SymbolKind.FUNCTION, path, f"{head}.{attribute}")
            return Symbol(SymbolKind.OPAQUE, path, dotted)
        if head in facts["functions"]:
            return Symbol(SymbolKind.FUNCTION, path, head) if not rest else Symbol(SymbolKind.OPAQUE, path, dotted)
        if head in facts["constants"]:
            return Symbol(SymbolKind.CONSTANT, path, head) if not rest else Symbol(SymbolKind.OPAQUE, path, dotted)
        if head in facts["imports"]:
            target = facts["imports"][head]
            return self._resolve_import(path, f"{target}.{rest}" if rest else target, depth, question)
        if head in facts["aliases"]:
            alias = facts["aliases"][head]
            return self._resolve(path, f"{alias}.{rest}" if rest else alias, depth + 1, question)
        if head in facts["opaque"]:
            return Symbol(SymbolKind.OPAQUE, path, dotted)
        # A module the index does not have may bind the name, unless another star's module does.
        missing: Symbol | None = None
        for star in facts["stars"]:
            found = self._from_star(path, star, dotted, depth, question)
            if found is None or found.kind in (SymbolKind.OPAQUE, SymbolKind.EXTERNAL):
                continue
            if found.kind is not SymbolKind.MISSING:
                return found
            missing = missing or found
        if head in BUILTIN_NAMES and not rest:
            return Symbol(SymbolKind.BUILTIN, "builtins", head)
        return missing

    def _resolve_import(self, path: str, target: str, depth: int, question: _Question) -> Symbol:
        candidates = self._absolute(path, target)
        first: Symbol | None = None
        for full in candidates:
            found = self._resolve_absolute(full, depth, question)
            if found.kind is not SymbolKind.MISSING:
                return found
            first = first or found
        return first or Symbol(SymbolKind.MISSING, target)

    def _from_star(self, path: str, star: str, dotted: str, depth: int, question: _Question) -> Symbol | None:
        """What ``from star import *`` in ``path`` binds as ``dotted``. A star import names a
        module, never a name inside one: when that module is not indexed, the name is in a module
        the index does not have, not in a package above it (where looking it up, as an attribute
        named after the star's own module, led to the package's stars again, and each time with
        a longer name)."""
        candidates = self._absolute(path, star)
        for full in candidates:
            if full in self._by_name:
                return self._resolve_absolute(f"{full}.{dotted}", depth, question)
        return self._not_indexed(candidates[0] if candidates else star)

    def _absolute(self, path: str, target: str) -> list[str]:
        """``target`` (``..core.x``) made absolute against each name of the importing module; an
        absolute ``target`` as it is."""
        if not target.startswith("."):
            return [target]
        level = len(target) - len(target.lstrip("."))
        rest = target[level:]
        facts = self.modules[path]
        found: list[str] = []
        for name in facts["names"]:
            package = name.split(".") if facts["package"] else name.split(".")[:-1]
            if level - 1 > len(package):
                continue
            base = package[: len(package) - (level - 1)]
            full = ".".join([*base, rest] if rest else base)
            if full:
                found.append(full)
        return found

    def _resolve_absolute(self, full: str, depth: int, question: _Question) -> Symbol:
        parts = full.split(".")
        for end in range(len(parts), 0, -1):
            path = self._by_name.get(".".join(parts[:end]))
            if path is None:
                continue
            if end == len(parts):
                shadowing = self._package_binding(parts, depth, question)
                return shadowing if shadowing is not None else Symbol(SymbolKind.MODULE, path)
            found = self._resolve(path, ".".join(parts[end:]), depth + 1, question)
            return found if found is not None else Symbol(SymbolKind.OPAQUE, path, ".".join(parts[end:]))
        return self._not_indexed(full)

    def _not_indexed(self, full: str) -> Symbol:
        """The module ``full``, which the index does not have: a project module not checked
        (MISSING), or a library's (EXTERNAL)."""
        return Symbol(SymbolKind.MISSING if self._project.is_project(full) else SymbolKind.EXTERNAL, full)

    def _package_binding(self, parts: list[str], depth: int, question: _Question) -> Symbol | None:
        """What the package ``parts[:-1]`` binds as ``parts[-1]`` when that is not the submodule
        itself: ``from cat import log`` gets the ``log`` object that ``cat/__init__.py`` rebinds
        with ``from .log import log``, as Python does."""
        if len(parts) < 2:
            return None
        package = self._by_name.get(".".join(parts[:-1]))
        if package is None or not self.modules[package]["package"]:
            return None
        facts = self.modules[package]
        name = parts[-1]
        target = facts["imports"].get(name)
        if target is None and name not in facts["aliases"] and name not in facts["opaque"]:
            return None
        if target is not None and target in (f".{name}", ".".join(parts)):
            return None  # `from . import log`: the submodule itself
        return self._resolve(package, name, depth + 1, question)

    def function(self, symbol: Symbol) -> FunctionFacts | None:
        """The facts of a resolved project function."""
        if symbol.kind is not SymbolKind.FUNCTION:
            return None
        return self.modules[symbol.module]["functions"].get(symbol.name)

    def class_facts(self, symbol: Symbol) -> ClassFacts | None:
        """The facts of a resolved project class."""
        if symbol.kind is not SymbolKind.CLASS:
            return None
        return self.modules[symbol.module]["classes"].get(symbol.name)

    # The exception hierarchy.
    def flags(self, symbol: Symbol | None) -> ClassFlags:
        """What the class ``symbol`` is (exception, Vectra, technical, default code)."""
        if symbol is None:
            return _ALL_UNKNOWN
        kind = symbol.kind
        if kind is SymbolKind.CLASS:
            return self._flags_of_class(symbol)
        if kind is SymbolKind.BUILTIN:
            return ClassFlags(Tri.YES, Tri.NO, Tri.NO, Tri.NO) if symbol.name in BUILTIN_EXCEPTIONS else _PLAIN
        if kind is SymbolKind.EXTERNAL:
            return self._flags_by_name(symbol.module.rsplit(".", 1)[-1])
        if kind is SymbolKind.MISSING:
            return _ALL_DEFER if self.partial else _ALL_UNKNOWN
        return _ALL_UNKNOWN

    def flags_of(self, path: str, dotted: str) -> ClassFlags:
        """``flags`` of the name ``dotted`` as written in the file ``path``."""
        return self.flags(self.resolve(path, dotted))

    def _flags_by_name(self, name: str) -> ClassFlags:
        # A library may ship the hierarchy (a shared `vectra_common` package): its names count.
        names = self.names
        if name == names.technical_base:
            return ClassFlags(Tri.YES, Tri.YES, Tri.YES, Tri.UNKNOWN)
        if name in (names.exception_base, names.functional_base):
            return ClassFlags(Tri.YES, Tri.YES, Tri.NO, Tri.UNKNOWN)
        exception = Tri.YES if name.endswith(EXCEPTION_SUFFIXES) else Tri.NO
        return ClassFlags(exception, Tri.NO, Tri.NO, Tri.NO)

    def _flags_of_class(self, symbol: Symbol) -> ClassFlags:
        known = self._class_flags.get(symbol)
        if known is not None:
            return known
        if symbol in self._visiting:
            return _ALL_UNKNOWN  # a cycle of bases: Python would refuse it anyway
        facts = self.modules[symbol.module]["classes"][symbol.name]
        self._visiting.add(symbol)
        try:
            bases = [self.flags_of(symbol.module, base) for base in facts["bases"]]
        finally:
            self._visiting.discard(symbol)
        names = self.names
        flags = ClassFlags(
            exception=any_of(b.exception for b in bases),
            vectra=Tri.YES if symbol.name == names.exception_base else any_of(b.vectra for b in bases),
            technical=Tri.YES if symbol.name == names.technical_base else any_of(b.technical for b in bases),
            default_code=Tri.YES if facts["default_code"] else any_of(b.default_code for b in bases),
        )
        self._class_flags[symbol] = flags
        return flags

    # Constants.
    def constant(self, path: str, dotted: str) -> tuple[Tri, Symbol | None, str | None]:
        """Whether ``dotted`` (in the file ``path``) names a string constant, which, and its value."""
        symbol = self.resolve(path, dotted)
        if symbol is None:
            return Tri.NO, None, None
        if symbol.kind is SymbolKind.MISSING:
            return self._missing, None, None
        if symbol.kind is not SymbolKind.CONSTANT:
            return (Tri.UNKNOWN if symbol.kind is SymbolKind.OPAQUE else Tri.NO), None, None
        return Tri.YES, symbol, self.constant_value(symbol)

    def constant_value(self, symbol: Symbol) -> str | None:
        """The string a resolved constant holds."""
        facts = self.modules[symbol.module]
        owner, _, attribute = symbol.name.partition(".")
        if attribute:
            return facts["classes"][owner]["strings"].get(attribute)
        return facts["constants"].get(owner)

    def error_code_constants(self) -> frozenset[tuple[str, str]]:
        """(file, constant) pairs that some checked file uses as an error code."""
        if self._code_constants is None:
            used: set[tuple[str, str]] = set()
            for path, facts in self.modules.items():
                references = list(facts["code_refs"])
                references += [
                    reference
                    for reference, callee, imported in facts["positional_code_refs"]
                    if self.reads_code_position(path, callee, imported) is not Tri.NO
                ]
                for reference in references:
                    symbol = self.resolve(path, reference)
                    if symbol is not None and symbol.kind is SymbolKind.CONSTANT:
                        used.add((symbol.module, symbol.name))
            self._code_constants = frozenset(used)
        return self._code_constants

    def reads_code_position(self, path: str, callee: str, imported: bool) -> Tri:
        """Whether a call of ``callee`` (``module_summary.code_callee`` in the file ``path``) passes
        its error code positionally: a Vectra exception, or a name that cannot be resolved, does
        (YES); any other class (a builtin or library exception, a project one outside the
        hierarchy: ``OSError(2, "No such file")``) does not (NO)."""
        if not callee:
            return Tri.YES
        symbol = self.resolve_import(path, callee) if imported else self.resolve(path, callee)
        if symbol is None:
            return Tri.YES
        vectra = self.flags(symbol).vectra
        if vectra is Tri.NO or vectra is Tri.DEFER:
            return vectra
        return Tri.YES

    # Blocking call chains (VL207).
    def call_target(self, path: str, caller: str | None, callee: str) -> Symbol | None:
        """The project function a call reaches: ``self.m()`` in a method of the same class, a
        function of this or an imported module, or a class's ``__init__``."""
        head, _, rest = callee.partition(".")
        if head in ("self", "cls"):
            if caller is None or "." not in caller or not rest or "." in rest:
                return None
            method = f"{caller.split('.', 1)[0]}.{rest}"
            if method in self.modules[path]["functions"]:
                return Symbol(SymbolKind.FUNCTION, path, method)
            return None
        symbol = self.resolve(path, callee)
        if symbol is not None and symbol.kind is SymbolKind.CLASS:
            init = f"{symbol.name}.__init__"
            if init in self.modules[symbol.module]["functions"]:
                return Symbol(SymbolKind.FUNCTION, symbol.module, init)
            return None
        return symbol

    def blocking_chain(self, path: str, caller: str | None, callee: str) -> Chain:
        """Whether calling ``callee`` (written in ``caller``, in the file ``path``) leads, through
        sync project functions, to a VL201-VL205 call; the first such chain in source order."""
        target = self.call_target(path, caller, callee)
        if target is None:
            return Chain(Tri.NO)
        if target.kind is SymbolKind.MISSING:
            return Chain(self._missing)
        if target.kind is not SymbolKind.FUNCTION:
            return Chain(Tri.NO)
        return self._chain(target, {})

    def _chain(self, symbol: Symbol, seen: dict[Symbol, Chain]) -> Chain:
        known = seen.get(symbol)
        if known is not None:
            return known
        facts = self.function(symbol)
        if facts is None or facts["is_async"]:
            return Chain(Tri.NO)
        # Marked before descending: a cycle back to this function adds nothing new.
        seen[symbol] = Chain(Tri.NO)
        name = symbol.name
        if facts["blocking"]:
            code, _, text = facts["blocking"][0]
            result = Chain(Tri.YES, (name, text), code)
        else:
            result = Chain(Tri.NO)
            for callee in facts["calls"]:
                target = self.call_target(symbol.module, name, callee)
                if target is None:
                    continue
                if target.kind is SymbolKind.MISSING:
                    result = Chain(max(result.found, self._missing))
                    continue
                if target.kind is not SymbolKind.FUNCTION:
                    continue
                found = self._chain(target, seen)
                if found.found is Tri.YES:
                    result = Chain(Tri.YES, (name, *found.steps), found.code)
                    break
                result = Chain(max(result.found, found.found))
        seen[symbol] = result
        return result


def file_index(context: FileContext) -> ProjectIndex:
    """The index of the file being checked, alone (shared by its rules, built once)."""
    summary = context.analysis(ModuleSummary)
    if summary.index is None:
        summary.index = ProjectIndex.for_file(context.path, summary.module_facts, context.settings)
    return summary.index
