"""GRAPHQL_FAST_EXECUTION=False runs graphql-core's own execution
(core/graphql/execution.py): the API answers exactly the same, byte for byte,
errors included, and the queries it makes are the same."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from core.graphql.relay import to_global_id
from tenant_apps.audit.services import Actor
from tenant_apps.clients.services import Consent, client_create
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory

# Lists, nodes, nested objects and lists, enums, scalars, aliases, fragments,
# __typename, connections with counts and cursors, a field error (a search
# too short) beside data.
QUERY = """
query($id: ID!) {
  me { role }
  one: client(id: $id) { ...Person consentHistory { granted source } marketingConsent { granted } }
  clients(first: 10) {
    totalCount
    edges { cursor node { ...Person address { city country } tags } }
    pageInfo { hasNextPage endCursor }
  }
  services(first: 10) {
    edges { node { __typename id name priceCents currency durationMinutes
                   category { id name isActive } requiredCredentials } }
  }
  short: clients(search: "j", first: 1) { totalCount }
}
fragment Person on Client { id firstName lastName displayName email phone allergies isArchived }
"""
REQUEST_ID = re.compile(r"'[0-9a-f]{32}'")


def _ask(api, variables):
    with CaptureQueriesContext(connection) as queries:
        answer = api.graphql(QUERY, variables)
    # Each request has its own id (in the audit log's insert).
    return answer, [REQUEST_ID.sub("<request id>", q["sql"]) for q in queries.captured_queries]


@pytest.mark.parametrize("first_fast", [True, False], ids=["fast first", "graphql-core first"])
def test_the_api_answers_the_same_with_either_engine(glow, signed_in, settings, first_fast):
    with tenant_context(glow):
        ava = client_create(
            actor=Actor.system("test"),
            first_name="Ava",
            last_name="Stone",
            city="Austin",
            allergies=["latex"],
            marketing_consent=Consent(granted=True, source="in_person"),
        )
        ClientFactory.create_batch(3)
        ServiceFactory.create_batch(3)
        variables = {"id": to_global_id("Client", ava.pk)}
    api = signed_in(glow, "owner")
    api.graphql(QUERY, variables)  # warm: routing cache, token

    answers = {}
    for fast in (first_fast, not first_fast):
        settings.GRAPHQL_FAST_EXECUTION = fast
        answers[fast] = _ask(api, variables)

    (fast_answer, fast_sql), (core_answer, core_sql) = answers[True], answers[False]
    assert fast_answer.status == core_answer.status == 200
    assert fast_answer.error_codes == ["SEARCH_TOO_SHORT"]
    assert len(fast_answer.data["clients"]["edges"]) == 4
    assert fast_answer.data["one"]["consentHistory"] == [{"granted": True, "source": "IN_PERSON"}]
    assert fast_answer.body == core_answer.body
    assert fast_answer.headers.content == core_answer.headers.content
    assert fast_sql == core_sql
