"""Depth, cost and fragment checks (core/graphql/limits.py), on every endpoint."""

import json
import runpy
import time
from pathlib import Path

import pytest
from graphql import parse

from config.schema_tenant import schema as tenant_schema
from core.graphql.limits import Limits, fragment_errors, measure
from core.graphql.validation import check_document, document_limits, validation_rules

BOOKING = "/booking/graphql/"
ENDPOINTS = [("spa", "/graphql/"), ("booking", BOOKING), ("public", "/graphql/")]


def exponential_fragments(levels: int, leaf: str) -> str:
    """A ~1 KB document whose fragment i spreads fragment i+1 twice: 2^levels
    fields when expanded, valid for every spec rule (no cycle, no conflict)."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments.append(f"fragment F{levels} on Query {{ {leaf} }}")
    return "query Boom { ...F0 }\n" + "\n".join(fragments)


def _post(client, path, query):
    response = client.post(path, data=json.dumps({"query": query}), content_type="application/json")
    return response.status_code, json.loads(response.content)


def _codes(body):
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize(("kind", "path"), ENDPOINTS)
def test_an_exponential_fragment_document_is_refused_in_milliseconds(glow, client_for, kind, path):
    # given a document that expands to 2^24 root fields
    client = client_for("medspa.test" if kind == "public" else glow)
    leaf = "__typename"
    query = exponential_fragments(24, leaf)
    assert len(query) < 2_000

    # when it is sent to the endpoint
    started = time.perf_counter()
    status, body = _post(client, path, query)
    elapsed = time.perf_counter() - started

    # then it is refused for its cost, before anything runs, in milliseconds
    assert (status, _codes(body)) == (400, ["QUERY_TOO_COMPLEX"])
    assert "16777216" in body["errors"][0]["message"]
    assert elapsed < 0.5, f"{elapsed:.3f} s"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "query { ...A } fragment A on Query { ...A }",
            "Cannot spread fragment 'A' within itself.",
        ),
        (
            "query { ...A } fragment A on Query { spa { slug } ...B } fragment B on Query { ...A }",
            "within itself",
        ),
        ("query { ...Nowhere }", "Unknown fragment 'Nowhere'."),
        ("query { spa { ... on Spa { ...Missing } } }", "Unknown fragment 'Missing'."),
    ],
)
@pytest.mark.parametrize(("kind", "path"), ENDPOINTS)
def test_fragment_cycles_and_unknown_fragments_are_validation_errors(
    glow, client_for, kind, path, query, message
):
    client = client_for("medspa.test" if kind == "public" else glow)
    status, body = _post(client, path, query)
    assert status == 400
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert message in body["errors"][0]["message"]


def test_a_long_cycle_is_found_without_recursion():
    # a chain of 5,000 fragments closing on itself: deeper than Python's recursion limit
    count = 5_000
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{(i + 1) % count} }}" for i in range(count)
    )
    [error] = fragment_errors(parse("query { ...F0 } " + fragments))
    assert "within itself" in error.message


def test_the_cost_of_a_connection_counts_its_page_size():
    limits = Limits(max_depth=10, max_cost=10**9, max_page_size=100, default_list_size=10)

    def cost(query: str) -> int:
        [(_, value)] = measure(tenant_schema.graphql_schema, parse(query), limits).values()
        return value

    one_page = "{ clients(first: 5) { edges { node { id firstName } } } }"
    capped = "{ clients(first: 5000) { edges { node { id firstName } } } }"
    variable = "query($n: Int) { clients(first: $n) { edges { node { id firstName } } } }"
    # clients 1 + edges (1 + node (1 + 2)) per client
    assert cost(one_page) == 1 + (1 + 5 * (1 + 2))
    assert cost(capped) == cost(variable) == 1 + (1 + 100 * (1 + 2))


def test_the_limits_come_from_settings(settings):
    settings.GRAPHQL_MAX_COST = 123
    document_limits.cache_clear()
    try:
        assert document_limits().max_cost == 123
    finally:
        document_limits.cache_clear()


def test_the_front_desk_day_schedule_is_well_within_the_limit():
    # bench/_frontdesk.py's day schedule, 100 appointments with their details
    source = Path(__file__).parents[3] / "bench" / "_frontdesk.py"
    DAY_SCHEDULE = runpy.run_path(str(source))["DAY_SCHEDULE"]

    [(depth, cost)] = measure(
        tenant_schema.graphql_schema, parse(DAY_SCHEDULE), document_limits()
    ).values()
    assert depth <= document_limits().max_depth
    assert cost * 2 < document_limits().max_cost


@pytest.fixture
def introspection_off(settings):
    settings.GRAPHQL_INTROSPECTION = False
    validation_rules.cache_clear()
    yield
    validation_rules.cache_clear()


@pytest.mark.parametrize(
    "query", ["{ __schema { types { name } } }", '{ __type(name: "Spa") { name } }']
)
def test_without_introspection_the_schema_cannot_be_read(introspection_off, query):
    _, errors = check_document(tenant_schema.graphql_schema, list(validation_rules()), query)
    assert [error.extensions["code"] for error in errors] == ["INTROSPECTION_DISABLED"]


def test_without_introspection_clients_may_still_ask_for_typename(introspection_off):
    query = "{ spa { __typename slug } }"
    _, errors = check_document(tenant_schema.graphql_schema, list(validation_rules()), query)
    assert errors == []
