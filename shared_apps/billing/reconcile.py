"""Repair: bring every spa's subscription and invoice mirror in line with Stripe,
for webhooks that never came (`manage.py billing_reconcile`), and run stored
events again (`manage.py billing_replay_events`)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from shared_apps.billing import stripe_gateway
from shared_apps.billing.invoice_sync import InvoiceChange, invoice_apply_remote
from shared_apps.billing.models import (
    LIVE_STATUSES,
    StripeEvent,
    StripeEventStatus,
    Subscription,
)
from shared_apps.billing.services import subscription_seats_sync
from shared_apps.billing.stripe_objects import RemoteSubscription
from shared_apps.billing.sync import subscription_apply_remote
from shared_apps.billing.webhooks import Receipt, stripe_event_receive

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reconciled:
    slug: str
    outcome: str  # unchanged, updated, linked, no_subscription, failed (the subscription)
    detail: str = ""
    invoices_added: int = 0
    invoices_updated: int = 0


def _pick(candidates: list[RemoteSubscription]) -> RemoteSubscription | None:
    """The customer's subscription that counts: the newest live one, else the newest."""
    live = [c for c in candidates if c.status in LIVE_STATUSES]
    ranked = live or candidates
    return ranked[0] if ranked else None


def subscription_reconcile(*, subscription_pk: int) -> Reconciled:
    """Re-read one spa's subscription from Stripe and apply it; find it through the
    customer when the checkout webhook never came; backfill its invoices into the
    mirror (`_invoices_backfill`); then push the seat count. All or nothing: a
    failure leaves the spa's rows as they were."""
    with transaction.atomic():
        local = (
            Subscription.objects.select_for_update().select_related("spa").get(pk=subscription_pk)
        )
        slug = local.spa.slug
        remote: RemoteSubscription | None = None
        if local.stripe_subscription_id:
            remote = stripe_gateway.subscription_retrieve(
                subscription_id=local.stripe_subscription_id
            )
        if remote is None or remote.status not in LIVE_STATUSES:
            # No subscription known, or a dead one: a newer one may have been made.
            found = _pick(
                stripe_gateway.subscription_list_for_customer(
                    customer_id=local.stripe_customer_id or ""
                )
            )
            if found is not None and (remote is None or found.status in LIVE_STATUSES):
                remote = found
        if remote is None:
            return Reconciled(slug, "no_subscription")
        before = _state(local)
        linked = local.stripe_subscription_id != remote.id
        subscription_apply_remote(subscription=local, remote=remote, cause="billing:reconcile")
        changed = _state(local) != before
        invoices = _invoices_backfill(subscription=local, since=remote.created)
    pushed = subscription_seats_sync(spa_id=local.spa_id)
    detail = f"seats -> {pushed}" if pushed is not None else ""
    counts = {"invoices_added": invoices["added"], "invoices_updated": invoices["updated"]}
    if linked:
        return Reconciled(slug, "linked", remote.id, **counts)
    return Reconciled(slug, "updated" if changed or pushed else "unchanged", detail, **counts)


def _invoices_backfill(
    *, subscription: Subscription, since: datetime | None
) -> Counter[InvoiceChange]:
    """Copy the spa's invoices, as Stripe lists them now, into the mirror: the ones
    whose events never came (or came before the mirror existed) are added, stale
    ones updated, through the webhooks' own `invoice_apply_remote`.

    Runs with the subscription row locked and lists Stripe after taking it, like
    a webhook. Bounded: invoices created since the Stripe subscription was
    (`since`); older history (a previous subscription's) is left to the events
    that recorded it. One-off invoices (no subscription) are not the platform's,
    as for webhooks. A deleted draft is not in the list, so is not removed here.
    """
    changes: Counter[InvoiceChange] = Counter()
    customer_id = subscription.stripe_customer_id
    if not customer_id:
        return changes
    for remote in stripe_gateway.invoice_list_for_customer(
        customer_id=customer_id, created_since=since
    ):
        if remote.subscription_id is None:
            continue
        changes[
            invoice_apply_remote(spa_id=subscription.spa_id, customer_id=customer_id, remote=remote)
        ] += 1
    return changes


def _state(subscription: Subscription) -> tuple[object, ...]:
    return (
        subscription.status,
        subscription.stripe_price_id,
        subscription.seats,
        subscription.current_period_end,
        subscription.cancel_at_period_end,
    )


def subscriptions_reconcile() -> list[Reconciled]:
    """Every spa with a Stripe customer. One spa failing does not stop the others."""
    results = []
    rows = Subscription.objects.filter(stripe_customer_id__isnull=False).order_by("pk")
    for pk, slug in rows.values_list("pk", "spa__slug"):
        try:
            results.append(subscription_reconcile(subscription_pk=pk))
        except Exception as exc:
            logger.error("reconciling %s failed: %s", slug, type(exc).__name__)
            results.append(Reconciled(slug, "failed", f"{type(exc).__name__}: {exc}"))
    return results


def stripe_events_replay(
    *, event_ids: list[str] | None = None, include_unmatched: bool = False
) -> list[Receipt]:
    """Run stored events again: the failed ones (and unmatched ones if asked), or
    the ones named. Events already applied stay applied (a no-op)."""
    statuses = [StripeEventStatus.FAILED]
    if include_unmatched:
        statuses.append(StripeEventStatus.UNMATCHED)
    rows = StripeEvent.objects.order_by("stripe_created_at", "pk")
    rows = rows.filter(event_id__in=event_ids) if event_ids else rows.filter(status__in=statuses)
    return [
        stripe_event_receive(event=payload, retry_unmatched=include_unmatched or bool(event_ids))
        for payload in rows.values_list("payload", flat=True)
    ]
