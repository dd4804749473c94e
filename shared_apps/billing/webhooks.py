"""Processing Stripe events: each exactly once, in the transaction of its effect.

`stripe_event_receive(event=...)` (after the signature check, views.py):

1. `INSERT ... ON CONFLICT (event_id) DO NOTHING`, then lock the event's row.
   A concurrent delivery of the same event waits on the unique index until the
   first commits, then finds the row done: a duplicate is a no-op, even on two
   connections at once.
2. The handler runs in a savepoint. Subscription events are never applied from
   their payload: the subscription is re-read from Stripe (under its row lock),
   so out-of-order deliveries end in Stripe's current state. Invoice events
   likewise re-read the invoice into the spa's invoice mirror (`Invoice`).
3. The row is marked processed (or ignored: a type the platform does not act
   on; or unmatched: no spa has that customer, reported) and commits with the
   effect. If the handler raises, its savepoint is rolled back, the row records
   the error (status failed) and commits alone; the view answers 500 so Stripe
   retries, and the retry (or `manage.py billing_replay_events`) runs it again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sentry_sdk
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from shared_apps.billing import emails
from shared_apps.billing.invoice_sync import invoice_apply_remote
from shared_apps.billing.models import (
    LIVE_STATUSES,
    Invoice,
    StripeEvent,
    StripeEventStatus,
    Subscription,
)
from shared_apps.billing.stripe_gateway import invoice_retrieve, subscription_retrieve
from shared_apps.billing.stripe_objects import (
    customer_of,
    id_of,
    invoice_subscription_id,
    spa_id_of,
    timestamp_to_datetime,
)
from shared_apps.billing.sync import subscription_apply_remote
from tenants.models import Spa

logger = logging.getLogger(__name__)

FINAL = frozenset({StripeEventStatus.PROCESSED, StripeEventStatus.IGNORED})


@dataclass(frozen=True)
class Outcome:
    status: str
    spa_id: int | None = None


@dataclass(frozen=True)
class Receipt:
    event_id: str
    status: str
    duplicate: bool = False
    error: str = ""


def stripe_event_receive(*, event: dict[str, Any], retry_unmatched: bool = False) -> Receipt:
    """Store `event` (verified) and apply it, once. Never raises for a failing
    handler: the receipt says `failed` and the row holds the error."""
    event_id = event["id"]
    with transaction.atomic():
        _insert_if_new(event)
        row = StripeEvent.objects.select_for_update().get(event_id=event_id)
        done = FINAL | ({StripeEventStatus.UNMATCHED} if not retry_unmatched else set())
        if row.status in done:
            return Receipt(event_id=event_id, status=row.status, duplicate=True)
        row.attempts += 1
        try:
            with transaction.atomic():
                outcome = _dispatch(event)
        except Exception as exc:
            row.status = StripeEventStatus.FAILED
            row.error = f"{type(exc).__name__}: {exc}"[:2000]
            row.save(update_fields=["status", "error", "attempts"])
            logger.error("stripe event %s (%s) failed: %s", event_id, row.type, type(exc).__name__)
            sentry_sdk.capture_exception(exc)
            return Receipt(event_id=event_id, status=row.status, error=row.error)
        row.status = outcome.status
        row.spa_id = outcome.spa_id
        row.error = ""
        row.processed_at = timezone.now()
        row.save(update_fields=["status", "spa", "error", "attempts", "processed_at"])
        if outcome.status == StripeEventStatus.UNMATCHED:
            # Reported, not retried by Stripe: the reconcile command or a replay
            # with --include-unmatched picks it up once the spa is known.
            logger.warning("stripe event %s (%s) matches no spa", event_id, row.type)
            sentry_sdk.capture_message(
                f"Stripe event {event_id} ({row.type}) matches no spa", level="warning"
            )
    return Receipt(event_id=event_id, status=outcome.status)


def _insert_if_new(event: dict[str, Any]) -> None:
    # Raw SQL for ON CONFLICT DO NOTHING on the unique event id: the ORM's
    # ignore_conflicts cannot name the conflict target.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO "{StripeEvent._meta.db_table}"
                (event_id, type, livemode, stripe_created_at, payload, status, error,
                 attempts, received_at)
            VALUES (%s, %s, %s, %s, %s::jsonb, %s, '', 0, now())
            ON CONFLICT (event_id) DO NOTHING
            """,  # noqa: S608 (the table name is the model's)
            [
                event["id"],
                event["type"][:100],
                bool(event.get("livemode")),
                timestamp_to_datetime(event["created"]),
                json.dumps(event),
                StripeEventStatus.RECEIVED,
            ],
        )


# --- Handlers --------------------------------------------------------------------------------


def _dispatch(event: dict[str, Any]) -> Outcome:
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return Outcome(StripeEventStatus.IGNORED)
    return handler(event)


def _object(event: dict[str, Any]) -> dict[str, Any]:
    obj: dict[str, Any] = event["data"]["object"]
    return obj


def _on_subscription(event: dict[str, Any]) -> Outcome:
    obj = _object(event)
    return _sync(
        event, subscription_id=obj["id"], customer_id=customer_of(obj), spa_id=spa_id_of(obj)
    )


def _on_checkout_completed(event: dict[str, Any]) -> Outcome:
    session = _object(event)
    subscription_id = id_of(session.get("subscription"))
    if session.get("mode") != "subscription" or not subscription_id:
        return Outcome(StripeEventStatus.IGNORED)
    return _sync(
        event,
        subscription_id=subscription_id,
        customer_id=customer_of(session),
        spa_id=spa_id_of(session),
    )


def _on_invoice(event: dict[str, Any]) -> Outcome:
    invoice = _object(event)
    subscription_id = invoice_subscription_id(invoice)
    if subscription_id is None:
        return Outcome(StripeEventStatus.IGNORED)  # a one-off invoice: not the platform's
    outcome = _sync(
        event, subscription_id=subscription_id, customer_id=customer_of(invoice), spa_id=None
    )
    if outcome.spa_id is not None:
        _mirror_invoice(invoice_id=invoice["id"], spa_id=outcome.spa_id)
    if event["type"] == "invoice.payment_action_required" and outcome.spa_id is not None:
        emails.send_payment_action_required(
            spa=Spa.objects.get(pk=outcome.spa_id), invoice_url=invoice.get("hosted_invoice_url")
        )
    return outcome


def _mirror_invoice(*, invoice_id: str, spa_id: int) -> None:
    """Upsert the spa's copy of invoice `invoice_id` from Stripe's current state.

    Runs after `_sync`, so under the spa's subscription row lock, and reads Stripe
    after taking it: of two events about one invoice, the one that commits last
    read Stripe last. So an older event never overwrites a newer state, whatever
    the order of delivery, and a repeat writes nothing. (localstripe
    serves invoices, so the payload is never needed.) An invoice Stripe no longer
    has (a deleted draft) leaves the mirror. The copying is `invoice_apply_remote`,
    which reconciliation's backfill uses too."""
    remote = invoice_retrieve(invoice_id=invoice_id)
    if remote is None:
        Invoice.objects.filter(spa_id=spa_id, stripe_invoice_id=invoice_id).delete()
        return
    customer_id = (
        Subscription.objects.filter(spa_id=spa_id)
        .values_list("stripe_customer_id", flat=True)
        .first()
    )
    invoice_apply_remote(spa_id=spa_id, customer_id=customer_id, remote=remote)


def _on_trial_will_end(event: dict[str, Any]) -> Outcome:
    outcome = _on_subscription(event)
    if outcome.spa_id is not None:
        subscription = Subscription.objects.select_related("spa").get(spa_id=outcome.spa_id)
        emails.send_trial_will_end(spa=subscription.spa, trial_end=subscription.trial_end)
    return outcome


HANDLERS: dict[str, Callable[[dict[str, Any]], Outcome]] = {
    "checkout.session.completed": _on_checkout_completed,
    "customer.subscription.created": _on_subscription,
    "customer.subscription.updated": _on_subscription,
    "customer.subscription.deleted": _on_subscription,
    "customer.subscription.paused": _on_subscription,
    "customer.subscription.resumed": _on_subscription,
    "customer.subscription.trial_will_end": _on_trial_will_end,
    # Every invoice event brings the subscription and the invoice mirror up to date.
    "invoice.created": _on_invoice,
    "invoice.finalized": _on_invoice,
    "invoice.finalization_failed": _on_invoice,
    "invoice.updated": _on_invoice,
    "invoice.paid": _on_invoice,
    "invoice.payment_succeeded": _on_invoice,
    "invoice.payment_failed": _on_invoice,
    "invoice.payment_action_required": _on_invoice,
    "invoice.marked_uncollectible": _on_invoice,
    "invoice.voided": _on_invoice,
    "invoice.deleted": _on_invoice,
}


def _locate(
    *, subscription_id: str, customer_id: str | None, spa_id: int | None
) -> Subscription | None:
    """The spa's subscription row, locked: by Stripe subscription, by customer, or
    by the spa id the platform put in the object's metadata."""
    rows = Subscription.objects.select_for_update()
    lookups: list[Q] = [Q(stripe_subscription_id=subscription_id)]
    if customer_id:
        lookups.append(Q(stripe_customer_id=customer_id))
    if spa_id is not None:
        lookups.append(Q(spa_id=spa_id))
    for lookup in lookups:
        found = rows.filter(lookup).first()
        if found is not None:
            return found
    return None


def _sync(
    event: dict[str, Any], *, subscription_id: str, customer_id: str | None, spa_id: int | None
) -> Outcome:
    local = _locate(subscription_id=subscription_id, customer_id=customer_id, spa_id=spa_id)
    if local is None:
        return Outcome(StripeEventStatus.UNMATCHED)
    remote = subscription_retrieve(subscription_id=subscription_id)
    if local.stripe_customer_id and remote.customer_id != local.stripe_customer_id:
        logger.warning(
            "stripe subscription %s belongs to another customer than spa %s's",
            subscription_id,
            local.spa_id,
        )
        return Outcome(StripeEventStatus.UNMATCHED)
    # Another subscription than the spa's current one: a new one replaces a dead
    # one; news of a dead one never touches a live one.
    if (
        local.stripe_subscription_id
        and local.stripe_subscription_id != remote.id
        and (local.is_live or remote.status not in LIVE_STATUSES)
    ):
        logger.info("stripe subscription %s superseded for spa %s", subscription_id, local.spa_id)
        return Outcome(StripeEventStatus.PROCESSED, spa_id=local.spa_id)
    subscription_apply_remote(
        subscription=local,
        remote=remote,
        cause=f"stripe:{event['id']}",
        event_created=timestamp_to_datetime(event.get("created")),
    )
    return Outcome(StripeEventStatus.PROCESSED, spa_id=local.spa_id)
