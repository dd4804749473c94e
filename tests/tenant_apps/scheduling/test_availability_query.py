"""The staff view of free slots: the engine's answer with its records, limits on
the search, and nothing found with another spa's IDs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.profile.services import profile_update
from tests.tenant_apps.catalog.factories import ServiceCategoryFactory, ServiceFactory
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.scheduling.factories import AppointmentFactory, a_desk, a_monday

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = a_monday()

SEARCH = """
query($locationId: ID!, $serviceIds: [ID!]!, $from: Date!, $to: Date!, $providerId: ID,
      $first: Int) {
  availability(locationId: $locationId, serviceIds: $serviceIds, from: $from, to: $to,
               providerId: $providerId, first: $first) {
    startsAt endsAt
    provider { displayName }
    services { startsAt endsAt service { name } }
    resources { name }
  }
}
"""


def local(day: dt.date, time: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=NEW_YORK)


@pytest.fixture
def search(glow):
    """A location open 09-17 with one room, two providers, and the variables of
    a search for the 60-minute service on MONDAY."""
    with on_spa(glow):
        desk = a_desk(providers=2, rooms=1)
        variables = {
            "locationId": to_global_id("Location", desk.location.pk),
            "serviceIds": [to_global_id("Service", desk.service.pk)],
            "from": MONDAY.isoformat(),
            "to": MONDAY.isoformat(),
        }
    return {"desk": desk, "variables": variables}


def starts(answer) -> list[tuple[dt.datetime, str]]:
    return [
        (dt.datetime.fromisoformat(slot["startsAt"]), slot["provider"]["displayName"])
        for slot in answer.data["availability"]
    ]


def test_slots_come_by_start_then_provider_with_their_room(glow, signed_in, search):
    desk = search["desk"]
    with on_spa(glow):
        profile_update(slot_granularity_minutes=60)
    first, second = (p.display_name for p in desk.providers)

    answer = signed_in(glow, "front_desk").graphql(SEARCH, search["variables"] | {"first": 3})

    assert starts(answer) == [
        (local(MONDAY, "09:00"), first),
        (local(MONDAY, "09:00"), second),
        (local(MONDAY, "10:00"), first),
    ]
    slot = answer.data["availability"][0]
    assert dt.datetime.fromisoformat(slot["endsAt"]) == local(MONDAY, "10:00")
    assert slot["services"] == [
        {"startsAt": slot["startsAt"], "endsAt": slot["endsAt"], "service": {"name": "Hydrafacial"}}
    ]
    assert slot["resources"] == [{"name": "Room 1"}]


def test_busy_providers_and_rooms_are_left_out(glow, signed_in, search):
    desk = search["desk"]
    with on_spa(glow):
        profile_update(slot_granularity_minutes=60)
        # the first provider is busy 09-11; nobody else is, but the only room is
        # held 09-10 by that appointment
        appointment = AppointmentFactory(
            client=desk.clients[0],
            provider=desk.providers[0],
            location=desk.location,
            starts_at=local(MONDAY, "09:00"),
            ends_at=local(MONDAY, "11:00"),
        )
        appointment.resource_bookings.create(
            resource=desk.rooms[0],
            blocked_from=local(MONDAY, "09:00"),
            blocked_until=local(MONDAY, "10:00"),
        )
    first, second = (p.display_name for p in desk.providers)

    answer = signed_in(glow, "front_desk").graphql(SEARCH, search["variables"] | {"first": 4})

    assert starts(answer) == [
        (local(MONDAY, "10:00"), second),
        (local(MONDAY, "11:00"), first),
        (local(MONDAY, "11:00"), second),
        (local(MONDAY, "12:00"), first),
    ]


def test_one_provider_and_the_staff_grid(glow, signed_in, search):
    desk = search["desk"]
    with on_spa(glow):
        provider_id = to_global_id("StaffMember", desk.providers[1].pk)
        # online notice and horizon do not bind the desk
        profile_update(min_notice_minutes=7 * 24 * 60, booking_horizon_days=1)

    answer = signed_in(glow, "provider").graphql(
        SEARCH, search["variables"] | {"providerId": provider_id, "first": 100}
    )

    slots = starts(answer)
    assert {name for _, name in slots} == {desk.providers[1].display_name}
    # every 15 minutes (the default grid) from 09:00 to 16:00
    assert [start for start, _ in slots] == [
        local(MONDAY, "09:00") + dt.timedelta(minutes=15 * n) for n in range(29)
    ]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"to": (MONDAY - dt.timedelta(days=1)).isoformat()}, "RANGE_INVALID"),
        ({"to": (MONDAY + dt.timedelta(days=31)).isoformat()}, "RANGE_INVALID"),
        ({"serviceIds": []}, "SERVICES_INVALID"),
        ({"first": 0}, "PAGINATION_INVALID"),
        ({"first": 101}, "PAGINATION_INVALID"),
    ],
)
def test_searches_too_wide_are_refused(glow, signed_in, search, variables, code):
    answer = signed_in(glow, "front_desk").graphql(SEARCH, search["variables"] | variables)

    assert answer.error_codes == [code]


def test_a_month_is_allowed_and_the_count_is_capped(glow, signed_in, search):
    answer = signed_in(glow, "front_desk").graphql(
        SEARCH, search["variables"] | {"to": (MONDAY + dt.timedelta(days=30)).isoformat()}
    )

    assert len(answer.data["availability"]) == 50  # the default `first`


def test_unknown_or_inactive_records_find_nothing(glow, radiance, signed_in, search):
    desk = search["desk"]
    with on_spa(glow):
        retired = ServiceFactory(is_active=False)
        retired_id = to_global_id("Service", retired.pk)
        # active itself, but its category is off the menu: booking refuses it too
        shelved = ServiceFactory(category=ServiceCategoryFactory(is_active=False))
        shelved_id = to_global_id("Service", shelved.pk)
    with on_spa(radiance):
        # radiance's own calendar, with the same primary keys
        a_desk(providers=2, rooms=1)
    api = signed_in(glow, "front_desk")

    cases = [
        {"locationId": "nope"},
        {"serviceIds": [*search["variables"]["serviceIds"], "nope"]},
        {"serviceIds": [retired_id]},
        {"serviceIds": [shelved_id]},
        {"providerId": "nope"},
    ]
    answers = [api.graphql(SEARCH, search["variables"] | case) for case in cases]
    from_radiance = signed_in(radiance, "owner").graphql(SEARCH, search["variables"])

    assert [a.data["availability"] for a in answers] == [[], [], [], [], []]
    assert from_radiance.data["availability"] == []
    assert desk.service.is_active


def test_the_search_costs_a_constant_number_of_queries(
    glow, signed_in, search, django_assert_num_queries
):
    api = signed_in(glow, "front_desk")
    api.graphql(SEARCH, search["variables"])  # warm

    # token, location (+ hours), service (+ resource types), providers (+
    # credentials, working hours), appointments, time off, rooms, room bookings,
    # policy, the rooms of the slots (the warm-up left the connection on glow's
    # search_path: no SET)
    with django_assert_num_queries(14):
        one_day = api.graphql(SEARCH, search["variables"] | {"first": 100})
    with django_assert_num_queries(14):
        week = api.graphql(
            SEARCH,
            search["variables"] | {"to": (MONDAY + dt.timedelta(days=6)).isoformat(), "first": 100},
        )

    assert len(one_day.data["availability"]) == 58  # 29 starts, two providers
    assert len(week.data["availability"]) == 100


def test_a_search_at_the_calendars_edges_is_refused_not_crashed_on(glow, signed_in, search):
    api = signed_in(glow, "front_desk")

    answers = [
        api.graphql(SEARCH, search["variables"] | {"from": day, "to": day})
        for day in ("0001-01-01", "9999-12-31")
    ]

    # one refusal per day out of range (`from` and `to`)
    assert [answer.error_codes for answer in answers] == [["DATE_OUT_OF_RANGE"] * 2] * 2
