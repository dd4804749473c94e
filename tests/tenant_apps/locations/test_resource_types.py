"""Resource types: keyset pages, spa-bound IDs, constant query counts."""

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.locations.models import ResourceKind, ResourceType
from tenants.db import connection

QUERY = """
query($first: Int, $after: String, $last: Int, $before: String, $kind: ResourceKind) {
  resourceTypes(first: $first, after: $after, last: $last, before: $before, kind: $kind) {
    edges { cursor node { id name kind } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def _make(spa, names, kind=ResourceKind.ROOM):
    connection.set_tenant(spa)
    made = [ResourceType.objects.create(name=name, kind=kind) for name in names]
    connection.set_schema_to_public()
    return made


def test_pages_forward_and_back_in_name_order(glow, signed_in):
    _make(glow, ["Room D", "Room A", "Room C", "Room B", "Room E"])
    client = signed_in(glow, "provider")

    first = client.graphql(QUERY, {"first": 2}).data["resourceTypes"]
    second = client.graphql(QUERY, {"first": 2, "after": first["pageInfo"]["endCursor"]}).data[
        "resourceTypes"
    ]
    back = client.graphql(QUERY, {"last": 2, "before": second["pageInfo"]["startCursor"]}).data[
        "resourceTypes"
    ]

    assert [e["node"]["name"] for e in first["edges"]] == ["Room A", "Room B"]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    assert [e["node"]["name"] for e in second["edges"]] == ["Room C", "Room D"]
    assert second["pageInfo"]["hasPreviousPage"]
    assert [e["node"]["name"] for e in back["edges"]] == ["Room A", "Room B"]


def test_filter_by_kind(glow, signed_in):
    _make(glow, ["CO2 laser"], kind=ResourceKind.DEVICE)
    _make(glow, ["Room A"])

    answer = signed_in(glow, "front_desk").graphql(QUERY, {"first": 10, "kind": "DEVICE"})

    assert [e["node"]["name"] for e in answer.data["resourceTypes"]["edges"]] == ["CO2 laser"]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({}, "PAGINATION_INVALID"),
        ({"first": 1, "last": 1}, "PAGINATION_INVALID"),
        ({"first": 101}, "PAGINATION_INVALID"),
        ({"first": 0}, "PAGINATION_INVALID"),
        ({"first": 5, "after": "not-a-cursor"}, "CURSOR_INVALID"),
        # a well-formed cursor of another list
        ({"first": 5, "after": "WyJvdGhlciIsWyJhIiwxXV0"}, "CURSOR_INVALID"),
        # the right list, but a value of the wrong type for the id key
        (
            {"first": 5, "after": "WyJyZXNvdXJjZS10eXBlcy1ieS1uYW1lIixbImEiLCJ4Il1d"},
            "CURSOR_INVALID",
        ),
    ],
)
def test_bad_page_arguments_get_coded_errors(glow, signed_in, variables, code):
    answer = signed_in(glow, "owner").graphql(QUERY, variables)

    assert answer.status == 200
    assert answer.error_codes == [code]


def test_a_page_costs_the_same_queries_whatever_its_size(
    glow, signed_in, django_assert_num_queries
):
    _make(glow, [f"Room {n:03}" for n in range(100)])
    client = signed_in(glow, "owner")
    client.graphql(QUERY, {"first": 1})  # warm the routing cache and token

    # the token, the page (the warm-up left the connection on glow's search_path: no SET)
    with django_assert_num_queries(2):
        small = client.graphql(QUERY, {"first": 1})
    with django_assert_num_queries(2):
        large = client.graphql(QUERY, {"first": 100})

    assert len(small.data["resourceTypes"]["edges"]) == 1
    assert len(large.data["resourceTypes"]["edges"]) == 100


def test_an_id_from_another_spa_resolves_to_nothing(glow, radiance, signed_in):
    (room,) = _make(glow, ["Room A"])
    _make(radiance, ["Room A"])  # same pk in the other schema
    connection.set_tenant(glow)
    glow_id = to_global_id("ResourceType", room.pk)
    connection.set_schema_to_public()
    node = "query($id: ID!) { node(id: $id) { id ... on ResourceType { name } } }"

    assert signed_in(glow, "owner").graphql(node, {"id": glow_id}).data["node"]["name"] == "Room A"
    assert signed_in(radiance, "owner").graphql(node, {"id": glow_id}).data["node"] is None
