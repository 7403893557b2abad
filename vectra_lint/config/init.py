"""``vectra-lint init``: a ``[tool.vectra-lint]`` table for an existing tree, with the layers found in it."""

from __future__ import annotations

import os
from pathlib import Path

from vectra_lint.config.files import TABLE
from vectra_lint.config.loader import DEFAULT_EXCLUDE
from vectra_lint.config.projects import has_table
from vectra_lint.config.settings import DEFAULT_LAYERS

# Folder names that mean a layer in the usual FastAPI/Django/Flask layouts.
LAYER_FOLDERS: dict[str, tuple[str, ...]] = {
    "routes": ("api", "routes", "routers", "endpoints", "views"),
    "services": ("services", "service"),
    "models": ("models", "orm"),  # letta keeps its SQLAlchemy models in `letta/orm/`
    "schemas": ("schemas",),
    "workers": ("workers", "tasks", "jobs"),
}
CONFIG_FILES = ("config.py", "settings.py")
# Folders whose config.py or settings.py is the configuration module (r2r keeps it in core/main/);
# so is a top-level package's own (``app/config.py``, ``src/app/config.py``, as FastAPI's
# documentation has it), not a scripts folder's.
CONFIG_HOMES = ("core", "config", "settings", "main")
DJANGO_PROJECT_FILES = ("urls.py", "asgi.py", "wsgi.py")
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg")
# Test folders hold no layer: open-webui's tests of its routers live in `open_webui/test/.../routers/`.
TEST_FOLDERS = frozenset({"tests", "test"})


def _walk(root: Path) -> tuple[set[str], list[str], list[str]]:
    """The folders holding Python files (with their ancestors), the config modules and the
    ``config`` packages under ``root``, root-relative; other projects' folders are not entered."""
    skip = set(DEFAULT_EXCLUDE)
    with_python: set[str] = set()
    config_files: list[str] = []
    config_packages: list[str] = []
    for folder, dirs, files in os.walk(root):
        relative = Path(folder).relative_to(root).as_posix()
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in skip
            and not d.startswith(".")
            and d not in TEST_FOLDERS
            and not any(os.path.isfile(os.path.join(folder, d, marker)) for marker in PROJECT_MARKERS)
        )
        if not any(file.endswith(".py") for file in files):
            continue
        parts = relative.split("/") if relative != "." else []
        with_python.update("/".join(parts[:end]) for end in range(1, len(parts) + 1))
        name = os.path.basename(folder)
        if _config_package(parts):
            config_packages.append(f"{relative}/**")
        elif name in CONFIG_HOMES or (_package_top(parts) and "__init__.py" in files) or _django_project(files):
            config_files.extend(f"{relative}/{file}" for file in CONFIG_FILES if file in files)
    return with_python, config_files, config_packages


def _config_package(parts: list[str]) -> bool:
    """Whether the folder (its root-relative parts) is the configuration package as a whole: a
    ``config`` folder outside the layers' folders (``app/api/config/`` is a feature's routes), or a
    top-level package's ``settings`` (prefect's ``prefect/settings/``, a Django project's
    ``settings/``; letta's ``letta/local_llm/settings/`` are presets of a feature)."""
    if not parts or any(part in names for part in parts[:-1] for names in LAYER_FOLDERS.values()):
        return False
    if parts[-1] == "config":
        return True
    return parts[-1] == "settings" and (len(parts) == 1 or _package_top(parts[:-1]))


def _django_project(files: list[str]) -> bool:
    """Whether a folder's files are a Django project package's: its settings.py beside its
    urls.py, asgi.py or wsgi.py (khoj's ``khoj/app/``), whatever the folder is named."""
    return "settings.py" in files and any(name in files for name in DJANGO_PROJECT_FILES)


def _package_top(parts: list[str]) -> bool:
    """Whether the folder (its root-relative parts) is a top-level package: ``app``, ``src/app``."""
    return len(parts) == 1 and parts[0] != "src" or len(parts) == 2 and parts[0] == "src"


def detect_layers(root: Path) -> dict[str, list[str]]:
    """Layer name -> globs (relative to ``root``) for the folders and config modules found.

    The outermost folder of each name wins (``app/api/**`` covers ``app/api/v1/routes``); only
    folders that hold Python files count. Globs never overlap: a layer folder inside another
    layer's folder is taken out of it (``!app/api/models/**``), and a ``models`` folder inside the
    routes is the API's Pydantic models, so ``schemas``.
    """
    with_python, config_files, config_packages = _walk(root)
    folders: list[tuple[str, str]] = []  # (relative folder, layer), outermost first
    for relative in sorted(with_python, key=lambda path: (path.count("/"), path)):
        if any(relative.startswith(package.removesuffix("**")) for package in config_packages):
            continue  # prefect's `settings/models/` are the settings' own models
        name = relative.rsplit("/", 1)[-1]
        layer = next((layer for layer, names in LAYER_FOLDERS.items() if name in names), None)
        if layer is None:
            continue
        outer = next((pair for pair in folders if relative.startswith(pair[0] + "/")), None)
        if outer is not None and outer[1] == layer:
            continue  # already covered by the outer folder of the same layer
        if outer is not None and outer[1] == "routes" and layer == "models":
            layer = "schemas"
        folders.append((relative, layer))
    found: dict[str, list[str]] = {name: [] for name in DEFAULT_LAYERS}
    for relative, layer in folders:
        found[layer].append(f"{relative}/**")
    for relative, layer in folders:
        outer = next((pair for pair in folders if relative.startswith(pair[0] + "/") and pair[1] != layer), None)
        if outer is not None:
            found[outer[1]].append(f"!{relative}/**")
    found["config"] = config_files + config_packages
    return {layer: globs for layer, globs in found.items() if globs}


def sub_projects(root: Path) -> list[str]:
    """Folders below ``root`` (root-relative) that are projects of their own (a ``pyproject.toml``
    or ``setup.cfg``) with layer folders in them and no table yet: a monorepo's backend to set up."""
    found = []
    skip = set(DEFAULT_EXCLUDE)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith(".") and d != "node_modules")
        if folder != str(root) and any(marker in files for marker in PROJECT_MARKERS):
            dirs[:] = []  # its own sub-projects are its business
            configured = "pyproject.toml" in files and has_table(Path(folder, "pyproject.toml"))
            if not configured and detect_layers(Path(folder)):
                found.append(Path(folder).relative_to(root).as_posix())
    return found


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
            # Absent on purpose, as the layer notice asks: no notice right after `init`.
            default = _toml_list(list(DEFAULT_LAYERS[layer]))
            lines.append(f"{layer} = []  # not found in the tree; the default would be {default}")
    return "\n".join(lines) + "\n"
