"""Locations: validated writes, keyset pages with their hours, spa-bound IDs."""

import pytest
from django.db import IntegrityError, transaction

from core.graphql.relay import to_global_id
from tenant_apps.locations.models import Location, LocationHours
from tests.tenant_apps.locations.factories import LocationFactory, LocationHoursFactory, on_spa

CREATE = """
mutation($input: CreateLocationInput!) {
  createLocation(input: $input) {
    location { id name country timezone phone isActive city }
    errors { field code message }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: UpdateLocationInput!) {
  updateLocation(id: $id, input: $input) {
    location { name phone isActive timezone }
    errors { field code }
  }
}
"""
SET_HOURS = """
mutation($locationId: ID!, $hours: [LocationHoursInput!]!) {
  setLocationHours(locationId: $locationId, hours: $hours) {
    location { hours { weekday opensAt closesAt } }
    errors { field code message }
  }
}
"""
LIST = """
query($first: Int, $last: Int, $active: Boolean) {
  locations(first: $first, last: $last, active: $active) {
    edges { node { id name hours { weekday opensAt closesAt } } }
  }
}
"""


def _codes(payload):
    return {error["field"]: error["code"] for error in payload["errors"]}


def test_manager_opens_a_location_with_normalised_values(glow, signed_in):
    answer = signed_in(glow, "manager").graphql(
        CREATE,
        {
            "input": {
                "name": "  Midtown ",
                "timezone": "America/New_York",
                "country": "us",
                "phone": "(212) 555-0142",
                "city": "New York",
            }
        },
    )

    payload = answer.data["createLocation"]
    assert payload["errors"] == []
    assert payload["location"] | {"id": None} == {
        "id": None,
        "name": "Midtown",
        "country": "US",
        "timezone": "America/New_York",
        "phone": "+12125550142",  # national number read against the location's country
        "isActive": True,
        "city": "New York",
    }


def test_bad_location_input_is_refused_field_by_field_and_nothing_is_saved(glow, signed_in):
    answer = signed_in(glow, "owner").graphql(
        CREATE,
        {
            "input": {
                "name": " ",
                "timezone": "Mars/Olympus_Mons",
                "country": "XX",
                "phone": "12345",
                "postalCode": "9" * 21,
            }
        },
    )

    payload = answer.data["createLocation"]
    assert payload["location"] is None
    assert _codes(payload) == {
        "name": "NAME_REQUIRED",
        "timezone": "TIMEZONE_INVALID",
        "country": "COUNTRY_INVALID",
        "phone": "PHONE_INVALID",
        "postalCode": "TOO_LONG",
    }
    with on_spa(glow):
        assert not Location.objects.exists()


def test_a_location_name_is_unique_ignoring_case(glow, signed_in):
    with on_spa(glow):
        LocationFactory(name="Midtown")

    answer = signed_in(glow, "manager").graphql(
        CREATE, {"input": {"name": "MIDTOWN", "timezone": "America/New_York"}}
    )

    assert _codes(answer.data["createLocation"]) == {"name": "NAME_TAKEN"}


def test_update_changes_only_the_given_fields_and_closes_a_location(glow, signed_in):
    with on_spa(glow):
        location = LocationFactory(name="Midtown", phone="+12125550142")
        location_id = to_global_id("Location", location.pk)

    answer = signed_in(glow, "manager").graphql(
        UPDATE, {"id": location_id, "input": {"isActive": False, "timezone": "America/Chicago"}}
    )

    assert answer.data["updateLocation"] == {
        "location": {
            "name": "Midtown",
            "phone": "+12125550142",
            "isActive": False,
            "timezone": "America/Chicago",
        },
        "errors": [],
    }


def test_a_bad_update_changes_nothing(glow, signed_in):
    with on_spa(glow):
        location = LocationFactory(name="Midtown")
        location_id = to_global_id("Location", location.pk)

    answer = signed_in(glow, "manager").graphql(
        UPDATE, {"id": location_id, "input": {"name": "Uptown", "phone": "not a phone"}}
    )

    assert _codes(answer.data["updateLocation"]) == {"phone": "PHONE_INVALID"}
    with on_spa(glow):
        location.refresh_from_db()
    assert location.name == "Midtown"


def test_opening_hours_replace_the_whole_week(glow, signed_in):
    with on_spa(glow):
        location = LocationFactory()
        LocationHoursFactory(location=location, weekday=7, opens_at="10:00", closes_at="14:00")
        location_id = to_global_id("Location", location.pk)
    week = [
        {"weekday": 1, "opensAt": "13:00:00", "closesAt": "18:00:00"},
        {"weekday": 1, "opensAt": "09:00:00", "closesAt": "13:00:00"},  # touching is fine
        {"weekday": 2, "opensAt": "09:00:00", "closesAt": "17:00:00"},
    ]

    answer = signed_in(glow, "manager").graphql(
        SET_HOURS, {"locationId": location_id, "hours": week}
    )

    assert answer.data["setLocationHours"] == {
        "location": {
            "hours": [
                {"weekday": 1, "opensAt": "09:00:00", "closesAt": "13:00:00"},
                {"weekday": 1, "opensAt": "13:00:00", "closesAt": "18:00:00"},
                {"weekday": 2, "opensAt": "09:00:00", "closesAt": "17:00:00"},
            ]
        },
        "errors": [],
    }


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        (
            [
                {"weekday": 3, "opensAt": "09:00:00", "closesAt": "13:00:00"},
                {"weekday": 3, "opensAt": "12:00:00", "closesAt": "18:00:00"},
            ],
            "HOURS_OVERLAP",
        ),
        ([{"weekday": 3, "opensAt": "17:00:00", "closesAt": "09:00:00"}], "HOURS_INVALID"),
        ([{"weekday": 3, "opensAt": "09:00:00", "closesAt": "09:00:00"}], "HOURS_INVALID"),
        ([{"weekday": 8, "opensAt": "09:00:00", "closesAt": "17:00:00"}], "HOURS_INVALID"),
        ([{"weekday": 1, "opensAt": "09:00:00", "closesAt": "10:00:00"}] * 51, "HOURS_INVALID"),
    ],
)
def test_bad_opening_hours_are_refused_and_the_old_week_stays(glow, signed_in, hours, code):
    with on_spa(glow):
        location = LocationFactory()
        LocationHoursFactory(location=location, weekday=7)
        location_id = to_global_id("Location", location.pk)

    answer = signed_in(glow, "manager").graphql(
        SET_HOURS, {"locationId": location_id, "hours": hours}
    )

    payload = answer.data["setLocationHours"]
    assert payload["location"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {("hours", code)}
    with on_spa(glow):
        assert list(LocationHours.objects.values_list("weekday", flat=True)) == [7]


def test_hours_for_an_unknown_location_are_refused(glow, signed_in):
    with on_spa(glow):
        location_id = to_global_id("Location", 999_999)

    answer = signed_in(glow, "manager").graphql(SET_HOURS, {"locationId": location_id, "hours": []})

    assert _codes(answer.data["setLocationHours"]) == {"locationId": "NOT_FOUND"}


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "row",
    [
        {"country": "us"},
        {"name": ""},
    ],
)
def test_the_database_refuses_bad_locations(row):
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(**{"name": "X", "timezone": "America/New_York", **row})


@pytest.mark.spa("glow")
def test_the_database_refuses_overlapping_or_inverted_opening_hours():
    location = LocationFactory()
    LocationHoursFactory(location=location, weekday=2, opens_at="09:00", closes_at="13:00")

    with pytest.raises(IntegrityError), transaction.atomic():
        LocationHoursFactory(location=location, weekday=2, opens_at="12:59", closes_at="15:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationHoursFactory(location=location, weekday=3, opens_at="15:00", closes_at="14:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationHoursFactory(location=location, weekday=0)
    # the same times on another day, or at another location, are fine
    LocationHoursFactory(location=location, weekday=3, opens_at="09:00", closes_at="13:00")
    LocationHoursFactory(weekday=2, opens_at="09:00", closes_at="13:00")
    LocationHoursFactory(location=location, weekday=2, opens_at="13:00", closes_at="14:00")


def test_every_member_reads_locations_and_the_active_filter(glow, signed_in):
    with on_spa(glow):
        LocationFactory(name="Brooklyn")
        LocationFactory(name="Closed", is_active=False)
        LocationHoursFactory(location=LocationFactory(name="Astoria"), weekday=5)

    for role in ("provider", "front_desk"):
        answer = signed_in(glow, role).graphql(LIST, {"first": 10, "active": True})
        assert [e["node"]["name"] for e in answer.data["locations"]["edges"]] == [
            "Astoria",
            "Brooklyn",
        ]
    closed = signed_in(glow, "provider").graphql(LIST, {"first": 10, "active": False})
    assert [e["node"]["name"] for e in closed.data["locations"]["edges"]] == ["Closed"]


def test_a_page_of_locations_costs_the_same_queries_whatever_its_size(
    glow, signed_in, django_assert_num_queries
):
    with on_spa(glow):
        for location in LocationFactory.create_batch(100):
            LocationHoursFactory(location=location, weekday=1)
            LocationHoursFactory(location=location, weekday=2)
    client = signed_in(glow, "owner")
    client.graphql(LIST, {"first": 1})  # warm the routing cache and token

    # the token, the page, the hours (the warm-up left the connection on
    # glow's search_path: no SET)
    with django_assert_num_queries(3):
        small = client.graphql(LIST, {"first": 1})
    with django_assert_num_queries(3):
        large = client.graphql(LIST, {"first": 100})
    # without the hours, no query for them
    with django_assert_num_queries(2):
        client.graphql("{ locations(first: 100) { edges { node { name } } } }")

    assert len(small.data["locations"]["edges"]) == 1
    assert len(large.data["locations"]["edges"]) == 100
    assert all(len(e["node"]["hours"]) == 2 for e in large.data["locations"]["edges"])


def test_location_ids_from_another_spa_resolve_to_nothing_and_change_nothing(
    glow, radiance, signed_in
):
    with on_spa(glow):
        location = LocationFactory(name="Glow Midtown")
        hours = LocationHoursFactory(location=location)
        ids = {"Location": to_global_id("Location", location.pk)}
        ids["LocationHours"] = to_global_id("LocationHours", hours.pk)
    with on_spa(radiance):  # rows with the same primary keys over there
        twin = LocationFactory(name="Radiance Main", pk=location.pk)
        LocationHoursFactory(location=twin, pk=hours.pk)
    node = "query($id: ID!) { node(id: $id) { id } }"
    glow_client, radiance_client = signed_in(glow, "owner"), signed_in(radiance, "owner")

    for global_id in ids.values():
        assert glow_client.graphql(node, {"id": global_id}).data["node"] == {"id": global_id}
        assert radiance_client.graphql(node, {"id": global_id}).data["node"] is None
    update = radiance_client.graphql(UPDATE, {"id": ids["Location"], "input": {"name": "Stolen"}})
    hours_set = radiance_client.graphql(SET_HOURS, {"locationId": ids["Location"], "hours": []})

    assert _codes(update.data["updateLocation"]) == {"id": "NOT_FOUND"}
    assert _codes(hours_set.data["setLocationHours"]) == {"locationId": "NOT_FOUND"}
    with on_spa(radiance):
        twin.refresh_from_db()
        assert twin.name == "Radiance Main"
        assert LocationHours.objects.filter(location=twin).count() == 1


def test_providers_and_front_desk_cannot_change_locations(glow, signed_in):
    with on_spa(glow):
        location = LocationFactory(name="Midtown")
        location_id = to_global_id("Location", location.pk)

    for role in ("provider", "front_desk"):
        answer = signed_in(glow, role).graphql(UPDATE, {"id": location_id, "input": {"name": "X"}})
        assert answer.error_codes == ["FORBIDDEN"]
    with on_spa(glow):
        location.refresh_from_db()
    assert location.name == "Midtown"
