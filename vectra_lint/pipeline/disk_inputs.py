"""What rules read from disk besides the checked Python files, fingerprinted for the cache keys.

VL705 reads the test modules in the tests folders (only the project phase's verdicts depend on
them); VL703/VL704 read the frontend's TypeScript models and VL706 its translation files in the
project phase. A cached answer is reused only while these hold what they held (their content, not
their mtimes). The option names and defaults mirror ``frontend/lookup.py`` and the VL705 rule
(which import the rule API, and so libcst: too heavy for a run answered from the cache); a test
checks that they agree.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from vectra_lint.analysis.test_files import VL705, disk_state
from vectra_lint.config.settings import Settings
from vectra_lint.frontend.translations import matching_files

MODELS_CODE = "VL703"
MODELS_READERS = ("VL703", "VL704")
MODELS_OPTION = "frontend-models"
DEFAULT_MODELS = "frontend/src/models"
TRANSLATIONS_CODE = "VL706"
TRANSLATIONS_OPTION = "translations"
RENAME_CODE = "VL304"
"""The rule whose fix renames error codes in the translation files (``fixing/rename.py``)."""

__all__ = ["VL705", "fingerprint", "project_fingerprint", "translation_paths"]


def _option(options: Mapping[str, Mapping[str, object]], code: str, name: str, default: object) -> object:
    return options.get(code, {}).get(name, default)


def _stats(paths: Iterable[str]) -> list[str]:
    """Each regular file's path and a hash of its content (not its mtime: a CI checkout touches
    every file, and the cache it restores must still answer)."""
    found = []
    for path in sorted(paths):
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
            with open(path, "rb") as handle:
                content = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
        except OSError:
            continue
        found.append(f"{path}:{content}")
    return found


def _models_files(settings: Settings) -> list[str]:
    configured = Path(str(_option(settings.rule_options, MODELS_CODE, MODELS_OPTION, DEFAULT_MODELS)))
    bases = (
        [configured] if configured.is_absolute() else [settings.root / configured, settings.root.parent / configured]
    )
    for folder in bases:
        if folder.is_dir():
            files: list[str] = []
            for directory, folders, names in os.walk(folder):
                folders.sort()
                files.extend(os.path.join(directory, name) for name in names)
            return [str(folder), *_stats(files)]
    return []


def _translation_matches(settings: Settings) -> list[Path]:
    globs = _option(settings.rule_options, TRANSLATIONS_CODE, TRANSLATIONS_OPTION, ())
    patterns = [str(pattern) for pattern in globs] if isinstance(globs, (list, tuple)) else []
    # As the rule finds them: links to folders not followed (a loop would never end), regular files only.
    return [match for pattern in patterns for match in matching_files(str(settings.root), pattern)]


def _translation_files(settings: Settings) -> list[str]:
    return _stats(str(match) for match in _translation_matches(settings))


def translation_paths(settings: Settings) -> list[Path]:
    """The translation files VL706 reports on (resolved); none when it is off."""
    if TRANSLATIONS_CODE not in settings.enabled:
        return []
    return [match.resolve() for match in _translation_matches(settings)]


def fingerprint(settings: Settings) -> str:
    """A hash of the disk inputs of the enabled rules (empty when none of them runs), except the
    test modules: see :func:`project_fingerprint`."""
    parts = []
    if any(code in settings.enabled for code in MODELS_READERS):
        parts.extend(_models_files(settings))
    if TRANSLATIONS_CODE in settings.enabled:
        parts.extend(_translation_files(settings))
    if not any(parts):
        return ""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def project_fingerprint(settings: Settings) -> str:
    """A hash of what only the project phase reads from disk: the test modules VL705 looks in
    and the translation files VL304's rename looks in (empty when neither runs). Kept out of the
    files' keys, so that editing a test reuses every file's cached result and only settles the
    project phase again."""
    tests = disk_state(settings.root, settings.enabled, settings.rule_options)
    if RENAME_CODE not in settings.enabled:
        return tests
    # VL304's fix renames a code in the translation files too: what it leaves there decides its safety.
    return hashlib.sha256("\n".join([tests, *_translation_files(settings)]).encode()).hexdigest()
