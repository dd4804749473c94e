"""Copying Stripe's view of an invoice into the spa's invoice mirror (`Invoice`).

The one way in for both paths that learn of invoices: `invoice.*` webhooks
(webhooks.py, one invoice re-read from Stripe) and reconciliation's backfill
(reconcile.py, the customer's invoices listed from Stripe). Both call it with
the spa's subscription row locked and Stripe read after the lock was taken, so
of two writers the later one holds the newer state, as for subscriptions
(sync.py).
"""

from __future__ import annotations

import logging
from typing import Literal

from django.utils import timezone

from core.updates import apply_changes
from shared_apps.billing.models import Invoice, InvoiceStatus
from shared_apps.billing.stripe_objects import RemoteInvoice

logger = logging.getLogger(__name__)

InvoiceChange = Literal["added", "updated", "unchanged", "kept_newer", "not_the_spas"]

# How far along its life an invoice is. Stripe only moves an invoice forward
# (draft -> open -> paid, void or uncollectible; uncollectible -> paid or void),
# so a state behind the mirror's is an older reading and is never written.
_PROGRESS = {
    InvoiceStatus.DRAFT: 0,
    InvoiceStatus.OPEN: 1,
    InvoiceStatus.UNCOLLECTIBLE: 2,
    InvoiceStatus.PAID: 3,
    InvoiceStatus.VOID: 3,
}


def invoice_apply_remote(
    *, spa_id: int, customer_id: str | None, remote: RemoteInvoice
) -> InvoiceChange:
    """Upsert the spa's copy of `remote` (just read from Stripe). `customer_id` is
    the spa's Stripe customer: an invoice of another customer is not written.

    Writes only what differs (a repeat writes nothing, `updated_at` included) and
    never moves an invoice back in its life (see `_PROGRESS`). Call inside a
    transaction, with the spa's subscription row locked.
    """
    if remote.customer_id != customer_id:
        logger.warning(
            "stripe invoice %s belongs to another customer than spa %s's", remote.id, spa_id
        )
        return "not_the_spas"
    if remote.status not in InvoiceStatus.values:
        raise ValueError(f"unknown Stripe invoice status {remote.status!r}")
    local = Invoice.objects.filter(stripe_invoice_id=remote.id).first()
    values = {
        "spa_id": spa_id,
        "number": remote.number[:64],
        "status": remote.status,
        "currency": remote.currency,
        "amount_due_cents": remote.amount_due,
        "amount_paid_cents": remote.amount_paid,
        "period_start": remote.period_start,
        "period_end": remote.period_end,
        "hosted_invoice_url": remote.hosted_invoice_url[:500],
        "stripe_created_at": remote.created
        or (local.stripe_created_at if local is not None else timezone.now()),
    }
    if local is None:
        Invoice.objects.create(stripe_invoice_id=remote.id, **values)
        return "added"
    if _PROGRESS[InvoiceStatus(remote.status)] < _PROGRESS[InvoiceStatus(local.status)]:
        logger.info(
            "stripe invoice %s read as %s, the mirror has %s: kept",
            remote.id,
            remote.status,
            local.status,
        )
        return "kept_newer"
    changed = apply_changes(local, values)
    if not changed:
        return "unchanged"
    local.save(update_fields=[*changed, "updated_at"])
    return "updated"
