"""Reading the calendar: ranges, a location's local day and week, keyset pages,
what a provider may see, exact query counts, and the audit of client reads."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditEntry
from tenant_apps.scheduling.models import AppointmentStatus, ResourceBooking
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.locations.factories import LocationFactory, on_spa
from tests.tenant_apps.scheduling.factories import (
    AppointmentFactory,
    a_desk,
    a_monday,
    appointments_bulk,
)
from tests.tenant_apps.staff.factories import StaffProfileFactory

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = a_monday()

DAY = """
query($date: Date!, $locationId: ID!, $first: Int, $after: String, $providerIds: [ID!],
      $resourceIds: [ID!], $statuses: [AppointmentStatus!]) {
  daySchedule(date: $date, locationId: $locationId, first: $first, after: $after,
              providerIds: $providerIds, resourceIds: $resourceIds, statuses: $statuses) {
    edges { node { id startsAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
WEEK = """
query($weekOf: Date!, $locationId: ID!) {
  weekSchedule(weekOf: $weekOf, locationId: $locationId, first: 100) {
    edges { node { id startsAt } }
  }
}
"""
RANGE = """
query($from: DateTime!, $to: DateTime!, $clientId: ID, $locationId: ID) {
  appointments(from: $from, to: $to, first: 100, clientId: $clientId, locationId: $locationId) {
    totalCount
    edges { node { id startsAt } }
  }
}
"""
FULL_DAY = """
query($date: Date!, $locationId: ID!, $first: Int!) {
  daySchedule(date: $date, locationId: $locationId, first: $first) {
    edges { node {
      id status startsAt endsAt notes
      client { displayName phone }
      provider { displayName }
      location { name }
      services { startsAt endsAt priceCents service { name category { name } } }
      resources { name kind resourceType { name } location { name } }
    } }
  }
}
"""


def local(day: dt.date, time: str, zone: ZoneInfo = NEW_YORK) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=zone)


def starts(answer, field: str) -> list[dt.datetime]:
    return [
        dt.datetime.fromisoformat(edge["node"]["startsAt"]) for edge in answer.data[field]["edges"]
    ]


@pytest.fixture
def calendar(glow, member_of):
    """A New York location with two providers (`me` has an account), and an
    appointment helper writing straight to the database."""
    me = member_of(glow, "provider")
    with on_spa(glow):
        desk = a_desk(provider_user_ids=[me.user_id], providers=2, rooms=2)

    rows = {}

    def appointment(start: dt.datetime, *, provider: int = 0, **fields) -> str:
        """A booked appointment written directly; its global ID."""
        fields.setdefault("client", desk.clients[0])
        with on_spa(glow):
            made = AppointmentFactory.create(
                provider=desk.providers[provider], location=desk.location, starts_at=start, **fields
            )
            global_id = to_global_id("Appointment", made.pk)
        rows[global_id] = made
        return global_id

    with on_spa(glow):
        ids = {
            "locationId": to_global_id("Location", desk.location.pk),
            "myId": to_global_id("StaffMember", desk.providers[0].pk),
            "colleagueId": to_global_id("StaffMember", desk.providers[1].pk),
            "clientId": to_global_id("Client", desk.clients[0].pk),
        }
    return {"desk": desk, "me": me, "appointment": appointment, "rows": rows, **ids}


def test_a_day_is_the_locations_local_day(glow, signed_in, calendar):
    make = calendar["appointment"]
    make(local(MONDAY, "00:00"))
    make(local(MONDAY, "23:30"))  # 04:30 UTC on Tuesday: still Monday here
    make(local(MONDAY, "23:59") + dt.timedelta(minutes=1), provider=1)  # Tuesday 00:00
    make(local(MONDAY, "00:00") - dt.timedelta(minutes=30), provider=1)  # Sunday 23:30

    answer = signed_in(glow, "front_desk").graphql(
        DAY, {"date": MONDAY.isoformat(), "locationId": calendar["locationId"], "first": 10}
    )

    assert starts(answer, "daySchedule") == [local(MONDAY, "00:00"), local(MONDAY, "23:30")]


def test_a_week_runs_monday_to_sunday_local_time(glow, signed_in, calendar):
    make = calendar["appointment"]
    sunday_before = local(MONDAY - dt.timedelta(days=1), "22:00")
    inside = [local(MONDAY + dt.timedelta(days=n), "10:00") for n in range(7)]
    next_monday = local(MONDAY + dt.timedelta(days=7), "00:30")
    for start in [sunday_before, *inside, next_monday]:
        make(start)

    answer = signed_in(glow, "front_desk").graphql(
        WEEK,
        {
            "weekOf": (MONDAY + dt.timedelta(days=3)).isoformat(),
            "locationId": calendar["locationId"],
        },
    )

    assert starts(answer, "weekSchedule") == inside


def test_a_day_pages_by_start_time_then_id(glow, signed_in, calendar):
    make = calendar["appointment"]
    made = [make(local(MONDAY, "10:00"), provider=n % 2) for n in range(2)]
    made += [make(local(MONDAY, "09:00"))]
    api = signed_in(glow, "front_desk")
    variables = {"date": MONDAY.isoformat(), "locationId": calendar["locationId"], "first": 2}

    first = api.graphql(DAY, variables).data["daySchedule"]
    second = api.graphql(DAY, variables | {"after": first["pageInfo"]["endCursor"]}).data[
        "daySchedule"
    ]

    assert [e["node"]["id"] for e in first["edges"] + second["edges"]] == [made[2], *made[:2]]
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]


def test_filters_by_provider_room_and_status(glow, signed_in, calendar):
    make = calendar["appointment"]
    mine = make(local(MONDAY, "09:00"))
    theirs = make(local(MONDAY, "09:00"), provider=1)
    cancelled = make(
        local(MONDAY, "11:00"),
        status=AppointmentStatus.CANCELLED,
        cancellation_reason="Ill",
    )
    with on_spa(glow):
        room = calendar["desk"].rooms[1]
        ResourceBooking.objects.create(
            appointment=calendar["rows"][theirs],
            resource=room,
            blocked_from=local(MONDAY, "09:00"),
            blocked_until=local(MONDAY, "10:00"),
        )
        room_id = to_global_id("Resource", room.pk)
    api = signed_in(glow, "front_desk")
    base = {"date": MONDAY.isoformat(), "locationId": calendar["locationId"], "first": 10}

    def ids(**filters):
        answer = api.graphql(DAY, base | filters)
        return [edge["node"]["id"] for edge in answer.data["daySchedule"]["edges"]]

    assert ids(providerIds=[calendar["myId"]]) == [mine, cancelled]
    assert ids(resourceIds=[room_id]) == [theirs]
    assert ids(statuses=["CANCELLED"]) == [cancelled]
    assert ids(statuses=["BOOKED", "CONFIRMED"]) == [mine, theirs]
    assert ids(providerIds=["nonsense"]) == []


def test_a_range_is_required_and_at_most_31_days(glow, signed_in, calendar):
    make = calendar["appointment"]
    make(local(MONDAY, "10:00"))
    api = signed_in(glow, "front_desk")
    start = local(MONDAY, "00:00")

    month = api.graphql(
        RANGE, {"from": start.isoformat(), "to": (start + dt.timedelta(days=31)).isoformat()}
    )
    longer = api.graphql(
        RANGE,
        {"from": start.isoformat(), "to": (start + dt.timedelta(days=31, seconds=1)).isoformat()},
    )
    backwards = api.graphql(
        RANGE, {"from": start.isoformat(), "to": (start - dt.timedelta(days=1)).isoformat()}
    )
    naive = api.graphql(RANGE, {"from": "2030-01-01T00:00:00", "to": "2030-01-02T00:00:00"})

    assert month.data["appointments"]["totalCount"] == 1
    assert longer.error_codes == backwards.error_codes == naive.error_codes == ["RANGE_INVALID"]


def test_a_clients_appointments_over_a_range(glow, signed_in, calendar):
    make = calendar["appointment"]
    theirs = make(local(MONDAY, "10:00"))
    with on_spa(glow):
        other = ClientFactory()
    make(local(MONDAY, "12:00"), client=other)
    start = local(MONDAY, "00:00")
    window = {"from": start.isoformat(), "to": (start + dt.timedelta(days=7)).isoformat()}
    api = signed_in(glow, "front_desk")

    answer = api.graphql(RANGE, window | {"clientId": calendar["clientId"]})

    assert [e["node"]["id"] for e in answer.data["appointments"]["edges"]] == [theirs]


def test_a_provider_sees_only_their_own_appointments(glow, signed_in, calendar):
    make = calendar["appointment"]
    mine = make(local(MONDAY, "10:00"))
    theirs = make(local(MONDAY, "10:00"), provider=1)
    start = local(MONDAY, "00:00")
    window = {"from": start.isoformat(), "to": (start + dt.timedelta(days=1)).isoformat()}
    day = {"date": MONDAY.isoformat(), "locationId": calendar["locationId"], "first": 10}
    provider = signed_in(glow, membership=calendar["me"])
    desk = signed_in(glow, "front_desk")
    node = "query($id: ID!) { node(id: $id) { id ... on Appointment { notes } } }"

    def listed(api, **extra):
        return (
            [e["node"]["id"] for e in api.graphql(RANGE, window).data["appointments"]["edges"]],
            [e["node"]["id"] for e in api.graphql(DAY, day | extra).data["daySchedule"]["edges"]],
        )

    assert listed(provider) == ([mine], [mine])
    assert listed(desk) == ([mine, theirs], [mine, theirs])
    # asking for a colleague's calendar shows nothing of it
    assert listed(provider, providerIds=[calendar["colleagueId"]])[1] == []
    assert provider.graphql(node, {"id": mine}).data["node"] == {"id": mine, "notes": ""}
    assert provider.graphql(node, {"id": theirs}).data["node"] is None
    assert desk.graphql(node, {"id": theirs}).data["node"] == {"id": theirs, "notes": ""}


def test_reading_the_calendar_logs_the_clients_read(glow, signed_in, calendar):
    make = calendar["appointment"]
    make(local(MONDAY, "10:00"))
    make(local(MONDAY, "11:00"))
    api = signed_in(glow, "front_desk")
    with on_spa(glow):
        before = AuditEntry.objects.count()
    variables = {"date": MONDAY.isoformat(), "locationId": calendar["locationId"]}

    # An appointment is part of its client's record: reading it is a read of the
    # client even when the client's own fields are not selected.
    api.graphql(DAY, variables | {"first": 10})
    api.graphql(FULL_DAY, variables | {"first": 10})
    # and a day with nothing on it reads no one
    unknown_provider = to_global_id("StaffMember", 999_999)
    api.graphql(DAY, variables | {"first": 10, "providerIds": [unknown_provider]})

    with on_spa(glow):
        entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    read = ("list", [calendar["desk"].clients[0].pk], "front_desk")
    assert [(e.action, e.client_ids, e.actor_role) for e in entries] == [read, read]


def test_a_day_of_10_or_100_appointments_costs_the_same_queries(
    glow, signed_in, django_assert_num_queries
):
    with on_spa(glow):
        desk = a_desk(providers=10, rooms=10, clients=20)
        location_id = to_global_id("Location", desk.location.pk)

        def add(count: int, first_start: dt.datetime):
            appointments_bulk(
                location=desk.location,
                providers=desk.providers,
                clients=desk.clients,
                service=desk.service,
                rooms=desk.rooms,
                first_start=first_start,
                count=count,
            )

        add(10, local(MONDAY, "09:00"))
    api = signed_in(glow, "front_desk")
    variables = {"date": MONDAY.isoformat(), "locationId": location_id, "first": 100}
    api.graphql(FULL_DAY, variables)  # warm: routing cache, token

    # token, the location, the page (client, provider and location joined),
    # the services (service and category joined), the rooms (type and location
    # joined), the audit insert (the warm-up left the connection on glow's
    # search_path: no SET)
    with django_assert_num_queries(6):
        ten = api.graphql(FULL_DAY, variables)
    with on_spa(glow):
        add(90, local(MONDAY, "10:00"))
    with django_assert_num_queries(6):
        hundred = api.graphql(FULL_DAY, variables)

    assert len(ten.data["daySchedule"]["edges"]) == 10
    edges = hundred.data["daySchedule"]["edges"]
    assert len(edges) == 100
    assert all(len(e["node"]["services"]) == 1 and len(e["node"]["resources"]) == 1 for e in edges)
    assert edges[-1]["node"]["services"][0]["service"]["name"] == "Hydrafacial"


def test_a_range_of_100_appointments_costs_a_constant_number_of_queries(
    glow, signed_in, django_assert_num_queries
):
    with on_spa(glow):
        desk = a_desk(providers=10, rooms=10, clients=20)
        appointments_bulk(
            location=desk.location,
            providers=desk.providers,
            clients=desk.clients,
            service=desk.service,
            rooms=desk.rooms,
            first_start=local(MONDAY, "09:00"),
            count=100,
        )
    api = signed_in(glow, "front_desk")
    start = local(MONDAY, "00:00")
    query = FULL_DAY.replace(
        "query($date: Date!, $locationId: ID!, $first: Int!) {\n"
        "  daySchedule(date: $date, locationId: $locationId, first: $first) {",
        "query($from: DateTime!, $to: DateTime!, $first: Int!) {\n"
        "  appointments(from: $from, to: $to, first: $first) {\n    totalCount",
    ).replace("resources { name", "history { kind actorRole } resources { name")
    variables = {"from": start.isoformat(), "to": (start + dt.timedelta(days=1)).isoformat()}
    api.graphql(query, variables | {"first": 1})  # warm

    # token, the page, the count, services, rooms, history, the audit insert
    # (the warm-up left the connection on glow's search_path: no SET)
    with django_assert_num_queries(7):
        small = api.graphql(query, variables | {"first": 10})
    with django_assert_num_queries(7):
        large = api.graphql(query, variables | {"first": 100})

    assert len(small.data["appointments"]["edges"]) == 10
    assert len(large.data["appointments"]["edges"]) == 100
    assert large.data["appointments"]["totalCount"] == 100
    assert large.data["appointments"]["edges"][0]["node"]["history"] == [
        {"kind": "BOOKED", "actorRole": "system:test"}
    ]


def test_another_spas_ids_find_nothing(glow, radiance, signed_in, calendar):
    make = calendar["appointment"]
    make(local(MONDAY, "10:00"))
    with on_spa(radiance):
        # radiance has a location and an appointment with the same primary keys
        twin_location = LocationFactory(
            pk=calendar["desk"].location.pk, name="Radiance", timezone="America/New_York"
        )
        AppointmentFactory(
            location=twin_location,
            provider=StaffProfileFactory(),
            starts_at=local(MONDAY, "10:00"),
        )
    api = signed_in(radiance, "owner")
    start = local(MONDAY, "00:00")

    day = api.graphql(
        DAY, {"date": MONDAY.isoformat(), "locationId": calendar["locationId"], "first": 10}
    )
    week = api.graphql(WEEK, {"weekOf": MONDAY.isoformat(), "locationId": calendar["locationId"]})
    ranged = api.graphql(
        RANGE,
        {
            "from": start.isoformat(),
            "to": (start + dt.timedelta(days=1)).isoformat(),
            "locationId": calendar["locationId"],
        },
    )
    by_client = api.graphql(
        RANGE,
        {
            "from": start.isoformat(),
            "to": (start + dt.timedelta(days=1)).isoformat(),
            "clientId": calendar["clientId"],
        },
    )

    assert day.data["daySchedule"]["edges"] == []
    assert week.data["weekSchedule"]["edges"] == []
    assert ranged.data["appointments"] == {"totalCount": 0, "edges": []}
    assert by_client.data["appointments"] == {"totalCount": 0, "edges": []}


def test_days_at_the_calendars_edges_are_refused_not_crashed_on(glow, signed_in, calendar):
    # given a location (its week and local midnights cannot be computed at year 9999)
    api = signed_in(glow, "front_desk")
    where = {"locationId": calendar["locationId"]}
    # when a day or a week is asked for at either edge of the calendar
    answers = [
        api.graphql(DAY, {"date": day, "first": 10, **where})
        for day in ("9999-12-31", "0001-01-01")
    ] + [api.graphql(WEEK, {"weekOf": day, **where}) for day in ("9999-12-31", "0001-01-01")]
    inline = api.graphql(
        f'{{ daySchedule(date: "9999-12-31", locationId: "{where["locationId"]}", first: 10) '
        "{ totalCount } }"
    )
    # then each is a typed refusal; the last day of the bound still answers
    assert [answer.error_codes for answer in answers] == [["DATE_OUT_OF_RANGE"]] * 4
    assert inline.error_codes == ["DATE_OUT_OF_RANGE"]
    last = api.graphql(WEEK, {"weekOf": "8999-12-31", **where})
    assert not last.errors and last.data["weekSchedule"]["edges"] == []
