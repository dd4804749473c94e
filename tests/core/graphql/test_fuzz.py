"""Every root field of every API, with arguments hypothesis makes up: strings
(NUL included), IDs, numbers, dates at the calendar's edges (years 1 and 9999)
and explicit nulls, as a signed-in owner on the spa API and anonymously on the
booking and public APIs. IDs are mostly those of records that exist (a
bookable calendar with a client, an appointment and time off), so the made-up
arguments reach past "not found" into the resolvers and services. Whatever is
sent, the answer is never a 500 and never an INTERNAL_ERROR (a masked crash):
bad input gets a typed error.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from graphql import GraphQLSchema, StringValueNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from config.schema_booking import schema as booking_schema
from config.schema_public import schema as public_schema
from config.schema_tenant import schema as tenant_schema
from core.graphql.relay import MAX_PK, to_global_id
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.online_booking.online import a_calendar
from tests.tenant_apps.scheduling.factories import AppointmentFactory
from tests.tenant_apps.staff.factories import TimeOffFactory

# The calendar's edges first (years 1 and 9999 overflow naive date arithmetic),
# then anything.
DATES = st.sampled_from([dt.date.min, dt.date.max, dt.date(2027, 3, 14)]) | st.dates()
DATETIMES = st.sampled_from(
    [dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)]
) | st.datetimes(timezones=st.just(dt.UTC))
SCALARS = {
    "Date": DATES.map(lambda day: nodes.String(day.isoformat())),
    "DateTime": DATETIMES.map(lambda moment: nodes.String(moment.isoformat())),
    "Time": st.times().map(lambda moment: nodes.String(moment.isoformat())),
    # Any JSON (a form's schema, tenant_apps/forms/schema.py), and text that is not.
    "JSONString": (
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(
                    st.sampled_from(["sections", "key", "type", "fields", "options", "show_if"])
                    | st.text(max_size=8),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=20,
        ).map(json.dumps)
        | st.text(max_size=30)
    ).map(nodes.String),
}
# Examples per root field: enough to reach edge values (hypothesis tries them
# early), small enough for CI.
EXAMPLES = 40


def _roots(schema: GraphQLSchema) -> list[tuple[str, str]]:
    assert schema.query_type is not None
    found = [("query", name) for name in schema.query_type.fields]
    if schema.mutation_type is not None:
        found += [("mutation", name) for name in schema.mutation_type.fields]
    return found


CASES = [
    (api, kind, field)
    for api, schema in (
        ("spa", tenant_schema.graphql_schema),
        ("booking", booking_schema.graphql_schema),
        ("public", public_schema.graphql_schema),
    )
    for kind, field in _roots(schema)
]
SCHEMAS = {
    "spa": (tenant_schema.graphql_schema, "/graphql/"),
    "booking": (booking_schema.graphql_schema, "/booking/graphql/"),
    "public": (public_schema.graphql_schema, "/graphql/"),
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The fuzzer sends a field's mutation tens of times from one address: the
    rate limits it fills (password resets, sign-ins, bookings) are emptied
    before and after, so neither it nor a later test is refused for them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def known_ids(glow) -> st.SearchStrategy[StringValueNode]:
    """IDs for the fuzzer: glow's records' (as each API names them), one whose
    number overflows a bigint, and any text."""
    calendar = a_calendar(glow)
    with on_spa(glow):
        provider = calendar.providers[0]
        client = ClientFactory.create()
        appointment = AppointmentFactory.create(
            client=client, provider=provider, location=calendar.location
        )
        time_off = TimeOffFactory.create(staff=provider)
        real = [
            to_global_id(type_name, pk)
            for type_name, pk in (
                ("Location", calendar.location.pk),
                ("Service", calendar.service.pk),
                ("StaffMember", provider.pk),
                ("Provider", provider.pk),
                ("Client", client.pk),
                ("Appointment", appointment.pk),
                ("TimeOff", time_off.pk),
            )
        ]
        too_big = to_global_id("Client", MAX_PK + 1)
    return (st.sampled_from([*real, too_big]) | st.text()).map(nodes.String)


@pytest.fixture
def client_of(glow, signed_in, client_for):
    owner = signed_in(glow, "owner")
    return {"spa": owner, "booking": client_for(glow), "public": client_for("medspa.test")}


@pytest.mark.parametrize(("api", "kind", "field"), CASES, ids=[f"{a}-{f}" for a, _, f in CASES])
def test_no_argument_makes_a_root_field_crash(api, kind, field, client_of, known_ids, data_fuzzer):
    schema, path = SCHEMAS[api]
    strategy = (queries if kind == "query" else mutations)(
        schema, fields=[field], custom_scalars=SCALARS | {"ID": known_ids}
    )
    data_fuzzer(strategy, client_of[api], path)


@pytest.fixture
def data_fuzzer(django_db_blocker):
    def run(strategy, client, path):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(document=strategy)
        def check(document: str) -> None:
            response = client.post(
                path, data=json.dumps({"query": document}), content_type="application/json"
            )
            assert response.status_code != 500, document
            body = json.loads(response.content)
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
            assert "INTERNAL_ERROR" not in codes, (document, body)

        check()

    return run
