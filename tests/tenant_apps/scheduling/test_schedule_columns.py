"""A page of appointments loads only the columns its query reads
(core/graphql/projection.py), and answers exactly what whole rows answer."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type, is_leaf_type

from config.schema_tenant import schema
from core.graphql.relay import to_global_id
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import ConsentSource
from tenant_apps.clients.services import Consent, client_update
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.scheduling.factories import a_desk, a_monday, appointments_bulk

MONDAY = a_monday()
NEW_YORK = ZoneInfo("America/New_York")

# Paths the calendar does not prefetch (each costs a query per row, with or
# without column planning), left out so that the count below stays constant.
UNPLANNED = {
    "provider.upcomingTimeOff",
    "provider.workingHours.location.hours",
    "resources.location.hours",
}


def leaves(type_name: str, depth: int, path: str = "") -> list[str]:
    """Selections of each leaf field of the type (fields without required
    arguments), objects followed `depth` levels down: `["id", "client { phone }", ...]`."""
    found = []
    for name, field in schema.graphql_schema.get_type(type_name).fields.items():
        where = f"{path}{name}"
        if where in UNPLANNED or any(
            isinstance(argument.type, GraphQLNonNull) for argument in field.args.values()
        ):
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            found.append(name)
        elif isinstance(named, GraphQLObjectType) and depth > 0:
            found += [f"{name} {{ {leaf} }}" for leaf in leaves(named.name, depth - 1, where + ".")]
    return found


LEAVES = leaves("Appointment", 3)
EVERYTHING = " ".join(LEAVES)
PAGE = (
    "query($date: Date!, $locationId: ID!) {"
    "  daySchedule(date: $date, locationId: $locationId, first: 20) {"
    f"    edges {{ node {{ {EVERYTHING} }} }}"
    "  } }"
)
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on Appointment {{ {EVERYTHING} }} }} }}"


def a_calendar(*counts: int) -> list[dict[str, str]]:
    """Days from MONDAY holding `counts` appointments, each with its own client
    (the first with a marketing decision, an address and an allergy), provider,
    service line and room; the variables of each day's page."""
    most = max(counts)
    desk = a_desk(providers=most, rooms=most, clients=most)
    client_update(
        actor=Actor.system("test"),
        client_id=desk.clients[0].pk,
        address_line1="1 Main St",
        allergies=["latex"],
        marketing_consent=Consent(granted=True, source=ConsentSource.IN_PERSON),
    )
    days = []
    for offset, count in enumerate(counts):
        day = MONDAY + dt.timedelta(days=offset)
        appointments_bulk(
            location=desk.location,
            providers=desk.providers[:count],
            clients=desk.clients,
            service=desk.service,
            rooms=desk.rooms,
            first_start=dt.datetime.combine(day, dt.time(9), tzinfo=NEW_YORK),
            count=count,
        )
        location_id = to_global_id("Location", desk.location.pk)
        days.append({"date": day.isoformat(), "locationId": location_id})
    return days


def test_every_field_of_a_page_is_what_the_appointment_itself_answers(glow, signed_in):
    with on_spa(glow):
        [variables] = a_calendar(3)
    api = signed_in(glow, "owner")

    page = api.graphql(PAGE, variables)
    # node(id:) loads whole rows, one appointment at a time
    alone = [
        api.graphql(NODE, {"id": edge["node"]["id"]}) for edge in page.data["daySchedule"]["edges"]
    ]

    assert not page.errors and len(alone) == 3
    assert [edge["node"] for edge in page.data["daySchedule"]["edges"]] == [
        a.data["node"] for a in alone
    ]


def test_each_field_of_a_page_costs_the_same_queries_for_3_or_6_rows(glow, signed_in):
    # A column a field reads that the planning left out would be loaded row by
    # row, one query each: select each field alone, on pages of 3 and 6.
    with on_spa(glow):
        three, six = a_calendar(3, 6)
    api = signed_in(glow, "owner")
    api.graphql(PAGE, three)  # warm: routing cache, token
    grows = []
    for leaf in LEAVES:
        query = PAGE.replace(EVERYTHING, leaf)
        with CaptureQueriesContext(connection) as small:
            api.graphql(query, three)
        with CaptureQueriesContext(connection) as large:
            answer = api.graphql(query, six)
        assert len(answer.data["daySchedule"]["edges"]) == 6, leaf
        if len(large) != len(small):
            grows.append(leaf)

    assert len(LEAVES) > 100
    assert grows == []


def test_a_page_reads_only_the_columns_its_query_selects(glow, signed_in):
    with on_spa(glow):
        [variables] = a_calendar(2)
    api = signed_in(glow, "owner")
    query = PAGE.replace(EVERYTHING, "id startsAt client { displayName }")

    with CaptureQueriesContext(connection) as queries:
        answer = api.graphql(query, variables)

    page = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "scheduling_appointment"'))
    assert len(answer.data["daySchedule"]["edges"]) == 2
    assert '"clients_client"."preferred_name"' in page
    assert '"clients_client"."email"' not in page and '"clients_client"."allergies"' not in page
    assert '"scheduling_appointment"."notes"' not in page
    assert "staff_staffprofile" not in page  # the provider is not selected: not joined
