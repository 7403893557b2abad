"""Hostile inputs around the Python files: deep TypeScript and translation files are one file's
notice (the rest is reported), and the folders scanned hold links and special files that must
neither loop, nor repeat a file, nor block the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCHEMA = (
    '"""Schemas."""\n\nfrom pydantic import BaseModel\n\n\nclass User(BaseModel):\n    """A user."""\n\n    x: int\n'
)
MISMATCH = "app/schemas/user.py:6:7: VL703 Schema `User` differs from its TypeScript counterpart `User`"
CONFIG = (
    '[tool.vectra-lint]\nselect = ["VL703", "VL706"]\n'
    '[tool.vectra-lint.rules.error-code-untranslated]\ntranslations = ["frontend/src/i18n/**/*.json"]\n'
)
RAISE = (
    '"""Service."""\n\nfrom app.core.errors import FunctionalError\n\n\ndef f() -> None:\n'
    '    """F."""\n    raise FunctionalError("No such user", error_code="MISSING_CODE")\n'
)
ERRORS = 'class VectraException(Exception):\n    """V."""\n\n\nclass FunctionalError(VectraException):\n    """F."""\n'
UNTRANSLATED = "frontend/src/i18n/en.json:1:1: VL706 Error code `MISSING_CODE`"


def _frontend_project(root: Path) -> Path:
    (root / "pyproject.toml").write_text(CONFIG)
    for folder in ("app/schemas", "app/services", "app/core", "frontend/src/models", "frontend/src/i18n"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "app/schemas/user.py").write_text(SCHEMA)
    (root / "app/services/users.py").write_text(RAISE)
    (root / "app/core/errors.py").write_text(ERRORS)
    (root / "frontend/src/models/user.ts").write_text("export interface User { x: string }\n")
    (root / "frontend/src/i18n/en.json").write_text('{"errors": {"OTHER": "x"}}\n')
    return root


def _check(root: Path, *paths: str, cache: bool = False) -> subprocess.CompletedProcess[str]:
    # A subprocess with a timeout: a run that blocks on a FIFO fails the test instead of hanging it.
    options = () if cache else ("--no-cache",)
    command = [sys.executable, "-m", "vectra_lint", "check", *options, "--output-format", "concise", *paths]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120, check=False)


def _union(members: int) -> str:
    return "export interface Deep { kind: " + " | ".join(f'"v{n}"' for n in range(members)) + " }\n"


def _extends(depth: int, keyword: str = "interface") -> str:
    head = f"export {keyword} I0 {{ a: string }}\n"
    return head + "".join(f"export {keyword} I{n} extends I{n - 1} {{ a{n}: string }}\n" for n in range(1, depth))


DEEP_MODELS = {
    "union-500": _union(500),
    "union-3000": _union(3000),
    "array-500": "export interface Deep { x: " + "Array<" * 500 + "string" + ">" * 500 + " }\n",
    "record-400": "export interface Deep { x: " + "Record<string, " * 400 + "string" + ">" * 400 + " }\n",
    "array-suffix-800": "export interface Deep { x: string" + "[]" * 800 + " }\n",
    "parenthesised-600": "export interface Deep { x: " + "(" * 600 + "string" + ")" * 600 + " }\n",
    "extends-3000": _extends(3000),
    "class-extends-2000": _extends(2000, "class"),
}


@pytest.mark.expensive
@pytest.mark.parametrize("name", DEEP_MODELS)
def test_a_deep_typescript_model_does_not_stop_the_run(tmp_path: Path, name: str) -> None:
    root = _frontend_project(tmp_path)
    (root / "frontend/src/models/deep.ts").write_text(DEEP_MODELS[name])
    # The schema named as the end of the chain: its members are looked up through every base.
    (root / "app/schemas/chain.py").write_text(
        '"""Chain."""\n\nfrom pydantic import BaseModel\n\n\nclass I2999(BaseModel):\n    """End."""\n\n    a: str\n'
    )
    result = _check(root, ".")
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert any(line.startswith(MISMATCH) for line in result.stdout.splitlines()), result.stdout


def test_types_that_extend_the_same_bases_are_read_once(tmp_path: Path) -> None:
    # `A0` and `B0` each extend `A1` and `B1`, and so on 30 levels down: 2**30 ways to the last.
    levels = 30
    lines = [f"export interface {kind}{levels} {{ {kind.lower()}{levels}: string }}" for kind in "AB"]
    for level in range(levels - 1, 0, -1):
        head = f"extends A{level + 1}, B{level + 1}"
        lines += [f"export interface {kind}{level} {head} {{ {kind.lower()}{level}: string }}" for kind in "AB"]
    lines.append("export interface User extends A1, B1 { x: number }")
    root = _frontend_project(tmp_path)
    (root / "frontend/src/models/user.ts").write_text("\n".join(lines) + "\n")
    result = _check(root, ".")
    assert result.returncode == 1, result.stderr
    (found,) = [line for line in result.stdout.splitlines() if line.startswith(MISMATCH)]
    assert f"`a{levels}` there is not a field here" in found
    assert "`b1` there is not a field here" in found


def test_a_500_member_union_is_still_read(tmp_path: Path) -> None:
    root = _frontend_project(tmp_path)
    (root / "frontend/src/models/user.ts").write_text(_union(500).replace("Deep { kind", "User { x"))
    result = _check(root, ".")
    assert "internal error" not in result.stderr
    assert any(line.startswith(MISMATCH) and "`x` is `int` here" in line for line in result.stdout.splitlines())


@pytest.mark.expensive
@pytest.mark.parametrize("depth", [990, 5000, 100_000])
def test_a_deep_translation_file_is_a_notice(tmp_path: Path, depth: int) -> None:
    root = _frontend_project(tmp_path)
    deep = '{"errors": {"A": "b"}, "deep": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    (root / "frontend/src/i18n/deep.json").write_text(deep)
    result = _check(root, ".")
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert any(line.startswith(UNTRANSLATED) for line in result.stdout.splitlines()), result.stdout


def _special_files(root: Path, names: list[str]) -> None:
    for name in names:
        target = root / name
        if name.startswith("fifo"):
            os.mkfifo(root / name)
        else:
            target.symlink_to("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_links_loops_fifos_and_devices_in_scanned_folders(tmp_path: Path, cache: bool) -> None:
    root = _frontend_project(tmp_path)
    for folder in ("app", "app/schemas", "frontend/src/models", "frontend/src/i18n"):
        (root / folder / "loop").symlink_to("..")
        (root / folder / "up").symlink_to(root)
    _special_files(root / "app", ["fifo.py", "zero.py"])
    _special_files(root / "frontend/src/models", ["fifo.ts", "zero.ts"])
    _special_files(root / "frontend/src/i18n", ["fifo.json", "zero.json"])
    (root / "app/schemas/alias.py").symlink_to("user.py")
    result = _check(root, ".", cache=cache)
    assert result.returncode == 1, result.stderr
    reported = [line for line in result.stdout.splitlines() if ": VL" in line]
    assert len(reported) == 2, reported
    assert reported[0].startswith(MISMATCH)
    assert reported[1].startswith(UNTRANSLATED)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_named_fifo_is_not_read(tmp_path: Path) -> None:
    root = _frontend_project(tmp_path)
    os.mkfifo(root / "app/pipe.py")
    result = _check(root, "app")
    assert result.returncode == 1, result.stderr
    assert any(line.startswith(MISMATCH) for line in result.stdout.splitlines())


VUE = """<template>
  <div>{{ user.x }}</div>
</template>

<script setup lang="ts">
export interface User {
  x: string
}
defineProps<{ user: User }>()
</script>
"""


@pytest.mark.parametrize(
    ("component", "line"),
    [
        pytest.param(VUE, 6, id="script-setup-ts"),
        pytest.param(VUE.replace('setup lang="ts"', "lang='tsx'"), 6, id="tsx-single-quotes"),
        pytest.param("<script>\nconst a = 1\n</script>\n" + VUE.replace("<template>", "<TEMPLATE>"), 9, id="after-js"),
    ],
)
def test_a_vue_components_typescript_is_read(tmp_path: Path, component: str, line: int) -> None:
    root = _frontend_project(tmp_path)
    (root / "frontend/src/models/user.ts").unlink()
    (root / "frontend/src/models/UserCard.vue").write_text(component)
    result = _check(root, "app")
    assert f"`User` (frontend/src/models/UserCard.vue:{line}): `x` is `int` here" in result.stdout, result.stdout


def test_a_vue_component_in_plain_javascript_declares_nothing(tmp_path: Path) -> None:
    root = _frontend_project(tmp_path)
    (root / "frontend/src/models/user.ts").unlink()
    (root / "frontend/src/models/UserCard.vue").write_text(VUE.replace(' lang="ts"', ""))
    result = _check(root, "app")
    assert "VL703" not in result.stdout
