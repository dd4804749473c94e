"""Copying Stripe's view of a subscription into the mirror, and what follows.

Every path that learns something from Stripe (webhooks, the owner's changes,
reconciliation) ends here, with the subscription row locked: Stripe is read
after the lock is taken, so of two concurrent syncs the later one writes the
newer state, whatever order their events came in.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from shared_apps.billing.dunning import spa_follow_billing
from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.billing.stripe_objects import RemoteSubscription

logger = logging.getLogger(__name__)

_DUNNING = (SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID)


def subscription_apply_remote(
    *,
    subscription: Subscription,
    remote: RemoteSubscription,
    cause: str,
    event_created: datetime | None = None,
    now: datetime | None = None,
) -> Subscription:
    """Write `remote` (just read from Stripe) into the locked `subscription`, then
    move the spa's status along. Call inside a transaction."""
    now = now or timezone.now()
    if remote.status not in SubscriptionStatus.values:
        raise ValueError(f"unknown Stripe subscription status {remote.status!r}")
    if remote.price_id and remote.price_id != subscription.stripe_price_id:
        plan = Plan.objects.filter(stripe_price_id=remote.price_id).first()
        if plan is not None:
            subscription.plan = plan
        else:
            # An older price of a plan (plans keep their subscribers when their
            # amounts change) or one made by hand in Stripe: the plan stays.
            logger.info(
                "subscription %s is on price %s, no plan's current price",
                subscription.pk,
                remote.price_id,
            )
    previous = subscription.status
    subscription.status = remote.status
    subscription.stripe_subscription_id = remote.id
    subscription.stripe_customer_id = subscription.stripe_customer_id or remote.customer_id
    subscription.stripe_item_id = remote.item_id or ""
    subscription.stripe_price_id = remote.price_id or ""
    subscription.seats = remote.quantity
    subscription.current_period_end = remote.current_period_end
    subscription.cancel_at_period_end = remote.cancel_at_period_end
    if remote.trial_end is not None:
        subscription.trial_end = remote.trial_end
    if remote.status in _DUNNING:
        if previous not in _DUNNING or subscription.past_due_since is None:
            # The grace period counts from the failure, not from when we heard of it.
            subscription.past_due_since = min(event_created or now, now)
    else:
        subscription.past_due_since = None
    if remote.status == SubscriptionStatus.CANCELED:
        subscription.canceled_at = subscription.canceled_at or remote.ended_at or now
    else:
        subscription.canceled_at = None
    if event_created is not None and (
        subscription.last_event_at is None or event_created > subscription.last_event_at
    ):
        subscription.last_event_at = event_created
    subscription.synced_at = now
    subscription.save()
    spa_follow_billing(subscription=subscription, cause=cause, now=now)
    return subscription
