"""Rooms and devices: listing, adding, renaming, retiring; names unique per
location; another spa's IDs find and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.locations.models import Resource, ResourceKind
from tests.tenant_apps.locations.factories import (
    LocationFactory,
    ResourceFactory,
    ResourceTypeFactory,
    on_spa,
)
from tests.tenant_apps.scheduling.factories import AppointmentFactory

LIST = """
query($locationId: ID, $typeId: ID, $active: Boolean, $first: Int!, $after: String) {
  resources(locationId: $locationId, typeId: $typeId, active: $active, first: $first,
            after: $after) {
    totalCount
    edges { node { id name kind isActive resourceType { name } location { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CREATE = """
mutation($input: CreateResourceInput!) {
  createResource(input: $input) {
    resource { name kind isActive location { name } resourceType { name } }
    errors { field code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: UpdateResourceInput!) {
  updateResource(id: $id, input: $input) {
    resource { name kind isActive resourceType { name } }
    errors { field code }
  }
}
"""


@pytest.fixture
def place(glow):
    """Two locations, a room type and a device type, and their IDs."""
    with on_spa(glow):
        midtown = LocationFactory(name="Midtown")
        brooklyn = LocationFactory(name="Brooklyn")
        room = ResourceTypeFactory(name="Treatment room", kind=ResourceKind.ROOM)
        laser = ResourceTypeFactory(name="CO2 laser", kind=ResourceKind.DEVICE)
        return {
            "midtown": midtown,
            "brooklyn": brooklyn,
            "room": room,
            "laser": laser,
            "midtownId": to_global_id("Location", midtown.pk),
            "brooklynId": to_global_id("Location", brooklyn.pk),
            "roomId": to_global_id("ResourceType", room.pk),
            "laserId": to_global_id("ResourceType", laser.pk),
        }


def names(answer) -> list[str]:
    return [edge["node"]["name"] for edge in answer.data["resources"]["edges"]]


def test_a_manager_adds_renames_and_retires_a_room(glow, signed_in, place):
    api = signed_in(glow, "manager")

    created = api.graphql(
        CREATE,
        {
            "input": {
                "locationId": place["midtownId"],
                "resourceTypeId": place["roomId"],
                "name": " Room 1 ",
            }
        },
    )
    with on_spa(glow):
        resource_id = to_global_id("Resource", Resource.objects.get().pk)
    updated = api.graphql(
        UPDATE,
        {"id": resource_id, "input": {"name": "Laser suite", "resourceTypeId": place["laserId"]}},
    )
    retired = api.graphql(UPDATE, {"id": resource_id, "input": {"isActive": False}})

    assert created.data["createResource"] == {
        "resource": {
            "name": "Room 1",
            "kind": "ROOM",
            "isActive": True,
            "location": {"name": "Midtown"},
            "resourceType": {"name": "Treatment room"},
        },
        "errors": [],
    }
    assert updated.data["updateResource"] == {
        "resource": {
            "name": "Laser suite",
            "kind": "DEVICE",
            "isActive": True,
            "resourceType": {"name": "CO2 laser"},
        },
        "errors": [],
    }
    assert retired.data["updateResource"]["resource"]["isActive"] is False


def test_names_are_unique_per_location_ignoring_case(glow, signed_in, place):
    with on_spa(glow):
        ResourceFactory(location=place["midtown"], resource_type=place["room"], name="Room 1")
        other = ResourceFactory(
            location=place["midtown"], resource_type=place["room"], name="Room 2"
        )
        other_id = to_global_id("Resource", other.pk)
    api = signed_in(glow, "owner")

    def create(location: str, name: str):
        answer = api.graphql(
            CREATE,
            {
                "input": {
                    "locationId": place[location],
                    "resourceTypeId": place["roomId"],
                    "name": name,
                }
            },
        )
        return answer.data["createResource"]["errors"]

    assert create("midtownId", "ROOM 1") == [{"field": "name", "code": "NAME_TAKEN"}]
    assert create("midtownId", "  ") == [{"field": "name", "code": "NAME_REQUIRED"}]
    assert create("midtownId", "x" * 81) == [{"field": "name", "code": "NAME_TOO_LONG"}]
    assert create("brooklynId", "Room 1") == []
    renamed = api.graphql(UPDATE, {"id": other_id, "input": {"name": "room 1"}})
    assert renamed.data["updateResource"]["errors"] == [{"field": "name", "code": "NAME_TAKEN"}]


def test_unknown_locations_and_types_are_not_found(glow, signed_in, place):
    with on_spa(glow):
        resource = ResourceFactory(location=place["midtown"], resource_type=place["room"])
        resource_id = to_global_id("Resource", resource.pk)
    api = signed_in(glow, "manager")

    created = api.graphql(
        CREATE, {"input": {"locationId": "nope", "resourceTypeId": "nope", "name": "Room"}}
    )
    retyped = api.graphql(UPDATE, {"id": resource_id, "input": {"resourceTypeId": "nope"}})
    missing = api.graphql(UPDATE, {"id": "nope", "input": {"name": "Room"}})

    assert {(e["field"], e["code"]) for e in created.data["createResource"]["errors"]} == {
        ("locationId", "NOT_FOUND"),
        ("resourceTypeId", "NOT_FOUND"),
    }
    assert retyped.data["updateResource"]["errors"] == [
        {"field": "resourceTypeId", "code": "NOT_FOUND"}
    ]
    assert missing.data["updateResource"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    with on_spa(glow):
        resource.refresh_from_db()
        assert resource.resource_type_id == place["room"].pk


def test_a_room_held_by_upcoming_appointments_keeps_its_type(glow, signed_in, place):
    with on_spa(glow):
        resource = ResourceFactory(location=place["midtown"], resource_type=place["room"])
        appointment = AppointmentFactory(location=place["midtown"])
        appointment.resource_bookings.create(
            resource=resource,
            blocked_from=appointment.starts_at,
            blocked_until=appointment.ends_at,
        )
        resource_id = to_global_id("Resource", resource.pk)
    api = signed_in(glow, "manager")

    retyped = api.graphql(
        UPDATE, {"id": resource_id, "input": {"resourceTypeId": place["laserId"]}}
    )
    retired = api.graphql(UPDATE, {"id": resource_id, "input": {"isActive": False}})

    assert retyped.data["updateResource"]["errors"] == [
        {"field": "resourceTypeId", "code": "IN_USE"}
    ]
    assert retired.data["updateResource"]["errors"] == []
    with on_spa(glow):
        # once the appointment is over, the type may change
        appointment.resource_bookings.update(
            blocked_from=dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
            blocked_until=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        )
    later = api.graphql(UPDATE, {"id": resource_id, "input": {"resourceTypeId": place["laserId"]}})
    assert later.data["updateResource"]["errors"] == []


def test_resources_list_by_name_with_filters(glow, signed_in, place):
    with on_spa(glow):
        ResourceFactory(location=place["midtown"], resource_type=place["room"], name="Room B")
        ResourceFactory(location=place["midtown"], resource_type=place["room"], name="Room A")
        ResourceFactory(location=place["midtown"], resource_type=place["laser"], name="Laser")
        ResourceFactory(
            location=place["brooklyn"],
            resource_type=place["room"],
            name="Old room",
            is_active=False,
        )
    api = signed_in(glow, "provider")

    everything = api.graphql(LIST, {"first": 10})
    midtown_rooms = api.graphql(
        LIST, {"first": 10, "locationId": place["midtownId"], "typeId": place["roomId"]}
    )
    retired = api.graphql(LIST, {"first": 10, "active": False})
    first_page = api.graphql(LIST, {"first": 2}).data["resources"]
    second_page = api.graphql(
        LIST, {"first": 2, "after": first_page["pageInfo"]["endCursor"]}
    ).data["resources"]

    assert names(everything) == ["Laser", "Old room", "Room A", "Room B"]
    assert everything.data["resources"]["edges"][0]["node"] | {"id": None} == {
        "id": None,
        "name": "Laser",
        "kind": "DEVICE",
        "isActive": True,
        "resourceType": {"name": "CO2 laser"},
        "location": {"name": "Midtown"},
    }
    assert names(midtown_rooms) == ["Room A", "Room B"]
    assert names(retired) == ["Old room"]
    assert [e["node"]["name"] for e in first_page["edges"] + second_page["edges"]] == [
        "Laser",
        "Old room",
        "Room A",
        "Room B",
    ]


def test_a_page_of_resources_costs_the_same_queries_whatever_its_size(
    glow, signed_in, place, django_assert_num_queries
):
    with on_spa(glow):
        for n in range(30):
            ResourceFactory(location=place["midtown"], resource_type=place["room"], name=f"R{n:02}")
    api = signed_in(glow, "front_desk")
    api.graphql(LIST, {"first": 1})  # warm

    # token, the page (type and location joined), the count (the warm-up left
    # the connection on glow's search_path: no SET)
    with django_assert_num_queries(3):
        small = api.graphql(LIST, {"first": 2})
    with django_assert_num_queries(3):
        large = api.graphql(LIST, {"first": 30})

    assert len(small.data["resources"]["edges"]) == 2
    assert len(large.data["resources"]["edges"]) == 30


def test_front_desk_and_providers_cannot_change_resources(glow, signed_in, place):
    for role in ("front_desk", "provider"):
        answer = signed_in(glow, role).graphql(
            CREATE,
            {
                "input": {
                    "locationId": place["midtownId"],
                    "resourceTypeId": place["roomId"],
                    "name": "R",
                }
            },
        )
        assert answer.error_codes == ["FORBIDDEN"]
    with on_spa(glow):
        assert not Resource.objects.exists()


def test_a_resource_of_one_spa_is_invisible_and_untouchable_from_another(
    glow, radiance, signed_in, place
):
    with on_spa(glow):
        resource = ResourceFactory(
            location=place["midtown"], resource_type=place["room"], name="Room 1"
        )
        glow_id = to_global_id("Resource", resource.pk)
    with on_spa(radiance):
        # the same primary keys exist there
        location = LocationFactory(pk=place["midtown"].pk, name="Radiance")
        room = ResourceTypeFactory(pk=place["room"].pk, name="Room")
        twin = ResourceFactory(pk=resource.pk, location=location, resource_type=room, name="Twin")
    api = signed_in(radiance, "owner")

    read = api.graphql("query($id: ID!) { node(id: $id) { id } }", {"id": glow_id})
    filtered = api.graphql(
        LIST, {"first": 10, "locationId": place["midtownId"], "typeId": place["roomId"]}
    )
    updated = api.graphql(UPDATE, {"id": glow_id, "input": {"name": "Changed", "isActive": False}})
    created = api.graphql(
        CREATE,
        {
            "input": {
                "locationId": place["midtownId"],
                "resourceTypeId": place["roomId"],
                "name": "New",
            }
        },
    )

    assert read.data["node"] is None
    assert filtered.data["resources"]["edges"] == []
    assert updated.data["updateResource"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert {(e["field"], e["code"]) for e in created.data["createResource"]["errors"]} == {
        ("locationId", "NOT_FOUND"),
        ("resourceTypeId", "NOT_FOUND"),
    }
    with on_spa(radiance):
        twin.refresh_from_db()
        assert (twin.name, twin.is_active, Resource.objects.count()) == ("Twin", True, 1)
    with on_spa(glow):
        resource.refresh_from_db()
        assert (resource.name, resource.is_active) == ("Room 1", True)
