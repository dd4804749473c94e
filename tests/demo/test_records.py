"""The demo spas' records: realistic, seeded once, logged like any write."""

import pytest

from demo.records import CLIENTS, seed_records
from tenant_apps.audit.models import AuditEntry
from tenant_apps.clients.models import Client


@pytest.mark.spa("glow")
def test_demo_clients_are_seeded_once():
    made = seed_records(area_code="212")
    again = seed_records(area_code="212")

    assert (made, again) == (CLIENTS, 0)
    assert Client.objects.count() == CLIENTS
    assert not Client.objects.exclude(phone__startswith="+1212555").exists()
    assert set(AuditEntry.objects.values_list("actor_role", flat=True)) == {"system:demo"}
