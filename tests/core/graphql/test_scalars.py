"""JSONString (core/graphql/scalars.py): JSON in a string, refused as a typed
GraphQL error when it is not JSON or holds what PostgreSQL cannot store."""

from __future__ import annotations

import json

import pytest
from graphql import GraphQLError

from core.graphql.scalars import JSONString


def test_json_is_parsed():
    assert JSONString.parse_value('{"a": [1, "b", null]}') == {"a": [1, "b", None]}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (json.dumps({"a": "x\x00"}), "INVALID_CHARACTERS"),
        (json.dumps({"x\x00": 1}), "INVALID_CHARACTERS"),
        ('["\\ud800"]', "INVALID_CHARACTERS"),
        ("[" * 40 + "]" * 40, "INPUT_TOO_LARGE"),
    ],
)
def test_text_postgresql_cannot_store_or_too_deep_nesting_is_a_typed_error(text, code):
    with pytest.raises(GraphQLError) as raised:
        JSONString.parse_value(text)

    assert raised.value.extensions == {"code": code}


def test_text_that_is_not_json_is_refused():
    with pytest.raises(GraphQLError):
        JSONString.parse_value("{nope")
