"""How field names look on the wire under pydantic's alias generators (as pydantic computes them)."""

from __future__ import annotations

import pytest

from vectra_lint.analysis.pydantic_models import FieldFacts, to_camel, to_pascal, wire_name


@pytest.mark.parametrize(
    ("name", "camel", "pascal"),
    [
        ("user_id", "userId", "UserId"),
        ("already", "already", "Already"),
        ("http_url_2", "httpUrl2", "HttpUrl2"),
        ("api_URL", "apiUrl", "ApiUrl"),
        ("v2_name", "v2Name", "V2Name"),
        ("fullName", "fullName", "Fullname"),
    ],
)
def test_generators_match_pydantic(name: str, camel: str, pascal: str) -> None:
    assert (to_camel(name), to_pascal(name)) == (camel, pascal)


def test_an_explicit_alias_wins_and_an_unknown_generator_is_unknown() -> None:
    field = FieldFacts(name="top_k", alias=None, type=("number",), annotation="int", has_default=False)
    aliased = FieldFacts(name="top_k", alias="k", type=("number",), annotation="int", has_default=False)
    assert wire_name(field, None) == "top_k"
    assert wire_name(field, "camel") == "topK"
    assert wire_name(field, "pascal") == "TopK"
    assert wire_name(aliased, "camel") == "k"
    assert wire_name(field, "unknown") is None
