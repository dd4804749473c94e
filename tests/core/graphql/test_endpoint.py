"""The GraphQL endpoint's own behaviour: codes on every error, limits, caching."""

import json

import graphene
import pytest
from graphql import parse, validate

from core.graphql import validation
from core.graphql.validation import check_document, validation_rules
from core.graphql.view import _DOCUMENT_CACHES, DOCUMENT_CACHE_SIZE


def test_syntax_error_has_a_code(glow, client_for):
    answer = client_for(glow).graphql("{ spa { ")
    assert answer.status == 400
    assert answer.error_codes == ["GRAPHQL_PARSE_FAILED"]


def test_unknown_field_has_a_code(glow, client_for):
    answer = client_for(glow).graphql("{ spa { secret } }")
    assert answer.status == 400
    assert answer.error_codes == ["GRAPHQL_VALIDATION_FAILED"]


def test_too_many_aliases_are_refused(glow, client_for):
    query = "{ " + " ".join(f"a{i}: spa {{ slug }}" for i in range(31)) + " }"
    answer = client_for(glow).graphql(query)
    assert answer.status == 400
    assert answer.error_codes == ["TOO_MANY_ALIASES"]


def test_thirty_aliases_are_fine(glow, client_for):
    query = "{ " + " ".join(f"a{i}: spa {{ slug }}" for i in range(30)) + " }"
    assert client_for(glow).graphql(query).status == 200


def test_deep_queries_are_refused_by_the_configured_rules():
    # the spa schema is shallow today, so the rule set is tested on a recursive one
    class Node(graphene.ObjectType):
        child = graphene.Field(lambda: Node)
        name = graphene.String()

    class Query(graphene.ObjectType):
        node = graphene.Field(Node)

    schema = graphene.Schema(query=Query).graphql_schema
    nested = lambda depth: "name" if depth == 0 else f"child {{ {nested(depth - 1)} }}"  # noqa: E731

    rules = list(validation_rules())
    _, allowed = check_document(schema, rules, f"{{ node {{ {nested(9)} }} }}")
    _, refused = check_document(schema, rules, f"{{ node {{ {nested(10)} }} }}")

    assert allowed == []
    assert "exceeds maximum operation depth of 10" in refused[0].message
    assert refused[0].extensions == {"code": "QUERY_TOO_DEEP"}


def test_empty_request_is_a_bad_request(glow, client_for):
    response = client_for(glow).post("/graphql/", data="{}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_invalid_json_is_a_bad_request(glow, client_for):
    response = client_for(glow).post("/graphql/", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(glow, client_for, method):
    response = getattr(client_for(glow), method)("/graphql/")
    assert response.status_code == 405


def test_documents_are_parsed_and_validated_once(glow, client_for):
    query = "{ spa { slug timezone } }"
    client = client_for(glow)
    client.graphql(query)
    hits_before = sum(cache.cache_info().hits for cache in _DOCUMENT_CACHES.values())

    client.graphql(query)

    assert sum(cache.cache_info().hits for cache in _DOCUMENT_CACHES.values()) == hits_before + 1


def test_a_repeated_query_is_neither_parsed_nor_validated_again(glow, client_for, monkeypatch):
    calls = []
    monkeypatch.setattr(
        validation, "parse", lambda *a, **k: calls.append("parse") or parse(*a, **k)
    )
    monkeypatch.setattr(
        validation, "validate", lambda *a, **k: calls.append("validate") or validate(*a, **k)
    )
    query = "{ onlyHere: spa { slug } }"  # a text no other test sends
    client = client_for(glow)

    first, again = client.graphql(query), client.graphql(query)

    assert first.data == again.data == {"onlyHere": {"slug": "glow"}}
    assert calls == ["parse", "validate"]


def test_the_document_cache_is_bounded(glow, client_for):
    client_for(glow).graphql("{ spa { slug } }")

    assert _DOCUMENT_CACHES
    assert {cache.cache_info().maxsize for cache in _DOCUMENT_CACHES.values()} == {
        DOCUMENT_CACHE_SIZE
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"query": 123},
        {"query": ["{ spa { slug } }"]},
        {"query": {"text": "{ spa { slug } }"}},
        {"query": "{ spa { slug } }", "variables": [1]},
        {"query": "{ spa { slug } }", "variables": "[1]"},
        {"query": "{ spa { slug } }", "operationName": 5},
    ],
)
def test_malformed_parameters_are_bad_requests(glow, client_for, payload):
    response = client_for(glow).post(
        "/graphql/", data=json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_operation_name_picks_the_operation_and_a_missing_one_is_an_error(glow, client_for):
    document = "query A { spa { slug } } query B { spa { timezone } }"
    client = client_for(glow)

    response = client.post(
        "/graphql/",
        data=json.dumps({"query": document, "operationName": "B"}),
        content_type="application/json",
    )
    unnamed = client.graphql(document)

    assert response.json() == {"data": {"spa": {"timezone": "America/New_York"}}}
    assert unnamed.status == 400
    assert unnamed.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
