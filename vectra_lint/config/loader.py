"""Reading ``[tool.vectra-lint]`` from ``pyproject.toml`` into :class:`Settings`, strictly.

An unknown key, an unknown rule code or a value of the wrong type is an error that names it: a
typo in a linter's config silently switching a check off is worse than a failed run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

from vectra_lint import registry
from vectra_lint.config import plugins
from vectra_lint.config.files import TABLE, ConfigError
from vectra_lint.config.files import read as _read
from vectra_lint.config.settings import DEFAULT_LAYERS, Names, Settings
from vectra_lint.rule import Option, OptionError, Rule, analyses_read
from vectra_lint.rules.core.noqa_without_reason import NoqaWithoutReason

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "__pypackages__",
)
_TOP_KEYS = {
    "baseline",
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "extend-exclude",
    "respect-gitignore",
    "require-noqa-reason",
    "line-length",
    "layers",
    "names",
    "plugins",
    "rules",
    "severity",
}
LEVELS = ("error", "warning", "info")
_NAME_KEYS = {
    "exception-base": "exception_base",
    "functional-base": "functional_base",
    "technical-base": "technical_base",
    "loggers": "loggers",
    "sensitive-names": "sensitive_names",
}


@dataclass(frozen=True)
class Overrides:
    """Selections given on the command line; they take precedence over the file."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _globs(value: object, where: str) -> tuple[str, ...]:
    patterns = _strings(value, where)
    for pattern in patterns:
        try:
            pathspec.PathSpec.from_lines("gitignore", [pattern])
        except ValueError as error:
            raise ConfigError(f"{where}: invalid pattern {pattern!r} ({error})") from None
    return patterns


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def _selectors(values: Sequence[str], where: str, rules: Sequence[type[Rule]]) -> tuple[str, ...]:
    for value in values:
        if not registry.is_known_selector(value, rules):
            raise ConfigError(f"{where}: unknown rule code, prefix or name {value!r} (see `vectra-lint rules`)")
    return tuple(values)


def load(config_path: Path | None, overrides: Overrides, default_root: Path) -> Settings:
    """Settings from ``config_path`` (or the defaults, rooted at ``default_root``: see ``find_root``)
    and the command line."""
    table: Mapping[str, object] = {}
    root = default_root
    source = "defaults"
    if config_path is not None:
        data = _read(config_path)
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{config_path}: `tool` must be a table, got {tool!r}")
        raw = tool.get(TABLE, {})
        if not isinstance(raw, dict):
            raise ConfigError(f"{config_path}: [tool.{TABLE}] must be a table")
        table = raw
        root = config_path.parent.resolve()
        source = str(config_path)
    where = f"{source}: [tool.{TABLE}]"
    unknown = set(table) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    # The project's plugins and the installed ones: the rules this project selects from.
    loaded = plugins.load(root, _strings(table.get("plugins", []), f"{where}.plugins"), f"{where}.plugins")
    catalogue = (*registry.all_rules(), *loaded.rules) if loaded.rules else registry.all_rules()

    file_select = (
        _selectors(_strings(table["select"], f"{where}.select"), f"{where}.select", catalogue)
        if "select" in table
        else None
    )
    file_extend = _selectors(
        _strings(table.get("extend-select", []), f"{where}.extend-select"), f"{where}.extend-select", catalogue
    )
    file_ignore = _selectors(_strings(table.get("ignore", []), f"{where}.ignore"), f"{where}.ignore", catalogue)
    cli = "command line"
    select = _selectors(overrides.select, f"{cli} --select", catalogue) if overrides.select is not None else file_select
    extend = file_extend + _selectors(overrides.extend_select, f"{cli} --extend-select", catalogue)
    ignore = file_ignore + _selectors(overrides.ignore, f"{cli} --ignore", catalogue)
    require_reason = _bool(table.get("require-noqa-reason", False), f"{where}.require-noqa-reason")
    if require_reason:
        extend += (NoqaWithoutReason.code,)
    enabled = registry.enabled_codes(select, extend, ignore, catalogue)

    per_file: list[tuple[str, frozenset[str]]] = []
    raw_per_file = table.get("per-file-ignores", {})
    if not isinstance(raw_per_file, dict):
        raise ConfigError(f"{where}.per-file-ignores: expected a table of glob = [codes]")
    for glob, codes in raw_per_file.items():
        key = f"{where}.per-file-ignores.{glob!r}"
        _globs([glob], f"{where}.per-file-ignores")
        selectors = _selectors(_strings(codes, key), key, catalogue)
        per_file.append((glob, frozenset(_as_code(selector, catalogue) for selector in selectors)))

    exclude = _globs(table["exclude"], f"{where}.exclude") if "exclude" in table else DEFAULT_EXCLUDE
    exclude += _globs(table.get("extend-exclude", []), f"{where}.extend-exclude")

    line_length = table.get("line-length", 120)
    if not isinstance(line_length, int) or isinstance(line_length, bool) or line_length < 1:
        raise ConfigError(f"{where}.line-length: expected a positive integer, got {line_length!r}")

    baseline = table.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise ConfigError(f"{where}.baseline: expected the path of a baseline file, got {baseline!r}")

    ruff_ignore = tuple(s.upper() for s in ignore if registry.RUFF_SELECTOR.match(s.upper()))
    ruff_ignore += registry.ruff_opt_outs(select, extend)
    # A Ruff rule that reports what one of ours does would report the same finding a second time.
    ruff_ignore += tuple(code for rule in catalogue if rule.code in enabled for code in rule.ruff_duplicates)
    severity: list[tuple[str, str]] = []
    raw_severity = table.get("severity", {})
    if not isinstance(raw_severity, dict):
        raise ConfigError(f"{where}.severity: expected a table of code = level ({', '.join(LEVELS)})")
    for selector, level in raw_severity.items():
        _selectors([selector], f"{where}.severity", catalogue)
        if level not in LEVELS:
            raise ConfigError(f"{where}.severity.{selector}: expected one of {', '.join(LEVELS)}, got {level!r}")
        severity.append((_as_code(selector, catalogue), level))
    return Settings(
        root=root,
        enabled=enabled,
        rules=registry.rules_for(enabled, catalogue),
        plugin_path=loaded.path,
        plugin_sources=loaded.sources,
        per_file_ignores=tuple(per_file),
        exclude=exclude,
        respect_gitignore=_bool(table.get("respect-gitignore", True), f"{where}.respect-gitignore"),
        layers=_layers(table.get("layers", {}), f"{where}.layers"),
        names=_names(table.get("names", {}), f"{where}.names"),
        rule_options=_rule_options(table.get("rules", {}), f"{where}.rules", catalogue),
        ruff_selected=registry.ruff_selectors(select, extend),
        ruff_ignored=ruff_ignore,
        line_length=line_length,
        severity=tuple(severity),
        default_severity=tuple(
            (rule.code, rule.severity) for rule in catalogue if rule.code in enabled and rule.severity != "error"
        ),
        baseline=root / baseline if baseline else None,
    )


def _as_code(selector: str, rules: Sequence[type[Rule]]) -> str:
    rule = registry.find_rule(selector, rules)
    return rule.code if rule is not None and rule.name == selector else selector.upper()


def _layers(raw: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of layer = [globs]")
    layers = dict(DEFAULT_LAYERS)
    for name, globs in raw.items():
        if name not in DEFAULT_LAYERS:
            raise ConfigError(f"{where}: unknown layer {name!r} (known: {', '.join(DEFAULT_LAYERS)})")
        layers[name] = _globs(globs, f"{where}.{name}")
    return layers


def _names(raw: object, where: str) -> Names:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table")
    values: dict[str, object] = {}
    for key, value in raw.items():
        if key not in _NAME_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(_NAME_KEYS)})")
        field_name = _NAME_KEYS[key]
        if field_name in ("loggers", "sensitive_names"):
            values[field_name] = _strings(value, f"{where}.{key}")
        elif isinstance(value, str) and value:
            values[field_name] = value
        else:
            raise ConfigError(f"{where}.{key}: expected a non-empty string, got {value!r}")
    return Names(**values)  # type: ignore[arg-type]


def _rule_options(raw: object, where: str, rules: Sequence[type[Rule]]) -> dict[str, dict[str, object]]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of rule = {{options}}")
    options: dict[str, dict[str, object]] = {}
    shared: dict[str, tuple[str, object]] = {}
    for key, table in raw.items():
        rule = registry.find_rule(key, rules)
        if rule is None:
            raise ConfigError(f"{where}: unknown rule {key!r}")
        if not isinstance(table, dict):
            raise ConfigError(f"{where}.{key}: expected a table of options")
        options[rule.code] = rule_option_values(rule, table, f"{where}.{key}")
        # An analysis's option, offered by several rules, is one setting: set it once.
        for option in analysis_options(rule):
            if option.name in options[rule.code]:
                value = options[rule.code][option.name]
                first = shared.setdefault(option.name, (key, value))
                if first[1] != value:
                    raise ConfigError(
                        f"{where}.{key}.{option.name}: differs from its value for {first[0]} "
                        "(one setting, which both rules read: set it once)"
                    )
    return options


def analysis_options(rule: type[Rule]) -> list[Option[object]]:
    """The options of the analyses ``rule`` reads (and of those they read) that it offers in its own."""
    return [option for analysis in analyses_read(rule) for option in analysis.options if option in rule.options]


def rule_option_values(rule: type[Rule], table: Mapping[str, object], where: str) -> dict[str, object]:
    """``table``'s values for ``rule``'s declared options, each checked and typed by its ``Option``."""
    declared = {option.name: option for option in rule.options}
    values: dict[str, object] = {}
    for name, value in table.items():
        option = declared.get(name)
        if option is None:
            known = ", ".join(declared) or "none"
            raise ConfigError(f"{where}: unknown option {name!r} for {rule.code} (known: {known})")
        try:
            values[name] = option.parse(value)
        except OptionError as error:
            raise ConfigError(f"{where}.{name}: {error}") from None
    return values
