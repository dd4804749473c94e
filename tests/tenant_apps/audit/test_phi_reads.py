"""The PHI read log (tenant_apps/audit/services.py, phi_read_observers) is written
the same whichever execution engine runs (GRAPHQL_FAST_EXECUTION): it does not
depend on core/graphql/execution.py's engine."""

import pytest
from django_tenants.utils import tenant_context

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.clients.services import client_create

SYSTEM = Actor.system("test")


def _new_entries(glow, before):
    with tenant_context(glow):
        return [
            (e.action, e.search_kind, e.client_ids, e.actor_role)
            for e in AuditEntry.objects.filter(seq__gt=before).order_by("seq")
        ]


@pytest.mark.parametrize("fast", [True, False], ids=["fast engine", "graphql-core's"])
def test_reads_are_logged_the_same_with_either_engine(glow, signed_in, settings, fast):
    settings.GRAPHQL_FAST_EXECUTION = fast
    with tenant_context(glow):
        ava = client_create(actor=SYSTEM, first_name="Ava", last_name="Stone")
        bea = client_create(actor=SYSTEM, first_name="Bea", last_name="Stone")
        cal = client_create(actor=SYSTEM, first_name="Cal", last_name="Other")
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
        cal_id = to_global_id("Client", cal.pk)
    api = signed_in(glow, "front_desk")

    # A view, a list and a search in one request: one row per kind of access.
    first = api.graphql(
        """query($id: ID!) {
          client(id: $id) { firstName }
          clients(first: 2) { edges { node { firstName } } }
          found: clients(search: "stone", first: 10) { edges { node { id } } }
        }""",
        {"id": cal_id},
    )
    # Counted, not read: no entry.
    api.graphql("{ clients(first: 10) { totalCount } }")

    assert first.data["client"] == {"firstName": "Cal"}
    assert _new_entries(glow, before) == [
        # by name: Cal Other, Ava Stone
        ("list", "", sorted([ava.pk, cal.pk]), "front_desk"),
        ("search", "name", sorted([ava.pk, bea.pk]), "front_desk"),
        ("view", "", [cal.pk], "front_desk"),
    ]
