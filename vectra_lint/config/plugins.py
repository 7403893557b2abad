"""Plugin rules: the modules a project lists in ``plugins = [...]`` and installed packages' entry
points (group ``vectra_lint.rules``), loaded and checked with the built-in rules' contract.

A plugin module is imported with the project root first on ``sys.path`` (for that import only);
every public ``Rule`` subclass it defines (in its submodules too, for a package) is a rule. A
plugin that does not import, defines no rule, breaks the contract (``registry.validate``) or
clashes with another rule's code or name is a :class:`ConfigError` naming it and the reason: the
run stops with exit 2, as for any configuration error.

Without ``plugins`` and with no installed package declaring the entry-point group, nothing here
costs more than listing the ``.dist-info`` folders of ``sys.path`` once per run.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from vectra_lint.config.files import ConfigError
from vectra_lint.config.settings import Settings

if TYPE_CHECKING:
    from vectra_lint.rule import Rule

# The registry and the rule API (libcst) are imported where a plugin is loaded: a warm run with no
# plugin reads only the cheap checks here (``current``, ``installed_fingerprint``).

ENTRY_POINT_GROUP = "vectra_lint.rules"


@dataclass(frozen=True)
class Loaded:
    """The plugin rules of one project (its own and the installed ones) and what keys the cache."""

    rules: tuple[type[Rule], ...] = ()
    path: tuple[str, ...] = ()
    """``Settings.plugin_path``: the project root when the project lists plugins."""
    sources: tuple[tuple[str, str], ...] = ()
    """``Settings.plugin_sources``."""


_roots: dict[str, str] = {}
"""Plugin module name -> the project root it was loaded for (one module of a name per process)."""


def load(root: Path, names: Sequence[str], where: str) -> Loaded:
    """The rules of the plugin modules ``names`` (importable from ``root``) and of the installed
    plugins, validated and registered; ``where`` names the config key in messages."""
    installed_rules, installed_sources = installed()
    if not names and not installed_rules:
        return Loaded()
    from vectra_lint import registry

    rules: list[type[Rule]] = list(installed_rules)
    sources: list[tuple[str, str]] = list(installed_sources)
    for name in dict.fromkeys(names):
        module = _import(name, root, where)
        found = _rules_of(module, f"{where}: plugin {name!r}")
        _validate(found, f"{where}: plugin {name!r}")
        rules += found
        sources += _sources(module)
    _check_clashes(rules, where)
    try:
        registry.register(rules)
    except registry.RegistryError as error:
        raise ConfigError(f"{where}: {error} (another project's plugin)") from None
    return Loaded(rules=tuple(rules), path=(str(root),) if names else (), sources=tuple(sorted(set(sources))))


def _import(name: str, root: Path, where: str) -> ModuleType:
    """Plugin ``name``, imported from ``root`` (first on the path), with one clear message when it fails."""
    from vectra_lint.rule import import_plugin_module

    known = _roots.get(name)
    if known is not None and known != str(root):
        raise ConfigError(
            f"{where}: plugin {name!r} of {root} has the name of the plugin of the project at {known}: "
            "a process holds one module of a name (rename one)"
        )
    try:
        module = import_plugin_module(name, (str(root),))
    except ModuleNotFoundError as error:
        if error.name is not None and name.startswith(error.name):
            raise ConfigError(
                f"{where}: plugin {name!r} does not import: no module {error.name!r} under the project root {root}"
            ) from None
        raise ConfigError(f"{where}: plugin {name!r} does not import: {_described(error)}") from None
    # Whatever a plugin raises at import is its fault: said in one line, no traceback.
    except (Exception, SystemExit) as error:
        raise ConfigError(f"{where}: plugin {name!r} does not import: {_described(error)}") from None
    _roots[name] = str(root)
    return module


def _described(error: BaseException) -> str:
    """The error in one line, with where in the plugin it was raised."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if "importlib" not in frame.filename and "vectra_lint" not in frame.filename]
    at = f" ({own[-1].filename}:{own[-1].lineno})" if own else ""
    return f"{type(error).__name__}: {error}{at}"


def _rules_of(module: ModuleType, where: str) -> list[type[Rule]]:
    """The public ``Rule`` subclasses ``module`` (and, for a package, each submodule) defines."""
    from vectra_lint.rule import Rule

    modules = [module]
    if hasattr(module, "__path__"):
        import pkgutil

        for info in pkgutil.walk_packages(module.__path__, prefix=f"{module.__name__}."):
            try:
                modules.append(importlib.import_module(info.name))
            except (Exception, SystemExit) as error:  # as for the plugin itself
                raise ConfigError(f"{where}: {info.name} does not import: {_described(error)}") from None
    found = [
        value
        for each in modules
        for value in vars(each).values()
        if isinstance(value, type)
        and issubclass(value, Rule)
        and value.__module__ == each.__name__
        and not value.__name__.startswith("_")
    ]
    if not found:
        raise ConfigError(f"{where}: defines no rule (no public subclass of vectra_lint.api.Rule)")
    return found


def _validate(rules: Iterable[type[Rule]], where: str) -> None:
    from vectra_lint import registry

    for rule in rules:
        try:
            registry.validate(rule, rule.__module__, plugin=True)
        except registry.RegistryError as error:
            raise ConfigError(f"{where}: {error}") from None


def _check_clashes(rules: Sequence[type[Rule]], where: str) -> None:
    """A plugin rule's code and name are its own: no built-in, no other plugin rule has them."""
    from vectra_lint import registry

    seen: dict[str, type[Rule]] = {}
    for rule in (*registry.all_rules(), *rules):
        for key in (rule.code, rule.name):
            other = seen.get(key)
            if other is not None and other is not rule:
                raise ConfigError(
                    f"{where}: {key} is defined twice ({other.__module__}.{other.__name__} and "
                    f"{rule.__module__}.{rule.__name__})"
                )
            seen[key] = rule


def _sources(module: ModuleType) -> list[tuple[str, str]]:
    """(file, digest of its bytes) of the plugin's Python files, and for a package (folder, digest
    of the names of its Python files): editing, adding or removing one changes the cache key."""
    file = getattr(module, "__file__", None)
    if file is None:
        return []
    if not hasattr(module, "__path__"):
        return [(file, _digest(Path(file)))]
    folder = Path(file).parent
    files = [(str(path), _digest(path)) for path in _python_files(folder)]
    return [*files, (str(folder), _digest(folder))]


def _python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.relative_to(folder).parts)


def _digest(path: Path) -> str:
    """The digest of a file's bytes, or of the names of a folder's Python files."""
    try:
        if path.is_dir():
            listing = "\0".join(str(each.relative_to(path)) for each in _python_files(path))
            return hashlib.sha256(listing.encode()).hexdigest()
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def current(settings: Settings) -> bool:
    """Whether the plugin files ``settings`` were resolved with still hold the same bytes (settings
    read back from the settings cache are stale otherwise)."""
    return all(not digest or _digest(Path(path)) == digest for path, digest in settings.plugin_sources)


def register_cached(settings: Settings) -> None:
    """Make the plugin rules of ``settings`` read back from the settings cache known to the
    lookups by code (reporters, ``--statistics``), importing only them."""
    plugin_rules = tuple(reference for reference in settings.rules if not reference.startswith("vectra_lint."))
    if plugin_rules:
        from vectra_lint import registry
        from vectra_lint.rule import load_rules

        try:
            registry.register(load_rules(plugin_rules, settings.plugin_path))
        except (Exception, SystemExit) as error:  # a plugin changed since: said in one line
            raise ConfigError(f"a plugin rule of {settings.root} does not load: {_described(error)}") from None


@cache
def _entry_point_folders() -> tuple[str, ...]:
    """The ``.dist-info`` / ``.egg-info`` folders on ``sys.path`` whose ``entry_points.txt``
    declares the group: read from the folders and those small files, as importlib.metadata's
    full scan costs a fifth of a second that a run with no plugin installed must not pay."""
    found: list[str] = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            folder = os.path.join(entry or ".", name)
            try:
                with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            if f"[{ENTRY_POINT_GROUP}]" in text:
                found.append(folder)
    return tuple(found)


def installed_fingerprint() -> str:
    """What identifies the installed plugins (their distributions' folder names, which carry the
    version): part of the settings cache key. Empty when none is installed."""
    return "".join(f"\0{os.path.basename(folder)}" for folder in _entry_point_folders())


@cache
def installed() -> tuple[tuple[type[Rule], ...], tuple[tuple[str, str], ...]]:
    """The rules of the installed plugins (entry points of the group) and their distributions as
    (``name==version``, "")."""
    if not _entry_point_folders():
        return (), ()
    import importlib.metadata  # a twentieth of a second: only when a plugin is installed

    from vectra_lint.rule import Rule

    rules: list[type[Rule]] = []
    sources: list[tuple[str, str]] = []
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        label = f"{dist.name}=={dist.version}" if dist is not None else entry.value
        where = f"installed plugin {entry.name!r} ({label}, entry point group {ENTRY_POINT_GROUP})"
        try:
            value = entry.load()
        except (Exception, SystemExit) as error:  # as for a project's plugin
            raise ConfigError(f"{where} does not import: {_described(error)}") from None
        if isinstance(value, ModuleType):
            found = _rules_of(value, where)
        elif isinstance(value, type) and issubclass(value, Rule):
            found = [value]
        else:
            raise ConfigError(f"{where}: names neither a module nor a Rule subclass")
        _validate(found, where)
        rules += found
        sources.append((label, ""))
    return tuple(rules), tuple(sources)
