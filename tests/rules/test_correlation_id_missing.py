"""VL701: a ContextVar given the name counts, findings sit at the ContextVar, and do not depend on
the folder the command runs from."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.rules.project_helpers import messages

LOGGING = """
    import logging
    from contextvars import ContextVar

    logger = logging.getLogger("app")
    {binding}
"""


def _write(root: Path, files: dict[str, str]) -> None:
    """Files without any ``pyproject.toml``: the root is the folder the command runs in."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _from(root: Path, monkeypatch: pytest.MonkeyPatch, prefix: str) -> list[str]:
    """The findings of a run in ``root``, with the paths as seen from ``tmp_path``."""
    return [prefix + line for line in messages(root, monkeypatch, "VL701")]


@pytest.mark.parametrize(
    "binding",
    [
        'cid_var: ContextVar[str] = ContextVar("correlation_id", default="-")',
        'correlation_id = ContextVar("cid")',
    ],
)
def test_vl701_a_context_var_given_or_bound_to_the_name_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, binding: str
) -> None:
    _write(tmp_path, {"app/core/logging.py": LOGGING.format(binding=binding), "app/main.py": "app = object()\n"})
    assert _from(tmp_path, monkeypatch, "") == []
    assert _from(tmp_path / "app", monkeypatch, "app/") == []


def test_vl701_the_finding_is_at_the_context_var_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binding = 'trace_id_var = ContextVar("trace_id")'
    _write(tmp_path, {"proj/app/core/logging.py": LOGGING.format(binding=binding)})
    expected = [
        "proj/app/core/logging.py:5:16 VL701 The correlation-id `ContextVar` is named `trace_id_var`; "
        "name it `correlation_id` (§6.1)"
    ]
    # Without a pyproject.toml, the root is the folder the run starts in: above `app/`, at it, below it.
    assert _from(tmp_path, monkeypatch, "") == expected
    assert _from(tmp_path / "proj", monkeypatch, "proj/") == expected
    assert _from(tmp_path / "proj" / "app", monkeypatch, "proj/app/") == expected
    assert _from(tmp_path / "proj" / "app" / "core", monkeypatch, "proj/app/core/") == expected


def test_vl701_a_logging_module_without_any_context_var_is_reported_at_its_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"app/core/logging.py": 'import logging\n\nlogger = logging.getLogger("app")\n'})
    expected = [
        "app/core/logging.py:1:1 VL701 The logging module defines no `ContextVar` named `correlation_id` (§6.1)"
    ]
    assert _from(tmp_path, monkeypatch, "") == expected
    assert _from(tmp_path / "app", monkeypatch, "app/") == expected
