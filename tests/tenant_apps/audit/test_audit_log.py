"""The PHI audit log: append-only in the database, hash-chained, verifiable."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django_tenants.utils import tenant_context

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import GENESIS_HASH, AuditAction, AuditEntry
from tenant_apps.audit.selectors import audit_chain_verify
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.services import client_create
from tenants.db import connection

SYSTEM = Actor.system("test")
PERSON = Actor(user_id=7, role="front_desk", request_id="req-1", ip="2001:db8::1")


def _write_some(n=5):
    for i in range(n):
        audit_record(
            actor=PERSON if i % 2 else SYSTEM,
            action=AuditAction.VIEW if i % 2 else AuditAction.SEARCH,
            client_ids=[i, i + 10],
            search_kind="" if i % 2 else "phone",
        )


@pytest.mark.spa("glow")
def test_entries_are_numbered_and_chained_by_the_database():
    _write_some()

    entries = list(AuditEntry.objects.order_by("seq"))

    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert audit_chain_verify().ok
    assert audit_chain_verify().entries == 5


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET action = 'view'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
    ],
)
def test_the_database_refuses_to_change_or_remove_entries(statement):
    _write_some(2)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert AuditEntry.objects.count() == 2


@pytest.mark.spa("glow")
def test_the_application_cannot_backdate_or_renumber_an_entry():
    entry = AuditEntry(
        actor_role="x", action="view", seq=999, prev_hash="f" * 64, hash="f" * 64, client_ids=[1]
    )
    entry.save()

    stored = AuditEntry.objects.get()
    assert (stored.seq, stored.prev_hash) == (1, GENESIS_HASH)
    assert stored.hash != "f" * 64


def _tamper(sql, params=()):
    """What someone with the table owner's rights could do: switch the guard off."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    ("sql", "broken_at"),
    [
        ("UPDATE audit_auditentry SET client_ids = '{99}' WHERE seq = 3", 3),
        ("UPDATE audit_auditentry SET actor_role = 'owner' WHERE seq = 2", 2),
        ("DELETE FROM audit_auditentry WHERE seq = 4", 5),
        ("UPDATE audit_auditentry SET seq = seq + 100 WHERE seq = 5", 105),
    ],
)
def test_tampering_is_detected_where_it_happened(sql, broken_at):
    _write_some()

    _tamper(sql)

    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == broken_at


def test_verify_command_reports_each_spa_and_fails_on_a_broken_chain(glow, radiance):
    with tenant_context(glow):
        _write_some(3)
    with tenant_context(radiance):
        _write_some(2)
        _tamper("UPDATE audit_auditentry SET request_id = 'forged' WHERE seq = 1")
    out = io.StringIO()

    with pytest.raises(CommandError, match="radiance"):
        call_command("audit_verify", stdout=out)

    assert "glow: ok (3 entries)" in out.getvalue()
    assert "radiance: BROKEN at entry 1" in out.getvalue()
    call_command("audit_verify", "glow", stdout=io.StringIO())  # one spa: passes


def test_each_spa_schema_carries_its_own_guard(glow):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tg.tgname, p.pronamespace::regnamespace::text
            FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
            JOIN pg_proc p ON p.oid = tg.tgfoid
            WHERE c.relnamespace = %s::regnamespace AND c.relname = 'audit_auditentry'
              AND NOT tg.tgisinternal ORDER BY 1
            """,
            [glow.schema_name],
        )
        triggers = cursor.fetchall()

    # the functions live in the spa's schema: a pg_dump of it stands alone
    assert triggers == [
        ("audit_entry_append_only", glow.schema_name),
        ("audit_entry_chain", glow.schema_name),
        ("audit_entry_no_truncate", glow.schema_name),
    ]


def test_owners_read_a_clients_audit_log(glow, signed_in):
    with tenant_context(glow):
        client = client_create(actor=SYSTEM, first_name="Ava")
        other = client_create(actor=SYSTEM, first_name="Bea")
        global_id = to_global_id("Client", client.pk)
    desk = signed_in(glow, "front_desk")
    desk.graphql("query($id: ID!) { client(id: $id) { firstName } }", {"id": global_id})
    log_query = """
    query($id: ID!) {
      clientAuditLog(clientId: $id, first: 10) {
        edges { node { seq action actorRole actorUserId clientIds searchKind requestId } }
      }
    }
    """

    owner_view = signed_in(glow, "owner").graphql(log_query, {"id": global_id})
    desk_view = desk.graphql(log_query, {"id": global_id})

    entries = [e["node"] for e in owner_view.data["clientAuditLog"]["edges"]]
    assert [(e["action"], e["actorRole"]) for e in entries] == [
        ("VIEW", "front_desk"),
        ("CREATE", "system:test"),
    ]
    assert entries[0]["clientIds"] == [global_id]
    assert entries[0]["actorUserId"] == str(desk.membership.user_id)
    # the other client's creation is in the log, but not in this client's
    with tenant_context(glow):
        assert AuditEntry.objects.filter(client_ids__contains=[other.pk]).exists()
    assert desk_view.error_codes == ["FORBIDDEN"]


def test_clients_read_but_not_logged_are_not_sent(glow, signed_in):
    with tenant_context(glow):
        client_create(actor=SYSTEM, first_name="Ava")
    api = signed_in(glow, "front_desk")
    api.graphql("{ me { role } }")  # warm: the token's last use is recorded
    with connection.cursor() as cursor:
        # the log cannot take the entry (as if its table were out of reach)
        cursor.execute(
            f'ALTER TABLE "{glow.schema_name}".audit_auditentry '
            "ADD CONSTRAINT refuse_all CHECK (false) NOT VALID"
        )

    answer = api.graphql("{ clients(first: 5) { edges { node { firstName } } } }")

    assert answer.status == 500
    assert answer.data is None
    assert answer.error_codes == ["INTERNAL_ERROR"]
    assert "Ava" not in str(answer.body)
