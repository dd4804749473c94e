"""Writers on separate connections at once: the chain stays one gap-free sequence."""

import pytest

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.selectors import audit_chain_verify
from tenant_apps.audit.services import Actor, audit_record
from tenants.db import connection
from tests.concurrency import at_once

WRITERS = 8
EACH = 5


@pytest.mark.usefixtures("committing")
def test_concurrent_writers_extend_one_chain():
    spa = spa_provision(
        slug="chain-race", name="Chain Race", timezone_name="UTC", owner_email="o@race.example"
    )

    def write(n: int) -> None:
        for i in range(EACH):
            audit_record(
                actor=Actor(user_id=n, role="front_desk"),
                action=AuditAction.VIEW,
                client_ids=[n * 100 + i],
            )

    _, failures = at_once(spa, WRITERS, write, timeout=60)

    assert failures == []
    connection.set_tenant(spa)
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(
        range(1, WRITERS * EACH + 1)
    )
    report = audit_chain_verify()
    connection.set_schema_to_public()
    assert report.ok and report.entries == WRITERS * EACH
