"""Where the frontend is, for the project phase: its TypeScript models (VL703, VL704) and its
translation files (VL706), each read once per run and cached in ``Project.cache``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from vectra_lint.frontend.translations import TranslationError, matching_files, translation_keys
from vectra_lint.frontend.typescript import FrontendModels, read_folder
from vectra_lint.rule import StringOption, StringsOption

if TYPE_CHECKING:
    from vectra_lint.analysis.project import Project
    from vectra_lint.config.settings import Settings

DEFAULT_MODELS = "frontend/src/models"
MODELS_CODE = "VL703"
"""The TypeScript models folder is VL703's option; VL704 reads the same folder."""
FRONTEND_MODELS = StringOption(
    "frontend-models",
    DEFAULT_MODELS,
    "The TypeScript models folder, relative to the project root or else to its parent (VL704 reads it too).",
)
PAIRS = StringsOption(
    "pairs", (), 'Explicit counterparts, `"PythonName=TsName"` each, for names that differ otherwise.'
)
"""VL703's option; VL704 finds the schemas' counterparts with it too."""
TRANSLATIONS_CODE = "VL706"
TRANSLATIONS = StringsOption(
    "translations",
    (),
    "Globs of the frontend's translation files (JSON, TS or JS), relative to the project root; empty: off.",
)
_MODELS_KEY = "vectra_lint.frontend.models"
_TRANSLATIONS_KEY = "vectra_lint.frontend.translations"


def models_setting(settings: Settings) -> str:
    """The configured models folder (relative to the project root, or absolute)."""
    return settings.option(MODELS_CODE, FRONTEND_MODELS)


def models_folder(settings: Settings) -> Path | None:
    """The models folder under the project root, else under its parent (a monorepo keeps the
    backend in ``backend/`` beside ``frontend/``); None when neither exists."""
    configured = Path(models_setting(settings))
    if configured.is_absolute():
        return configured if configured.is_dir() else None
    for base in (settings.root, settings.root.parent):
        candidate = base / configured
        if candidate.is_dir():
            return candidate
    return None


def frontend_models(project: Project) -> FrontendModels | None:
    """The TypeScript models of the run (read once); None, with a notice, when there is no folder."""
    if _MODELS_KEY not in project.cache:
        folder = models_folder(project.settings)
        if folder is None:
            root = project.settings.root
            project.notice(
                f"no frontend models folder found: looked for `{models_setting(project.settings)}` under "
                f"{root} and {root.parent} (option `frontend-models` of VL703); the schemas and enums "
                "were not compared with TypeScript (VL703, VL704)"
            )
            project.cache[_MODELS_KEY] = None
        else:
            models = read_folder(folder, project.settings.root)
            for problem in models.unreadable:
                project.notice(f"{problem}; its models were not compared (VL703, VL704)")
            project.cache[_MODELS_KEY] = models
    found = project.cache[_MODELS_KEY]
    return found if isinstance(found, FrontendModels) else None


def translation_globs(settings: Settings) -> tuple[str, ...]:
    """VL706's ``translations`` globs (empty: the rule is off)."""
    return tuple(settings.option(TRANSLATIONS_CODE, TRANSLATIONS))


def translation_files(project: Project) -> dict[str, frozenset[str]]:
    """Each translation file (root-relative posix path) with its keys, read once per run.

    Files that match no glob or cannot be read are told once as notices.
    """
    if _TRANSLATIONS_KEY not in project.cache:
        root = project.settings.root
        found: dict[str, frozenset[str]] = {}
        for pattern in translation_globs(project.settings):
            files = matching_files(str(root), pattern)
            if not files:
                project.notice(f"the translations glob `{pattern}` matches no file under {root} (VL706)")
            for file in files:
                name = Path(os.path.relpath(file, root)).as_posix()
                try:
                    found.setdefault(name, translation_keys(file))
                except TranslationError as error:
                    project.notice(f"{error} (VL706)")
        project.cache[_TRANSLATIONS_KEY] = found
    files = project.cache[_TRANSLATIONS_KEY]
    assert isinstance(files, dict)
    return files
