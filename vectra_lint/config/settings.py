"""Resolved settings: what one run checks and how. Built by ``config/loader.py``; read by the engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pathspec

from vectra_lint.diagnostics import selects

if TYPE_CHECKING:
    from vectra_lint.rule import Option

T = TypeVar("T")

DEFAULT_LAYERS: dict[str, tuple[str, ...]] = {
    "routes": ("app/api/**",),
    "services": ("app/services/**",),
    "models": ("app/models/**",),
    "schemas": ("app/schemas/**",),
    "workers": ("app/workers/**",),
    "config": ("app/core/config.py", "app/core/settings.py"),
}


@dataclass(frozen=True)
class Names:
    """Project-specific names that rules look for (base exception classes, logger names, sensitive names)."""

    exception_base: str = "VectraException"
    functional_base: str = "FunctionalError"
    technical_base: str = "TechnicalError"
    loggers: tuple[str, ...] = ("logger", "log")
    sensitive_names: tuple[str, ...] = ("api_key", "password", "secret", "token", "authorization")


@dataclass(frozen=True)
class Settings:
    """Everything the engine needs to lint a file; picklable, so it crosses into worker processes."""

    root: Path
    """The project root: the folder of the config file, or the working directory."""
    enabled: frozenset[str]
    """Rule codes that run (selection already resolved)."""
    rules: tuple[str, ...] = ()
    """The classes of the ``enabled`` rules, as ``module:Class`` (``registry.rules_for``;
    ``rule.load_rules`` imports them): the engine looks no rule up itself, so that it never depends
    on the registry, which imports every rule. Names, not classes, so that settings read back from
    the cache import no rule (a warm run never loads the engine)."""
    plugin_path: tuple[str, ...] = ()
    """Folders put on ``sys.path`` while the plugin rules of ``rules`` are imported: the root of a
    project whose config lists ``plugins`` (``config/plugins.py``)."""
    plugin_sources: tuple[tuple[str, str], ...] = ()
    """(source file, digest of its bytes) of each plugin module from the project, and
    (``dist==version``, "") of each installed plugin: part of the cache key, so that an edited
    plugin is seen at the next run."""
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    """(glob relative to root, codes or prefixes ignored in matching files)."""
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    layers: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_LAYERS))
    names: Names = field(default_factory=Names)
    rule_options: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    """Configured option values by rule code and option name, each already checked by its
    ``Option.parse`` (read them with :meth:`option`)."""
    ruff_selected: tuple[str, ...] = ()
    """Ruff codes or prefixes (E, W, E501, ...) to run through Ruff; empty: Ruff is not run."""
    ruff_ignored: tuple[str, ...] = ()
    line_length: int = 120
    severity: tuple[tuple[str, str], ...] = ()
    """(code or prefix, level) from ``[tool.vectra-lint] severity``; the longest match wins."""
    default_severity: tuple[tuple[str, str], ...] = ()
    """(code, level) of the enabled rules whose own ``severity`` is not ``error`` (resolved with
    the rules, so that reporting needs no rule imported)."""
    baseline: Path | None = None
    """The baseline file of the config (``pipeline/baseline.py``); the CLI filters with it."""
    whole_project: bool = False
    """Whether the checked paths include the project root: whole-project rules (VL7xx) that judge
    an absence (no middleware, no logging module) do so only then, never on a partial run."""

    def option(self, code: str, option: Option[T]) -> T:
        """The value of rule ``code``'s ``option``: as configured, else its default."""
        configured = self.rule_options.get(code, {})
        if option.name not in configured:
            return option.default
        # The loader stored option.parse's result, which is a T.
        return cast("T", configured[option.name])

    def shared_option(self, option: Option[T]) -> T:
        """The value of an analysis's ``option`` (``Analysis.options``): as configured under any
        rule that offers it (the loader made sure they agree), else its default."""
        for configured in self.rule_options.values():
            if option.name in configured:
                return cast("T", configured[option.name])
        return option.default

    @cached_property
    # Any (here and below): the pattern class, which nothing here looks at.
    def _layer_specs(self) -> dict[str, pathspec.PathSpec[Any]]:
        return {name: pathspec.PathSpec.from_lines("gitignore", globs) for name, globs in self.layers.items()}

    def layers_of(self, relative_path: str) -> frozenset[str]:
        """The layers (``routes``, ``services``, ...) whose globs match a root-relative posix path."""
        return frozenset(name for name, spec in self._layer_specs.items() if spec.match_file(relative_path))

    @cached_property
    # Any: the pattern class.
    def _per_file_specs(self) -> tuple[tuple[pathspec.PathSpec[Any], frozenset[str]], ...]:
        return tuple(
            (pathspec.PathSpec.from_lines("gitignore", [glob]), codes) for glob, codes in self.per_file_ignores
        )

    def severity_of(self, code: str) -> str:
        """The level findings of ``code`` are shown at: the longest configured prefix, else the
        rule's own severity, else ``error``."""
        matches = [(len(prefix), level) for prefix, level in self.severity if selects(prefix, code)]
        if matches:
            return max(matches)[1]
        return next((level for known, level in self.default_severity if known == code), "error")

    def ignored_in(self, relative_path: str) -> frozenset[str]:
        """Codes and code prefixes that per-file-ignores switch off for this path."""
        ignored: set[str] = set()
        for spec, codes in self._per_file_specs:
            if spec.match_file(relative_path):
                ignored |= codes
        return frozenset(ignored)
