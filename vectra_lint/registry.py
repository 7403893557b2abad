"""Finds every rule module, checks its shape, and resolves selectors (codes, prefixes, names).

The built-in rules are found under ``vectra_lint.rules``; plugin rules (``config/plugins.py``)
are validated here with the same contract and made known to lookups by code with ``register``.
Selection is per project: the functions that resolve selectors take the project's rules
(``rules=``: the built-ins and that project's plugins), the built-ins alone by default."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Sequence
from functools import cache

import libcst as cst

from vectra_lint import rules as rules_package
from vectra_lint.diagnostics import selects
from vectra_lint.engine.noqa import RUFF_SELECTOR as RUFF_SELECTOR  # also read as registry.RUFF_SELECTOR
from vectra_lint.rule import EngineRule, FixAvailability, Invalid, OptionError, Rule, Valid

CODE_PATTERN = re.compile(r"^VL\d{3}$")
PLUGIN_CODE_PATTERN = re.compile(r"^[A-Z]{2,6}\d{3}$")
RESERVED_PREFIXES = ("VL", "E", "W", "F")
"""A plugin code may not start with these: vectra-lint's own codes and Ruff's selectors (``E``,
``W``, ``F``) would select it, and a ``# noqa: E`` would suppress it."""
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RUFF_MERGED_PYFLAKES = ("F401", "F841")
"""Ruff's unused-import and unused-variable rules (§13 "remove unused code"), run by default."""
RUFF_OPT_IN = {
    "E711": "comparison to `None`",
    "E712": "comparison to `True`/`False`",
}
"""Ruff rules left out of the default selection: on SQLAlchemy/SQLModel column expressions
(`Model.active == False`) they are false positives, and Ruff's fix (`not Model.active`) makes the
query `WHERE false`. They run only when selected by code (`E711`) or by `E71`."""


class RegistryError(Exception):
    """A rule module does not have the shape every rule must have."""


def validate(rule: type[Rule], module_name: str, *, plugin: bool = False) -> None:
    """Raise :class:`RegistryError` unless ``rule`` has the shape every rule must have (a
    ``plugin`` rule's code has its own prefix instead of ``VL``)."""
    where = f"{module_name}.{rule.__name__}"
    for attribute in ("code", "name", "message"):
        if not isinstance(getattr(rule, attribute, None), str):
            raise RegistryError(f"{where}: missing `{attribute}`")
    if plugin:
        if not PLUGIN_CODE_PATTERN.match(rule.code):
            raise RegistryError(f"{where}: code {rule.code!r} is not 2 to 6 upper-case letters and 3 digits (ACME001)")
        if any(selects(prefix, rule.code) for prefix in RESERVED_PREFIXES):
            raise RegistryError(
                f"{where}: code {rule.code!r} has a reserved prefix ({', '.join(RESERVED_PREFIXES)}: "
                "vectra-lint's and Ruff's codes)"
            )
        if issubclass(rule, EngineRule):
            raise RegistryError(f"{where}: a plugin rule cannot be an engine rule")
    elif not CODE_PATTERN.match(rule.code):
        raise RegistryError(f"{where}: code {rule.code!r} is not of the form VL123")
    if not NAME_PATTERN.match(rule.name):
        raise RegistryError(f"{where}: name {rule.name!r} is not kebab-case")
    sections = rule.doc_sections()
    for section in rule.required_sections():
        if not sections.get(section):
            raise RegistryError(f"{where}: docstring lacks a '## {section}' section")
    if not rule.valid or not rule.invalid:
        raise RegistryError(f"{where}: needs at least one valid and one invalid example")
    if not all(example.expected for example in rule.invalid):
        raise RegistryError(f"{where}: every invalid example lists the diagnostics it expects")
    _validate_fixes(rule, where)
    if not all(RUFF_SELECTOR.match(code) for code in rule.ruff_duplicates):
        raise RegistryError(f"{where}: `ruff_duplicates` lists something that is not a Ruff E/W code")
    for listener in (rule, *rule.analyses):
        _validate_handlers(listener, where)
        _validate_call_names(listener, where)
    if issubclass(rule, EngineRule) and (rule.analyses or any(n.startswith(("visit_", "leave_")) for n in dir(rule))):
        raise RegistryError(f"{where}: an engine rule is reported by the engine; it walks nothing")
    declared = {option.name: option for option in rule.options}
    for option in rule.options:
        try:
            fits = option.parse(option.default) == option.default
        except OptionError:
            fits = False
        if not fits:
            raise RegistryError(f"{where}: the default of option {option.name!r} is not of its kind ({option.kind})")
    examples: list[Valid | Invalid] = [*rule.valid, *rule.invalid]
    for example in examples:
        unknown = set(example.options) - set(declared)
        if unknown:
            raise RegistryError(f"{where}: example uses undeclared options {sorted(unknown)}")
        for name, value in example.options.items():
            try:
                declared[name].parse(value)
            except OptionError as error:
                raise RegistryError(f"{where}: example option {name!r}: {error}") from None


def _validate_fixes(rule: type[Rule], where: str) -> None:
    """Fix availability, the rule's fix safety and the examples' fixed code must agree."""
    fixed = [example for example in rule.invalid if example.fixed is not None]
    unfixed = [example for example in rule.invalid if example.fixed is None]
    availability = rule.fix_availability
    if availability is FixAvailability.NEVER:
        if fixed or rule.fix_safety is not None:
            raise RegistryError(f"{where}: `fix_availability` is NEVER, yet a fix safety or a fixed example is given")
        return
    if not fixed:
        raise RegistryError(f"{where}: a fixable rule needs an invalid example with its fixed code")
    if availability is FixAvailability.ALWAYS and unfixed:
        raise RegistryError(f"{where}: fixes are available ALWAYS but an invalid example has no fix (SOMETIMES?)")
    if availability is FixAvailability.SOMETIMES and not unfixed:
        raise RegistryError(f"{where}: fixes are available SOMETIMES: show a case without a fix (`fixed=None`)")
    if rule.fix_safety is None and not rule.doc_sections().get("Fix safety"):
        raise RegistryError(
            f"{where}: fixes that differ in safety need a '## Fix safety' section saying which is which"
        )
    for example in rule.invalid:
        stated = example.applicability is not None
        if example.fixed is None and stated:
            raise RegistryError(f"{where}: an example without a fix states an applicability")
        if example.fixed is not None and stated == (rule.fix_safety is not None):
            raise RegistryError(
                f"{where}: a fixed example states its applicability exactly when the rule has no single `fix_safety`"
            )


@cache
def _node_type_names() -> frozenset[str]:
    """The names a handler may follow ``visit_``/``leave_`` with: libcst's node classes, abstract
    ones included (``visit_BaseCompoundStatement`` sees every compound statement)."""
    # From the MROs: each failed issubclass against CSTNode (an ABC) walks all its subclasses.
    return frozenset(
        name for name, value in vars(cst).items() if isinstance(value, type) and cst.CSTNode in value.__mro__
    )


def _validate_handlers(listener: type[object], where: str) -> None:
    """Handlers name a node type (``visit_Cal`` would never be called), and return ``None``: the
    shared walk ignores what they return (see ``engine/walker.py``), so a libcst-style
    ``return False`` meant to skip the children would silently do nothing."""
    for name in dir(listener):
        if name.startswith(("visit_", "leave_")):
            if name.partition("_")[2] not in _node_type_names():
                message = f"{listener.__name__}.{name} names no libcst node type: it would never be called"
                raise RegistryError(f"{where}: {message}")
            returns = getattr(getattr(listener, name), "__annotations__", {}).get("return", "missing")
            if returns not in (None, "None"):
                message = f"{listener.__name__}.{name} must be annotated `-> None` (returns are ignored)"
                raise RegistryError(f"{where}: {message}")


def _validate_call_names(listener: type[object], where: str) -> None:
    """``call_names`` filters ``visit_Call`` (see ``Rule.call_names``): a frozenset of names, only
    beside a ``visit_Call``."""
    names = getattr(listener, "call_names", None)
    if names is None:
        return
    if not isinstance(names, frozenset) or not all(isinstance(name, str) for name in names):
        raise RegistryError(f"{where}: {listener.__name__}.call_names must be a frozenset of names")
    if not hasattr(listener, "visit_Call"):
        raise RegistryError(f"{where}: {listener.__name__}.call_names filters a `visit_Call` it does not have")


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, validated, ordered by code. One module under ``vectra_lint.rules`` each."""
    found: list[type[Rule]] = []
    for info in pkgutil.walk_packages(rules_package.__path__, prefix=f"{rules_package.__name__}."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        defined = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == info.name
        ]
        if len(defined) != 1:
            raise RegistryError(f"{info.name}: defines {len(defined)} rules; a rule module defines exactly one")
        validate(defined[0], info.name)
        found.append(defined[0])
    codes: dict[str, str] = {}
    for rule in found:
        for key in (rule.code, rule.name):
            if key in codes:
                raise RegistryError(f"{key} is defined twice ({codes[key]} and {rule.__module__})")
            codes[key] = rule.__module__
    return tuple(sorted(found, key=lambda rule: rule.code))


_plugins: dict[str, type[Rule]] = {}
"""Every plugin rule loaded in this process, by code: known to lookups (reporters, the editor,
``rule CODE``), whichever project listed it. Selection stays per project (``rules=``)."""


def register(rules: Iterable[type[Rule]]) -> None:
    """Make plugin ``rules`` (validated) known to the lookups by code and name. A code or name
    another rule already has is a :class:`RegistryError` (the same class again is not)."""
    for rule in rules:
        for other in known_rules():
            if other is not rule and (other.code == rule.code or other.name == rule.name):
                key = rule.code if other.code == rule.code else rule.name
                raise RegistryError(f"{key} is defined twice ({other.__module__} and {rule.__module__})")
        _plugins[rule.code] = rule


def plugin_rules() -> tuple[type[Rule], ...]:
    """Every plugin rule loaded in this process, by code."""
    return tuple(rule for _, rule in sorted(_plugins.items()))


def known_rules() -> tuple[type[Rule], ...]:
    """The built-in rules and every plugin rule loaded in this process, by code."""
    if not _plugins:
        return all_rules()
    return tuple(sorted((*all_rules(), *_plugins.values()), key=lambda rule: rule.code))


def rules_for(codes: Iterable[str], rules: Sequence[type[Rule]] | None = None) -> tuple[str, ...]:
    """The classes of the rules ``codes`` name, as ``module:Class`` (``Settings.rules``), by code."""
    wanted = frozenset(codes)
    return tuple(
        f"{rule.__module__}:{rule.__qualname__}"
        for rule in (all_rules() if rules is None else rules)
        if rule.code in wanted
    )


def rules_by_code() -> dict[str, type[Rule]]:
    """Every known rule class by its code."""
    return {rule.code: rule for rule in known_rules()}


def find_rule(code_or_name: str, rules: Sequence[type[Rule]] | None = None) -> type[Rule] | None:
    """The rule with this code or name (codes are case-insensitive), among ``rules`` (default:
    every known rule)."""
    for rule in known_rules() if rules is None else rules:
        if rule.code == code_or_name.upper() or rule.name == code_or_name:
            return rule
    return None


def _specificity(selector: str, rule: type[Rule]) -> int | None:
    """How specifically ``selector`` names ``rule`` (longer is more specific), or None."""
    if selector == "ALL":
        return 0
    if selector == rule.name:
        return len(rule.code) + 1
    if selects(selector.upper(), rule.code):
        return len(selector)
    return None


def is_known_selector(selector: str, rules: Sequence[type[Rule]] | None = None) -> bool:
    """Whether ``selector`` names at least one rule of ``rules`` (default: the built-ins) or a Ruff
    E/W code."""
    if selector == "ALL" or RUFF_SELECTOR.match(selector.upper()):
        return True
    return any(_specificity(selector, rule) is not None for rule in (all_rules() if rules is None else rules))


def enabled_codes(
    select: Iterable[str] | None,
    extend_select: Iterable[str],
    ignore: Iterable[str],
    rules: Sequence[type[Rule]] | None = None,
) -> frozenset[str]:
    """The enabled codes among ``rules`` (default: the built-ins). The most specific selector wins;
    on a tie ``ignore`` wins (as in Ruff).

    Rules that are off by default run only when selected by their exact code or name.
    """
    positive = list(select) if select is not None else None
    positive_all = (positive or []) + list(extend_select)
    negative = list(ignore)
    enabled: set[str] = set()
    for rule in all_rules() if rules is None else rules:
        candidates = positive_all if positive is not None else list(extend_select)
        best_on = max((s for s in (_specificity(sel, rule) for sel in candidates) if s is not None), default=None)
        if positive is None and rule.default_enabled:
            best_on = max(best_on or 0, 0)
        if not rule.default_enabled and (best_on is None or best_on <= len(rule.code) - 1):
            continue
        best_off = max((s for s in (_specificity(sel, rule) for sel in negative) if s is not None), default=None)
        if best_on is not None and (best_off is None or best_on > best_off):
            enabled.add(rule.code)
    return frozenset(enabled)


def ruff_opt_outs(select: Iterable[str] | None, extend_select: Iterable[str]) -> tuple[str, ...]:
    """The ``RUFF_OPT_IN`` codes to pass to Ruff's ``--ignore``: those not selected by name."""
    named = {s.upper() for s in (*(select or ()), *extend_select)}
    return tuple(code for code in RUFF_OPT_IN if code not in named and code[:3] not in named)


def ruff_codes(selector: str) -> tuple[str, ...]:
    """What to hand Ruff for one of its selectors: itself, or for a Pyflakes prefix the merged
    codes it covers (Ruff given `F` would run every Pyflakes rule)."""
    selector = selector.upper()
    if selector.startswith("F"):
        return tuple(code for code in RUFF_MERGED_PYFLAKES if selects(selector, code))
    return (selector,)


def ruff_selectors(select: Iterable[str] | None, extend_select: Iterable[str]) -> tuple[str, ...]:
    """The Ruff codes or prefixes to run; by default all of E and W, and F401 and F841."""
    chosen = (
        ["E", "W", *RUFF_MERGED_PYFLAKES]
        if select is None or "ALL" in select
        else [code for s in select if RUFF_SELECTOR.match(s.upper()) for code in ruff_codes(s)]
    )
    chosen += [code for s in extend_select if RUFF_SELECTOR.match(s.upper()) for code in ruff_codes(s)]
    return tuple(dict.fromkeys(chosen))
