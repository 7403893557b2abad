"""Reading a config file, and the root of a tree with none; kept apart from the loader (which
imports every rule) so that a run answered from the cache finds its projects cheaply
(``config/projects.py``)."""

from __future__ import annotations

import os
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


# Any: TOML values nest (tables, arrays, scalars); each key is checked where it is read.
TomlTable = dict[str, Any]


def read(path: Path) -> TomlTable:
    """The TOML document in ``path``; a read or syntax error is a :class:`ConfigError`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: invalid TOML: byte 0x{error.object[error.start]:02x} at offset {error.start} is not UTF-8 "
            "(TOML files are UTF-8)"
        ) from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None


ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")
"""What marks a project root when no ``pyproject.toml`` has a ``[tool.vectra-lint]`` table."""


def find_root(start: Path) -> Path:
    """The project root for checking ``start`` when no config file was found: the nearest folder
    from ``start`` upward holding one of ``ROOT_MARKERS``, else the folder of ``start`` itself,
    or the folder above the package it is in (checking an installed ``cat/`` package alone must
    still see its modules as ``cat.log``, as its own imports name them).

    Never the working directory: the same files must give the same module names and layers
    wherever the command runs.
    """
    try:
        resolved = start.resolve()
    except (OSError, RuntimeError):
        # A symlink loop (RuntimeError before Python 3.13): discovery reports that path itself.
        resolved = Path(os.path.abspath(start))
    directory = resolved if resolved.is_dir() else resolved.parent
    for folder in (directory, *directory.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        directory = directory.parent
    return directory
