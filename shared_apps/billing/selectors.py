"""Reads for billing: the plans on offer and a spa's billing overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from shared_apps.accounts.models import Membership, Role
from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from tenants.models import Spa

# Statuses in which Stripe invoices the spa again at the period's end.
_INVOICING = (SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


def provider_count(*, spa_id: int) -> int:
    """The spa's active providers: what its seats follow."""
    return Membership.objects.filter(
        spa_id=spa_id, role=Role.PROVIDER, is_active=True, user__is_active=True
    ).count()


def plan_list_active() -> QuerySet[Plan]:
    return Plan.objects.filter(active=True).order_by("display_order", "monthly_price_cents")


@dataclass(frozen=True)
class BillingOverview:
    subscription: Subscription | None
    plan: Plan | None
    status: str | None
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    next_invoice_at: datetime | None
    cancel_at_period_end: bool
    seats: int
    active_providers: int
    has_billing_account: bool


def billing_overview(*, spa: Spa) -> BillingOverview:
    """What the owner sees: plan, status, dates, seats. One query for the
    subscription and its plan, one for the providers."""
    subscription = Subscription.objects.select_related("plan").filter(spa=spa).first()
    providers = provider_count(spa_id=spa.pk)
    if subscription is None:
        return BillingOverview(None, None, None, None, None, None, False, 0, providers, False)
    invoicing = (
        subscription.has_stripe_subscription
        and not subscription.cancel_at_period_end
        and subscription.status in _INVOICING
    )
    trialing = subscription.status == SubscriptionStatus.TRIALING
    return BillingOverview(
        subscription=subscription,
        plan=subscription.plan,
        status=subscription.status,
        trial_ends_at=subscription.trial_end if trialing else None,
        current_period_end=subscription.current_period_end,
        next_invoice_at=subscription.current_period_end if invoicing else None,
        cancel_at_period_end=subscription.cancel_at_period_end,
        seats=subscription.seats,
        active_providers=providers,
        has_billing_account=bool(subscription.stripe_customer_id),
    )


@dataclass(frozen=True)
class PlanLimits:
    max_locations: int | None  # None: unlimited


def spa_plan_limits(*, spa_id: int) -> PlanLimits:
    """The feature limits of the spa's plan, for the apps that enforce them
    (locations: tenant_apps/scheduling). A spa without a subscription (made at
    the console) has none."""
    plan = Plan.objects.filter(subscriptions__spa_id=spa_id).first()
    return PlanLimits(max_locations=plan.max_locations if plan else None)
