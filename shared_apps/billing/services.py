"""Writes for a spa's subscription: what its owner does (Checkout, the Billing
Portal, changing plan, canceling) and keeping the seat count in step with the
team.

Stripe is called inside the request's transaction (the answer, a URL or the
new state, is what the owner asked for), then its answer is applied to the
mirror. If the local write then fails and rolls back, Stripe's webhook for the
change brings the mirror up to date. Errors raise `field_error` with a code
from `BillingErrorCode` (errors.py); Stripe being unreachable is
BILLING_PROVIDER_UNAVAILABLE, never a 500.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sentry_sdk
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from shared_apps.accounts.emails import spa_base_url
from shared_apps.accounts.models import Membership, Role
from shared_apps.billing import stripe_gateway
from shared_apps.billing.errors import BillingErrorCode
from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.billing.selectors import provider_count
from shared_apps.billing.stripe_gateway import BillingProviderError
from shared_apps.billing.sync import subscription_apply_remote
from tenants.models import Spa

logger = logging.getLogger(__name__)

# Stripe Checkout takes a trial end at least this far ahead.
CHECKOUT_MIN_TRIAL = timedelta(hours=48)


def _unavailable() -> ValidationError:
    return field_error(
        BillingErrorCode.BILLING_PROVIDER_UNAVAILABLE,
        "Billing is unavailable at the moment. Try again in a few minutes.",
    )


def seats_wanted(*, spa_id: int) -> int:
    """The seats a spa pays for: its active providers, at least one."""
    return max(1, provider_count(spa_id=spa_id))


def _plan_for_sale(code: str) -> Plan:
    plan = Plan.objects.filter(code=(code or "").strip().lower(), active=True).first()
    if plan is None:
        raise field_error(BillingErrorCode.PLAN_NOT_FOUND, "There is no such plan.", "plan")
    if not plan.stripe_price_id:
        raise field_error(
            BillingErrorCode.PLAN_NOT_AVAILABLE, "That plan cannot be bought yet.", "plan"
        )
    return plan


def _locked_subscription(spa: Spa) -> Subscription | None:
    return Subscription.objects.select_for_update().select_related("plan").filter(spa=spa).first()


def _billing_page(spa: Spa) -> str:
    return f"{spa_base_url(spa)}/billing"


def subscription_start_trial(*, spa: Spa, plan: Plan) -> Subscription:
    """A new spa's subscription: the platform's own trial of `plan` (no Stripe
    objects yet; the owner goes through Checkout before `trial_end`, or the spa
    is suspended then: dunning.py). Signup and the console's provisioning call it
    in the transaction that opens the spa (`spa_provision`'s `on_open`)."""
    return Subscription.objects.create(
        spa=spa,
        plan=plan,
        status=SubscriptionStatus.TRIALING,
        trial_end=timezone.now() + timedelta(days=plan.trial_days),
    )


def subscription_checkout_start(*, spa: Spa, plan_code: str) -> str:
    """Start paying for `plan`: a Stripe Checkout URL for the owner to open.

    The spa gets a Stripe customer first if it has none. What is left of the
    platform's trial carries over into the Stripe subscription. A spa that is
    already subscribed changes plan with `subscription_change_plan` instead.
    """
    plan = _plan_for_sale(plan_code)
    now = timezone.now()
    with transaction.atomic():
        subscription = _locked_subscription(spa)
        if subscription is not None and subscription.is_live:
            raise field_error(
                BillingErrorCode.ALREADY_SUBSCRIBED,
                "The spa already has a subscription: change its plan or open the billing portal.",
            )
        if subscription is None:
            # A spa made at the console, paying for the first time. `incomplete`
            # calls for no status change until Stripe says more (dunning.py).
            subscription = Subscription.objects.create(
                spa=spa, plan=plan, status=SubscriptionStatus.INCOMPLETE
            )
        try:
            if not subscription.stripe_customer_id:
                owner = Membership.objects.filter(spa=spa, role=Role.OWNER, is_active=True).first()
                subscription.stripe_customer_id = stripe_gateway.customer_create(
                    spa_id=spa.pk,
                    email=owner.user.email if owner else spa.owner_email,
                    name=spa.name,
                    idempotency_key=f"medspa-spa-{spa.pk}-customer",
                )
                subscription.save(update_fields=["stripe_customer_id", "updated_at"])
            trial_left = (
                subscription.trial_end
                if subscription.status == SubscriptionStatus.TRIALING
                and not subscription.has_stripe_subscription
                and subscription.trial_end is not None
                and subscription.trial_end - now >= CHECKOUT_MIN_TRIAL
                else None
            )
            base = _billing_page(spa)
            session = stripe_gateway.checkout_session_create(
                spa_id=spa.pk,
                customer_id=subscription.stripe_customer_id,
                price_id=plan.stripe_price_id,
                quantity=seats_wanted(spa_id=spa.pk),
                success_url=f"{base}?checkout=success",
                cancel_url=f"{base}?checkout=canceled",
                trial_end=trial_left,
            )
        except BillingProviderError:
            raise _unavailable() from None
    return session.url


def subscription_portal_url(*, spa: Spa) -> str:
    """A Stripe Billing Portal URL: payment methods, invoices, cancellation."""
    subscription = Subscription.objects.filter(spa=spa).first()
    if subscription is None or not subscription.stripe_customer_id:
        raise field_error(
            BillingErrorCode.NO_BILLING_ACCOUNT,
            "The spa has no billing account yet: start a subscription first.",
        )
    try:
        return stripe_gateway.billing_portal_url(
            customer_id=subscription.stripe_customer_id, return_url=_billing_page(spa)
        )
    except BillingProviderError:
        raise _unavailable() from None


def subscription_change_plan(*, spa: Spa, plan_code: str) -> Subscription:
    """Move the spa to another plan (prorated by Stripe). During the platform's own
    trial, only the plan the trial is for changes."""
    with transaction.atomic():
        subscription = _locked_subscription(spa)
        if subscription is None:
            raise field_error(BillingErrorCode.NO_SUBSCRIPTION, "The spa has no subscription.")
        if not subscription.is_live:
            if (
                subscription.status == SubscriptionStatus.TRIALING
                and not subscription.has_stripe_subscription
            ):
                offered = Plan.objects.filter(code=(plan_code or "").strip().lower(), active=True)
                chosen = offered.first()
                if chosen is None:
                    raise field_error(
                        BillingErrorCode.PLAN_NOT_FOUND, "There is no such plan.", "plan"
                    )
                subscription.plan = chosen
                subscription.save(update_fields=["plan", "updated_at"])
                return subscription
            raise field_error(
                BillingErrorCode.NO_SUBSCRIPTION, "The spa has no subscription to change."
            )
        plan = _plan_for_sale(plan_code)
        if plan.stripe_price_id == subscription.stripe_price_id:
            return subscription
        try:
            remote = stripe_gateway.subscription_update_item(
                subscription_id=subscription.stripe_subscription_id or "",
                item_id=subscription.stripe_item_id,
                price_id=plan.stripe_price_id,
                quantity=seats_wanted(spa_id=spa.pk),
            )
        except BillingProviderError:
            raise _unavailable() from None
        return subscription_apply_remote(
            subscription=subscription, remote=remote, cause="billing:owner_changed_plan"
        )


def subscription_cancel(*, spa: Spa) -> Subscription:
    """Cancel at the end of the paid period: full access until then, then the spa
    is suspended (read-only) and its data kept (dunning.py)."""
    with transaction.atomic():
        subscription = _locked_subscription(spa)
        if subscription is None or not subscription.is_live:
            raise field_error(
                BillingErrorCode.NO_SUBSCRIPTION, "The spa has no subscription to cancel."
            )
        if subscription.cancel_at_period_end:
            return subscription
        try:
            remote = stripe_gateway.subscription_set_cancel_at_period_end(
                subscription_id=subscription.stripe_subscription_id or "", cancel=True
            )
        except BillingProviderError:
            raise _unavailable() from None
        return subscription_apply_remote(
            subscription=subscription, remote=remote, cause="billing:owner_canceled"
        )


# --- Seats -----------------------------------------------------------------------------------


def subscription_seats_changed(*, spa: Spa) -> None:
    """The team's providers changed: bring the billed seats along once the
    change commits (called by the accounts services)."""
    spa_id = spa.pk
    transaction.on_commit(lambda: _seats_sync_reporting_failure(spa_id))


def _seats_sync_reporting_failure(spa_id: int) -> None:
    # After the commit the change stands whatever Stripe says: a failure is
    # reported, and `billing_reconcile` pushes the count later.
    try:
        subscription_seats_sync(spa_id=spa_id)
    except Exception as exc:
        logger.error("seat count of spa %s not sent to Stripe: %s", spa_id, type(exc).__name__)
        sentry_sdk.capture_exception(exc)


def subscription_seats_sync(*, spa_id: int) -> int | None:
    """Set the Stripe subscription's quantity to the spa's active providers (at least
    one) if it differs; returns the new quantity, or None if nothing was sent.
    Raises BillingProviderError if Stripe cannot be reached."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(spa_id=spa_id).first()
        if subscription is None or not subscription.is_live or not subscription.stripe_item_id:
            return None
        wanted = seats_wanted(spa_id=spa_id)
        if wanted == subscription.seats:
            return None
        remote = stripe_gateway.subscription_update_item(
            subscription_id=subscription.stripe_subscription_id or "",
            item_id=subscription.stripe_item_id,
            price_id=subscription.stripe_price_id,
            quantity=wanted,
        )
        subscription_apply_remote(
            subscription=subscription, remote=remote, cause="billing:seats_changed"
        )
    return wanted
