"""The sensitive-name matcher shared by the logging rules."""

from __future__ import annotations

import libcst as cst
import pytest

from vectra_lint.analysis.sensitive import is_sensitive, sensitive_references

NAMES = ("api_key", "password", "secret", "token", "authorization")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("GEMINI_API_KEY", True), ("user_password", True), ("Authorization", True), ("username", False), ("tok", False)],
)
def test_is_sensitive_matches_case_insensitive_substrings(name: str, expected: bool) -> None:
    assert is_sensitive(name, NAMES) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('f"key={settings.GEMINI_API_KEY}"', ["GEMINI_API_KEY"]),
        ('headers["Authorization"]', ["Authorization"]),
        ('data.get("password", "")', ["password"]),
        ("user.name + refresh_token", ["refresh_token"]),
        ('{"password": "[MASKED]"}', []),
        ('"token"', []),
    ],
)
def test_sensitive_references_finds_values_not_literals(source: str, expected: list[str]) -> None:
    found = [name for _, name in sensitive_references(cst.parse_expression(source), NAMES)]
    assert found == expected
