"""The sensitive-name matcher shared by the logging rules."""

from __future__ import annotations

import libcst as cst
import pytest

from vectra_lint.analysis.sensitive import is_secret_name, leaked_references, secret_names

NAMES = ("api_key", "password", "secret", "token", "authorization")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["key", "value", "is_secret"], {"value"}),
        (["input_tokens", "output_tokens", "is_secret"], set()),
        (["user_password", "access_token", "api_key", "username"], {"user_password", "access_token", "api_key"}),
        (["name", "raw_value", "is_sensitive"], {"raw_value"}),
        (["value", "has_password"], set()),
        (["value", "secret"], {"secret"}),
    ],
)
def test_secret_names_by_name_as_words_and_by_sibling(names: list[str], expected: set[str]) -> None:
    assert secret_names(names, NAMES) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("OPENAI_API_KEY", True),
        ("apiKey", True),
        ("bearerToken", True),
        ("password_reset_token", True),
        ("hashed_password", True),
        ("max_tokens", False),
        ("tokenizer", False),
        ("secrets", False),
        ("token_count", False),
        ("ACCESS_TOKEN_EXPIRE_MINUTES", False),
        ("password_reset_url", False),
        ("api_key_id", False),
        ("has_password", False),
    ],
)
def test_is_secret_name_takes_whole_words_about_the_value(name: str, expected: bool) -> None:
    assert is_secret_name(name, NAMES) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('f"key={settings.GEMINI_API_KEY}"', ["GEMINI_API_KEY"]),
        ("token.expires_at", []),
        ("token.strip()", ["token"]),
        ("get_api_key()", ["get_api_key"]),
        ("mask(api_key)", []),
        ("len(password), password is None", []),
        ('"set" if api_key else "unset"', []),
        ('{"token": value, "password": "***"}', ["token"]),
        ('token_data["sub"]', []),
        ("api_key[:8]", ["api_key"]),
        ("os.getenv('R2R_POSTGRES_PASSWORD')", ["R2R_POSTGRES_PASSWORD"]),
        ('os.environ["OPENAI_API_KEY"], environ.get("HOST")', ["OPENAI_API_KEY"]),
        # Found at any depth of what is not skipped (numbers, strings, operators hold none).
        ("f\"{-(1 + 2) * [3, {'a': 4, 'password': [5]}][0]} {not api_key} {+api_key}\"", ["password", "api_key"]),
    ],
)
def test_leaked_references_follows_what_reaches_the_text(source: str, expected: list[str]) -> None:
    found = [name for _, name in leaked_references(cst.parse_expression(source), NAMES, ("mask",))]
    assert found == expected
