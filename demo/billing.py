"""The demo spas' plans, subscriptions and past, so the console's billing figures
(MRR, the 90-day chart) have something to show (development only).

No Stripe: a demo spa's subscription is a local row with no Stripe ids, as the
billing tests make one (tests/shared_apps/billing/test_owner_flows.py), in the
`active` status a Stripe subscription mirror would have once paid. Nothing in
billing calls Stripe for such a row on its own: seat syncs and reconciliation
skip a subscription without a Stripe item; an owner who opens Checkout on the
demo gets BILLING_PROVIDER_UNAVAILABLE offline, as with any unreachable Stripe.

The past: a demo spa is dated back to when the demo's story has it sign up (its
`created_at` and its provisioning status change), so the console's backfill
(`console_metrics --backfill`, shared_apps/console/usage.py) reconstructs the
days since from the status history, as it would for any spa.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.billing.services import seats_wanted
from tenants.models import Spa, SpaStatusChange

# The console chart's span (shared_apps/console/selectors.py, platform_history).
HISTORY_DAYS = 90


def demo_subscription(spa: Spa, *, plan_code: str) -> Subscription:
    """The spa's subscription: `plan_code`, active, billed for its providers.
    A spa that has one already (a developer's own, or an earlier run's) keeps
    it; only the seats follow the team."""
    existing = Subscription.objects.filter(spa=spa).first()
    seats = seats_wanted(spa_id=spa.pk)
    if existing is not None:
        if existing.seats != seats and not existing.has_stripe_subscription:
            existing.seats = seats
            existing.save(update_fields=["seats", "updated_at"])
        return existing
    now = timezone.now()
    return Subscription.objects.create(
        spa=spa,
        plan=Plan.objects.get(code=plan_code),
        status=SubscriptionStatus.ACTIVE,
        seats=seats,
        current_period_end=now + dt.timedelta(days=30),
    )


def demo_signed_up(spa: Spa, *, days_ago: int) -> None:
    """Date the spa's sign-up `days_ago` days back, if it is more recent: its
    `created_at` and the status changes made when it was provisioned. A spa
    with any other status change (suspended at the console, a billing event)
    has a history of its own and is left as it is."""
    since = timezone.now() - dt.timedelta(days=days_ago)
    changes = SpaStatusChange.objects.filter(spa=spa)
    if spa.created_at <= since or changes.exclude(cause="provisioning").exists():
        return
    Spa.objects.filter(pk=spa.pk).update(created_at=since, status_changed_at=since)
    changes.update(created_at=since)
    spa.refresh_from_db()
