"""Finding and reading the config file; kept apart from the loader (which imports every rule) so
that a run answered from the cache can locate its config cheaply."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TABLE = "vectra-lint"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.vectra-lint]`` table, from ``start`` upward."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = read(candidate)
            except ConfigError:
                return candidate  # let load() report the problem
            if TABLE in data.get("tool", {}):
                return candidate
    return None


# Any: TOML values nest (tables, arrays, scalars); each key is checked where it is read.
TomlTable = dict[str, Any]


def read(path: Path) -> TomlTable:
    """The TOML document in ``path``; a read or syntax error is a :class:`ConfigError`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
