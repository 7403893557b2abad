"""The rule API: what a rule module defines and what it may call while the tree is walked.

A rule is a subclass of :class:`Rule` with class-level metadata and ``visit_<Node>`` /
``leave_<Node>`` methods named after libcst node classes. The engine instantiates every enabled
rule once per file and calls all of their handlers from ONE traversal of ONE parse (see
``engine/walker.py``). Rules never compute positions: they report nodes, and the engine locates only the
reported nodes after the walk (see ``engine/positions.py``). Handlers return ``None``: unlike
libcst, returning ``False`` from ``visit_X`` does not skip the children (the walk is shared).
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

import libcst as cst
import pathspec

from vectra_lint.diagnostics import Applicability

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.diagnostics import Diagnostic
    from vectra_lint.engine.context import FileContext


T = TypeVar("T")
# Covariant so that a tuple of options of different types is a tuple[Option[object], ...].
T_co = TypeVar("T_co", covariant=True)


class OptionError(ValueError):
    """A configured value does not fit its option; the config loader adds which key it was."""


@dataclass(frozen=True)
class Option(Generic[T_co]):
    """A per-rule setting of type ``T``, configured under ``[tool.vectra-lint.rules.<name>]``.

    Subclasses say how a TOML value becomes a ``T`` (``parse``); the config loader calls it once
    per configured value, so a rule reads back a checked, typed value with ``self.option(OPTION)``.
    """

    name: str
    default: T_co
    description: str
    kind: ClassVar[str] = "value"
    """What the value is, in words (shown in the docs)."""

    def parse(self, value: object) -> T_co:
        """``value`` as read from TOML, checked and converted; raises :class:`OptionError`."""
        raise NotImplementedError

    def described_kind(self) -> str:
        """What the value is, for the docs."""
        return self.kind

    def shown_default(self) -> str:
        """The default as it would be written in ``pyproject.toml``."""
        return json.dumps(self.default, ensure_ascii=False)


@dataclass(frozen=True)
class StringsOption(Option[tuple[str, ...]]):
    """A list of strings (names, globs, qualified names)."""

    kind: ClassVar[str] = "list of strings"

    def parse(self, value: object) -> tuple[str, ...]:
        """A TOML array of strings, as a tuple."""
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise OptionError(f"expected a list of strings, got {value!r}")
        return tuple(value)


@dataclass(frozen=True)
class BoolOption(Option[bool]):
    """A switch."""

    kind: ClassVar[str] = "boolean"

    def parse(self, value: object) -> bool:
        """A TOML boolean."""
        if not isinstance(value, bool):
            raise OptionError(f"expected true or false, got {value!r}")
        return value


@dataclass(frozen=True)
class GlobsOption(StringsOption):
    """A list of gitignore-style globs (relative to the project root)."""

    kind: ClassVar[str] = "list of globs"

    def parse(self, value: object) -> tuple[str, ...]:
        """A TOML array of globs gitignore's syntax accepts (``!`` alone is none)."""
        globs = super().parse(value)
        for glob in globs:
            try:
                pathspec.PathSpec.from_lines("gitignore", [glob])
            except ValueError as error:
                raise OptionError(f"invalid glob {glob!r} ({error})") from None
        return globs


@dataclass(frozen=True)
class IntOption(Option[int]):
    """A whole number, at least ``minimum``."""

    minimum: int = 0
    kind: ClassVar[str] = "integer"

    def parse(self, value: object) -> int:
        """A TOML integer (not a boolean) of at least ``minimum``."""
        if not isinstance(value, int) or isinstance(value, bool):
            raise OptionError(f"expected an integer, got {value!r}")
        if value < self.minimum:
            raise OptionError(f"expected an integer of at least {self.minimum}, got {value!r}")
        return value


@dataclass(frozen=True)
class StringOption(Option[str]):
    """A non-empty string (a path, a name)."""

    kind: ClassVar[str] = "string"

    def parse(self, value: object) -> str:
        """A non-empty TOML string."""
        if not isinstance(value, str) or not value:
            raise OptionError(f"expected a non-empty string, got {value!r}")
        return value


@dataclass(frozen=True)
class ChoiceOption(Option[str]):
    """One of a fixed set of strings."""

    choices: tuple[str, ...] = ()
    kind: ClassVar[str] = "string"

    def parse(self, value: object) -> str:
        """One of ``choices``."""
        if value not in self.choices:
            raise OptionError(f"expected one of {', '.join(map(repr, self.choices))}, got {value!r}")
        return value

    def described_kind(self) -> str:
        """The choices."""
        return "one of " + ", ".join(json.dumps(choice) for choice in self.choices)


@dataclass(frozen=True)
class Valid:
    """Code on which the rule must report nothing."""

    code: str
    path: str = "app/example.py"
    options: Mapping[str, object] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    """Other files of the project (root-relative path -> text), for rules that read beyond Python."""


class Message:
    """A message whose variable parts are typed fields (as Ruff's violation structs).

    A rule whose message names something (a call, an exception, a layer) subclasses this as a
    frozen dataclass with those fields and renders the text in ``__str__``; it passes an instance
    to ``report``. Rules with one fixed text just use their ``message`` string.
    """

    def __str__(self) -> str:
        """The text users see."""
        raise NotImplementedError


@dataclass(frozen=True)
class Expect:
    """One diagnostic an invalid example must produce: where it starts (1-based) and its message.

    ``message=None`` stands for the rule's default ``message``.
    """

    line: int
    column: int
    message: str | Message | None = None


@dataclass(frozen=True)
class Invalid:
    """Code on which the rule must report exactly the ``expected`` diagnostics.

    ``fixed`` is the exact source after ``--fix --unsafe-fixes``; ``None`` means the rule offers no
    fix for this code.
    """

    code: str
    fixed: str | None = None
    path: str = "app/example.py"
    options: Mapping[str, object] = field(default_factory=dict)
    applicability: Applicability | None = None
    """The safety of this example's fix; required only when the rule's fixes differ in safety
    (``fix_safety = None``), and otherwise the rule's ``fix_safety``."""
    expected: tuple[Expect, ...] = field(kw_only=True)
    files: Mapping[str, str] = field(default_factory=dict)
    """Other files of the project (root-relative path -> text), for rules that read beyond Python."""


# Edits a rule asks for, in terms of nodes; the engine turns them into text edits once it knows
# where the nodes are.
@dataclass(frozen=True)
class Replace:
    """Replace ``node`` (with the whitespace it owns) by ``new`` (a node, or text for its span)."""

    node: cst.CSTNode
    new: cst.CSTNode | str
    template: str | None = None
    """The text of a ``new`` node the rule has already generated, at an indentation not yet known
    (``libcst_private.generate_template``): the engine fills the indentation in rather than
    generating ``new`` a second time."""


@dataclass(frozen=True)
class InsertBefore:
    """Insert ``text`` right before ``node`` (before its leading blank lines and comments)."""

    node: cst.CSTNode
    text: str


@dataclass(frozen=True)
class InsertAfter:
    """Insert ``text`` right after ``node`` (after its trailing newline, for statements)."""

    node: cst.CSTNode
    text: str


@dataclass(frozen=True)
class InsertInto:
    """Insert ``text`` ``offset`` characters after the start of ``node``'s own text."""

    node: cst.CSTNode
    offset: int
    text: str


@dataclass(frozen=True)
class InsertAt:
    """Insert ``text`` at a character offset of the source (for module start and end)."""

    offset: int
    text: str


@dataclass(frozen=True)
class Delete:
    """Delete a statement from where its code starts to the end of its line (its leading blank
    lines and comments stay)."""

    node: cst.CSTNode


NodeEdit = Replace | InsertBefore | InsertAfter | InsertInto | InsertAt | Delete


class FixAvailability(str, enum.Enum):
    """Whether a rule offers fixes (as Ruff's ``FixAvailability``); each fix has its own safety."""

    NEVER = "never"
    SOMETIMES = "sometimes"
    """Some reports come with a fix, others (the cases the rule cannot fix safely) without."""
    ALWAYS = "always"


class RuleContractError(Exception):
    """A rule reported something its declared metadata rules out (a programming error)."""


@dataclass(frozen=True)
class FixSpec:
    """A fix as the rule describes it; applied all or nothing."""

    edits: tuple[NodeEdit, ...]
    description: str
    applicability: Applicability | None = None
    """This fix's safety. Leave it ``None`` when the rule declares one ``fix_safety`` for all its
    fixes (it is filled in from there); required when the rule's ``fix_safety`` is ``None``."""
    rename: tuple[str, str] | None = None
    """``(old, new)`` when the fix renames a string the project may hold elsewhere (``Fix.rename``)."""


def _made_later(rule: Rule, fix_later: Callable[[], tuple[FixSpec | None, object]]) -> tuple[FixSpec | None, object]:
    """What ``fix_later`` makes, checked as ``Rule.report`` checks a fix and a pending payload."""
    fix, pending = fix_later()
    _check_pending_payload(rule.code, pending)
    return (None if fix is None else rule._settled(fix)), pending


def _check_pending_payload(code: str, pending: object) -> None:
    if pending is not None and not getattr(getattr(pending, "__dataclass_params__", None), "frozen", False):
        kind = type(pending).__name__
        raise RuleContractError(f"{code}: a pending payload is a frozen dataclass, not a {kind}")


@dataclass
class Report:
    """A diagnostic before it has a position."""

    code: str
    name: str
    node: cst.CSTNode
    message: str
    anchor: cst.CSTNode | None
    fix: FixSpec | None
    """With its ``applicability`` always set."""
    length: int | None = None
    pending: object = None
    statements: tuple[cst.CSTNode, ...] = ()
    """The statements being walked when the report was made, outermost first (to locate quickly)."""
    later: Callable[[], tuple[FixSpec | None, object]] | None = None
    """Makes ``fix`` and ``pending`` when they are wanted (``Rule.report``'s ``fix_later``); the
    engine calls it before the report becomes a diagnostic (``made``)."""

    def made(self) -> Report:
        """This report with its ``fix`` and ``pending`` made (itself when it has nothing to make)."""
        if self.later is None:
            return self
        fix, pending = self.later()
        return replace(self, fix=fix, pending=pending, later=None)


class Analysis:
    """A per-file listener (``visit_X``/``leave_X`` like a rule) whose results several rules share.

    One instance per file, walked in the same single traversal, before the rules. ``facts``
    returns a picklable summary that reaches the project phase (``Project.facts_of``), which is
    how whole-project knowledge is built without a second parse.
    """

    requires: ClassVar[tuple[type[Analysis], ...]] = ()
    """Other analyses this one reads (``context.analysis(cls)``): built before it, and walked
    whenever it is."""
    options: ClassVar[tuple[Option[object], ...]] = ()
    """The settings this analysis reads (``self.option``), shared by every rule that reads it.
    A rule offers one to users by listing it in its own ``options`` too: it is then configured
    under that rule's table (the loader checks that rules offering the same one agree)."""

    def __init__(self, context: FileContext) -> None:
        """Start the analysis of one file."""
        self.context = context

    def option(self, option: Option[T]) -> T:
        """The configured value of one of this analysis's declared ``options`` (its default if unset)."""
        if option not in self.options:
            raise RuleContractError(f"{type(self).__name__} reads option {option.name!r}, which it does not declare")
        return self.context.settings.shared_option(option)

    def finish(self) -> None:
        """Called once after the walk, before the rules' ``finish``."""

    def facts(self) -> object:
        """This file's summary for the project phase (``None``: nothing to share). The result cache
        keeps it for the next runs when it is plain data: ``None``, booleans, numbers, strings,
        paths, tuples, lists, sets and dicts of these, and frozen dataclasses and enums defined in
        vectra-lint or in the plugin's own module or package (anything else is gathered again at
        every run)."""
        return None

    @classmethod
    def facts_key(cls) -> str:
        """The key this analysis's facts are stored under in a file's result."""
        return f"{cls.__module__}.{cls.__qualname__}"


_REQUIRED_SECTIONS = ("What it does", "Why is this bad?")
DOC_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


class Rule:
    """Base class of every per-file rule.

    Subclasses set the ``ClassVar`` metadata below and write a class docstring with the sections
    ``## What it does`` and ``## Why is this bad?`` (optionally ``## Fix safety`` and ``## Notes``).
    ``vectra-lint rule CODE`` renders the docstring together with the examples and options.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    """The default message; ``report`` may pass a more specific one (a :class:`Message`)."""
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NEVER
    """Whether reports come with a fix: never, sometimes or always."""
    fix_safety: ClassVar[Applicability | None] = None
    """The safety shared by every fix this rule offers. ``None`` when it offers none, or when its
    fixes differ in safety: then each ``FixSpec`` (and each fixed example) states its own."""
    default_enabled: ClassVar[bool] = True
    options: ClassVar[tuple[Option[object], ...]] = ()
    valid: ClassVar[tuple[Valid, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()
    ruff_duplicates: ClassVar[tuple[str, ...]] = ()
    severity: ClassVar[str] = "error"
    """How the rule's findings are shown (``error``, ``warning``, ``info``): the summary, GitHub
    annotations, SARIF levels, GitLab severities and the editor all read this one value, which
    ``[tool.vectra-lint] severity`` may change per code or prefix."""
    """Ruff codes that report the same finding (Ruff's E722 for a bare ``except:``); Ruff runs
    without them while this rule is enabled."""
    analyses: ClassVar[tuple[type[Analysis], ...]] = ()
    """Shared per-file listeners this rule reads (``context.analysis(cls)``); walked before rules."""
    call_names: ClassVar[frozenset[str] | None] = None
    """The callees whose calls ``visit_Call`` wants, by last name (``f`` of ``f()``, ``m`` of
    ``x.m()``): the walk calls it for those calls only, never for ``f()()`` or ``x[0]()``. ``None``:
    every call. An analysis may declare it too."""
    example_language: ClassVar[str] = "python"
    settles_elsewhere: ClassVar[bool] = False
    """Whether ``resolve_pending`` may put a diagnostic on another file than the one that reported
    it (VL706 reports at the translation file): a run on a few files then settles this rule's
    pending diagnostics of every file of the project, not only theirs."""
    """What the examples are written in. A rule that checks something other than Python source
    (VL801: commit messages) says so here; its own tests then check its examples, and the docs
    show them as that language."""

    def __init__(self, context: FileContext) -> None:
        """Start checking one file; subclasses that keep state set it up here."""
        self.context = context
        self.reports: list[Report] = []

    def applies(self) -> bool:
        """Whether this file can hold anything the rule reports, decided at set-up from something
        cheap (a word of ``context.source``, the file's layers). A rule that does not apply is left
        out of the walk (its handlers are not called, its ``finish`` neither): most files never
        mention what such a rule looks for, and a node type no rule listens to is not even entered."""
        return True

    def option(self, option: Option[T]) -> T:
        """The configured value of one of this rule's declared ``options`` (its default if unset)."""
        if option not in self.options:
            raise RuleContractError(f"{self.code} reads option {option.name!r}, which it does not declare")
        return self.context.settings.option(self.code, option)

    def report(
        self,
        node: cst.CSTNode,
        message: str | Message | None = None,
        *,
        fix: FixSpec | None = None,
        anchor: cst.CSTNode | None = None,
        length: int | None = None,
        pending: object = None,
        fix_later: Callable[[], tuple[FixSpec | None, object]] | None = None,
    ) -> None:
        """Report ``node``; ``anchor`` is the statement whose first/last line a noqa may sit on.

        Reports made while the walker is inside a statement default to that statement.
        ``length`` narrows the reported span to the first characters of the node (a keyword).
        ``pending`` (a frozen dataclass: typed, picklable, cached) marks a diagnostic that needs
        the whole project to decide: it is located now and passed, with the payload, to
        ``resolve_pending`` once every file is read.

        ``fix_later``, for a rule whose fixes are all unsafe and costly to make, makes the fix and
        the pending payload (in place of ``fix`` and ``pending``) when they are wanted: the
        first lint of a file that ``--fix`` without ``--unsafe-fixes`` is about to fix never
        wants them.
        """
        later: Callable[[], tuple[FixSpec | None, object]] | None = None
        if fix_later is not None:
            if self.fix_safety is not Applicability.UNSAFE or fix is not None or pending is not None:
                raise RuleContractError(f"{self.code}: `fix_later` is for a rule whose fixes are all unsafe, alone")
            later = functools.partial(_made_later, self, fix_later)
        _check_pending_payload(self.code, pending)
        self.reports.append(
            Report(
                code=self.code,
                name=self.name,
                node=node,
                message=self.message if message is None else str(message),
                anchor=anchor if anchor is not None else self.context.current_statement,
                fix=None if fix is None else self._settled(fix),
                length=length,
                pending=pending,
                statements=tuple(self.context.statements),
                later=later,
            )
        )

    def _settled(self, fix: FixSpec) -> FixSpec:
        """``fix`` with its safety, checked against what the rule declares."""
        if self.fix_availability is FixAvailability.NEVER:
            raise RuleContractError(f"{self.code} declares `fix_availability = NEVER` but reported a fix")
        if fix.applicability is None:
            if self.fix_safety is None:
                raise RuleContractError(f"{self.code}: fixes that differ in safety must each state `applicability`")
            return replace(fix, applicability=self.fix_safety)
        if self.fix_safety is not None:
            raise RuleContractError(
                f"{self.code}: a fix states `applicability`, but the rule's `fix_safety` covers all"
            )
        return fix

    def finish(self) -> None:
        """Called once after the whole tree was walked (for rules that decide at the end)."""

    @classmethod
    def resolve_pending(cls, project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep, drop or reword the diagnostics reported with ``pending`` (their payload is
        ``diagnostic.pending``), knowing every checked file's facts. By default all are kept."""
        return diagnostics

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The ``## Section`` blocks of the class docstring, by title."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        parts = DOC_SECTION.split(doc)
        return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of the ``What it does`` section."""
        return cls.doc_sections().get("What it does", "").split("\n\n")[0].replace("\n", " ")

    @classmethod
    def required_sections(cls) -> tuple[str, ...]:
        """Docstring sections every rule must have."""
        return _REQUIRED_SECTIONS


class EngineRule(Rule):
    """A rule the engine reports itself, outside the walk: VL001 (the file does not decode or
    parse, so there is no tree) and VL002/VL003 (judged on ``# noqa`` comments after every other
    rule has reported). Its module documents it and builds its diagnostics; it has no handlers."""


def analyses_read(rule: type[Rule]) -> list[type[Analysis]]:
    """The analyses ``rule`` declares, and those these read (``Analysis.requires``), each once."""
    return with_requirements(rule.analyses)


def with_requirements(kinds: Iterable[type[Analysis]]) -> list[type[Analysis]]:
    """``kinds`` and the analyses they read (``Analysis.requires``), and what these read, each once."""
    found: dict[type[Analysis], None] = {}
    wanted = list(kinds)
    while wanted:
        kind = wanted.pop()
        if kind not in found:
            found[kind] = None
            wanted.extend(kind.requires)
    return list(found)


@cache
def load_rules(references: tuple[str, ...], path: tuple[str, ...] = ()) -> tuple[type[Rule], ...]:
    """The rule classes ``Settings.rules`` names (``module:Class``), imported on first use; ``path``
    (``Settings.plugin_path``) is put on ``sys.path`` while a plugin's module is imported."""
    found: list[type[Rule]] = []
    for reference in references:
        module, _, name = reference.partition(":")
        rule = getattr(import_plugin_module(module, path), name, None)
        if not (isinstance(rule, type) and issubclass(rule, Rule)):
            raise RuleContractError(f"{reference!r} names no rule class")
        found.append(rule)
    return tuple(found)


def import_plugin_module(module: str, path: tuple[str, ...]) -> ModuleType:
    """Import ``module`` with ``path`` first on ``sys.path`` for this import only (a plugin from a
    project's root; the checked code's own folders never shadow anything else)."""
    if module in sys.modules or not path:
        return importlib.import_module(module)
    added = [folder for folder in path if folder not in sys.path]
    sys.path[:0] = added
    # A plugin written since the interpreter started (an editor session, a test) must be found.
    importlib.invalidate_caches()
    try:
        return importlib.import_module(module)
    finally:
        for folder in added:
            sys.path.remove(folder)
