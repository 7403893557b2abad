"""Helpers for rule tests that need a whole project: write one and run the CLI on it."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vectra_lint.cli import main

CONFIG = "[tool.vectra-lint]\n"
_LINE = re.compile(r"^(?P<where>\S+:\d+:\d+): (?P<code>[A-Z]+\d+) (?:\[[*-]\] )?(?P<message>.*)$")


def write_project(root: Path, files: Mapping[str, str], config: str = CONFIG) -> Path:
    """Write ``pyproject.toml`` and the files (dedented) under ``root``; return ``root``."""
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def invoke(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """Run ``vectra-lint check ARGS`` from ``root`` (so paths are shown relative to it)."""
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


def check(
    root: Path, monkeypatch: pytest.MonkeyPatch, select: str, paths: Sequence[str] = (".",), *extra: str
) -> list[str]:
    """``path:line:col CODE`` of every diagnostic of a concise run, in output order."""
    return [f"{m['where']} {m['code']}" for m in _matches(invoke(root, monkeypatch, *_args(select, paths, extra)))]


def messages(
    root: Path, monkeypatch: pytest.MonkeyPatch, select: str, paths: Sequence[str] = (".",), *extra: str
) -> list[str]:
    """``path:line:col CODE message`` of every diagnostic of a concise run."""
    found = _matches(invoke(root, monkeypatch, *_args(select, paths, extra)))
    return [f"{m['where']} {m['code']} {m['message']}" for m in found]


def _args(select: str, paths: Sequence[str], extra: Sequence[str]) -> list[str]:
    return ["--output-format", "concise", "--select", select, *extra, *paths]


def _matches(result: Result) -> list[re.Match[str]]:
    return [m for m in (_LINE.match(line) for line in result.output.splitlines()) if m]
