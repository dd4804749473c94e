"""Reading and verifying the PHI audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tenant_apps.audit.chain import row_hash
from tenant_apps.audit.models import GENESIS_HASH, AuditEntry


def audit_entries_for_client(*, client_id: int | None) -> QuerySet[AuditEntry]:
    """Every entry naming the client (GIN index on client_ids); none for no
    client (an ID of another spa, or of nothing, has no entries here)."""
    if client_id is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(client_ids__contains=[client_id])


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None = None  # the first seq that does not verify
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Walk the current spa's log in order, recomputing every hash: an edited,
    inserted or removed row breaks the chain at (or just after) that row."""
    previous_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(count, entry.seq, f"expected entry {expected_seq} next")
        if entry.prev_hash != previous_hash:
            return ChainReport(count, entry.seq, "does not follow the entry before it")
        if entry.hash != row_hash(entry):
            return ChainReport(count, entry.seq, "its contents do not match its hash")
        previous_hash, expected_seq = entry.hash, expected_seq + 1
    return ChainReport(count)
