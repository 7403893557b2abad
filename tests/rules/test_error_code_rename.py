"""VL304's fix as a project-wide rename (issue 19): upper-casing an error code renames it at every
raise site and class default, in the translation files' keys and in the tests' literals, all at
once; safe only when nothing else holds the old code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import parses
from tests.rules.project_helpers import invoke, messages, write_project

CONFIG = (
    "[tool.vectra-lint]\n\n[tool.vectra-lint.rules.VL706]\n"
    'translations = ["frontend/i18n/*.json", "frontend/i18n/*.ts"]\n'
)
FILES = {
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/core/exceptions.py": """
        class VectraException(Exception):
            error_code = "INTERNAL_ERROR"


        class NotFound(VectraException):
            error_code = "entity_not_found"
    """,
    "app/services/users.py": """
        from app.core.exceptions import NotFound


        def find_user() -> None:
            raise NotFound("x", error_code="entity_not_found")
    """,
    "app/services/items.py": """
        from app.core.exceptions import NotFound


        def find_item() -> None:
            raise NotFound("x", error_code='entity_not_found')
    """,
    "frontend/i18n/en.json": (
        '{\n  "errors": {\n    "entity_not_found": "Not found."\n  },\n  "entity_not_found": "Not found."\n}\n'
    ),
    "frontend/i18n/fr.ts": 'export default {\n  errors: {\n    entity_not_found: "Introuvable.",\n  },\n};\n',
    "tests/test_users.py": """
        import pytest

        from app.core.exceptions import NotFound
        from app.services.users import find_user


        def test_find_user() -> None:
            with pytest.raises(NotFound) as exc:
                find_user()
            assert exc.value.error_code == "entity_not_found"
    """,
}
FIXED = {
    "app/core/exceptions.py": 'class NotFound(VectraException):\n    error_code = "ENTITY_NOT_FOUND"\n',
    "app/services/users.py": 'raise NotFound("x", error_code="ENTITY_NOT_FOUND")\n',
    "app/services/items.py": "raise NotFound(\"x\", error_code='ENTITY_NOT_FOUND')\n",
    "tests/test_users.py": 'assert exc.value.error_code == "ENTITY_NOT_FOUND"\n',
}
EN = '{\n  "errors": {\n    "ENTITY_NOT_FOUND": "Not found."\n  },\n  "ENTITY_NOT_FOUND": "Not found."\n}\n'
FR = 'export default {\n  errors: {\n    ENTITY_NOT_FOUND: "Introuvable.",\n  },\n};\n'


def _texts(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".vectra" not in path.parts and path.name != "pyproject.toml"
    }


def test_the_fix_renames_the_code_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, CONFIG)
    before = _texts(root)
    result = invoke(root, monkeypatch, "--select", "VL304", "--fix", "--unsafe-fixes", "--no-cache", ".")
    after = _texts(root)
    assert after["frontend/i18n/en.json"] == EN
    assert after["frontend/i18n/fr.ts"] == FR
    for name, text in before.items():
        if name in FIXED:
            old = FIXED[name].replace("ENTITY_NOT_FOUND", "entity_not_found")
            assert after[name] == text.replace(old, FIXED[name]), name
        elif name.endswith(".py"):
            assert after[name] == text, name
    for name, text in after.items():
        if name.endswith(".py"):
            assert parses(text), name
    json.loads(after["frontend/i18n/en.json"])
    assert result.output == "Fixed 3 errors, 0 remaining.\n"
    # A second --fix changes nothing.
    invoke(root, monkeypatch, "--select", "VL304", "--fix", "--unsafe-fixes", "--no-cache", ".")
    assert _texts(root) == after


def test_the_rename_is_safe_when_nothing_else_holds_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, CONFIG)
    invoke(root, monkeypatch, "--select", "VL304", "--fix", "--no-cache", ".")
    assert _texts(root)["frontend/i18n/en.json"] == EN


def test_an_occurrence_elsewhere_makes_the_rename_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = dict(FILES)
    files["app/services/log.py"] = '"""Raises entity_not_found when missing."""\n'
    root = write_project(tmp_path, files, CONFIG)
    before = _texts(root)
    invoke(root, monkeypatch, "--select", "VL304", "--fix", "--no-cache", ".")
    assert _texts(root) == before  # unsafe: not applied by --fix alone
    result = invoke(root, monkeypatch, "--select", "VL304", "--output-format", "json", "--no-cache", ".")
    fixes = {d["fix"]["description"] for d in json.loads(result.output)}
    assert fixes == {
        "Rename error code 'entity_not_found' to 'ENTITY_NOT_FOUND' in 6 files; "
        "leaves 'entity_not_found' at app/services/log.py:1"
    }
    assert {d["fix"]["applicability"] for d in json.loads(result.output)} == {"unsafe"}


def test_diff_shows_every_file_of_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, CONFIG)
    before = _texts(root)
    result = invoke(root, monkeypatch, "--select", "VL304", "--diff", "--unsafe-fixes", "--no-cache", ".")
    shown = sorted(line[len("+++ b/") :] for line in result.output.splitlines() if line.startswith("+++ b/"))
    assert shown == sorted([*FIXED, "frontend/i18n/en.json", "frontend/i18n/fr.ts"])
    assert '+    "ENTITY_NOT_FOUND": "Not found."' in result.output
    assert _texts(root) == before


def test_messages_without_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, CONFIG)
    assert messages(root, monkeypatch, "VL304") == [
        "app/core/exceptions.py:6:18 VL304 Error code 'entity_not_found' is not SCREAMING_SNAKE_CASE (§15)",
        "app/services/items.py:5:36 VL304 Error code 'entity_not_found' is not SCREAMING_SNAKE_CASE (§15)",
        "app/services/users.py:5:36 VL304 Error code 'entity_not_found' is not SCREAMING_SNAKE_CASE (§15)",
    ]


def test_a_cached_run_sees_a_translation_file_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, CONFIG)
    args = ("--select", "VL304", "--output-format", "json", ".")
    first = json.loads(invoke(root, monkeypatch, *args).output)
    assert {d["fix"]["applicability"] for d in first} == {"safe"}
    # The old code now also appears as a translation's text, which the rename leaves.
    en = root / "frontend/i18n/en.json"
    en.write_text(en.read_text(encoding="utf-8").replace('"Not found."', '"entity_not_found"', 1), encoding="utf-8")
    second = json.loads(invoke(root, monkeypatch, *args).output)
    assert {d["fix"]["description"] for d in second} == {
        "Rename error code 'entity_not_found' to 'ENTITY_NOT_FOUND' in 6 files; "
        "leaves 'entity_not_found' at frontend/i18n/en.json:3"
    }


def test_files_not_reported_are_renamed_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES, CONFIG)
    before = _texts(root)
    invoke(root, monkeypatch, "--select", "VL304", "--fix", "--no-cache", "app")
    after = _texts(root)
    assert after["tests/test_users.py"] == before["tests/test_users.py"].replace(
        '"entity_not_found"', '"ENTITY_NOT_FOUND"'
    )
    assert after["frontend/i18n/en.json"] == EN


def test_a_file_the_rename_cannot_fix_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = dict(FILES)
    # A test module that does not parse: its literal cannot be renamed, so nothing is.
    files["tests/test_broken.py"] = 'def test_code(code: str) -> None:\n    assert code == "entity_not_found"\ndef (\n'
    root = write_project(tmp_path, files, CONFIG)
    before = _texts(root)
    result = invoke(root, monkeypatch, "--select", "VL304", "--fix", "--unsafe-fixes", "--no-cache", "app")
    assert _texts(root) == before
    assert "Found 3 errors." in result.output


def test_without_translation_files_the_rename_is_unsafe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, FILES)
    result = invoke(root, monkeypatch, "--select", "VL304", "--output-format", "json", "--no-cache", ".")
    assert {(d["fix"]["applicability"], d["fix"]["description"]) for d in json.loads(result.output)} == {
        (
            "unsafe",
            "Rename error code 'entity_not_found' to 'ENTITY_NOT_FOUND' in 4 files; leaves 'entity_not_found' at "
            "the frontend (no translation file: option `translations` of VL706), frontend/i18n/en.json:3, "
            "frontend/i18n/fr.ts:3",
        )
    }


def test_the_code_in_a_file_the_rename_does_not_edit_makes_it_unsafe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The frontend's source looks the key up by name: renaming keys and raise sites would break it.
    files = {**FILES, "frontend/src/pages/user.ts": 't("errors.entity_not_found");\n'}
    root = write_project(tmp_path, files, CONFIG)
    result = invoke(root, monkeypatch, "--select", "VL304", "--output-format", "json", "--no-cache", ".")
    fixes = {(d["fix"]["applicability"], d["fix"]["description"]) for d in json.loads(result.output)}
    assert {applicability for applicability, _ in fixes} == {"unsafe"}
    assert all(description.endswith("frontend/src/pages/user.ts:1") for _, description in fixes)
