"""Writers on separate connections at once: the chain stays one gap-free sequence."""

import threading

import pytest
from django.db import connections

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.selectors import audit_chain_verify
from tenant_apps.audit.services import Actor, audit_record
from tenants.db import connection

WRITERS = 8
EACH = 5


@pytest.mark.usefixtures("committing")
def test_concurrent_writers_extend_one_chain():
    spa = spa_provision(
        slug="chain-race", name="Chain Race", timezone_name="UTC", owner_email="o@race.example"
    )
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            connection.set_tenant(spa)
            start.wait()
            for i in range(EACH):
                audit_record(
                    actor=Actor(user_id=n, role="front_desk"),
                    action=AuditAction.VIEW,
                    client_ids=[n * 100 + i],
                )
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    connection.set_tenant(spa)
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(
        range(1, WRITERS * EACH + 1)
    )
    report = audit_chain_verify()
    connection.set_schema_to_public()
    assert report.ok and report.entries == WRITERS * EACH
