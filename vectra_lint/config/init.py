"""``vectra-lint init``: a ``[tool.vectra-lint]`` table for an existing tree, with the layers found in it."""

from __future__ import annotations

import os
from pathlib import Path

from vectra_lint.config.files import TABLE
from vectra_lint.config.loader import DEFAULT_EXCLUDE
from vectra_lint.config.settings import DEFAULT_LAYERS

# Folder names that mean a layer in the usual FastAPI/Django/Flask layouts.
LAYER_FOLDERS: dict[str, tuple[str, ...]] = {
    "routes": ("api", "routes", "routers", "endpoints", "views"),
    "services": ("services", "service"),
    "models": ("models",),
    "schemas": ("schemas",),
    "workers": ("workers", "tasks", "jobs"),
}
CONFIG_FILES = ("config.py", "settings.py")


def detect_layers(root: Path) -> dict[str, list[str]]:
    """Layer name -> globs (relative to ``root``) for the folders and config modules found.

    The outermost folder of each name wins (``app/api/**`` covers ``app/api/v1/routes``); only
    folders that hold Python files count.
    """
    found: dict[str, list[str]] = {name: [] for name in DEFAULT_LAYERS}
    skip = set(DEFAULT_EXCLUDE)
    with_python: set[str] = set()
    config_files: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith(".") and d != "tests")
        relative = Path(folder).relative_to(root).as_posix()
        if any(file.endswith(".py") for file in files):
            parts = relative.split("/") if relative != "." else []
            with_python.update("/".join(parts[:end]) for end in range(1, len(parts) + 1))
        if os.path.basename(folder) in ("core", "config", "settings"):
            config_files.extend(f"{relative}/{file}" for file in CONFIG_FILES if file in files)
    for relative in sorted(with_python):
        name = relative.rsplit("/", 1)[-1]
        for layer, names in LAYER_FOLDERS.items():
            if name in names and not any(relative.startswith(glob[: -len("**")]) for glob in found[layer]):
                found[layer].append(f"{relative}/**")
    found["config"] = config_files
    return {layer: globs for layer, globs in found.items() if globs}


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values) + "]"


def render(layers: dict[str, list[str]]) -> str:
    """The table ``init`` writes."""
    lines = [
        f"[tool.{TABLE}]",
        "# Written by `vectra-lint init`. Rules: `vectra-lint rules`; every key: the README.",
        "extend-exclude = []",
        "",
        f"[tool.{TABLE}.layers]",
        "# Where each architectural layer lives (globs relative to this file), as found in the tree.",
    ]
    for layer in DEFAULT_LAYERS:
        if layer in layers:
            lines.append(f"{layer} = {_toml_list(layers[layer])}")
        else:
            lines.append(f"# {layer}: not found; the default is {_toml_list(list(DEFAULT_LAYERS[layer]))}")
    return "\n".join(lines) + "\n"
