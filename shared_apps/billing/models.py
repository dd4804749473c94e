"""Billing, in the public schema: the plans spas pay for, each spa's subscription
(a mirror of Stripe's) and its invoices (likewise), and every Stripe event received
(docs/ARCHITECTURE.md section 7).

Stripe is the source of truth for a subscription; the mirror is what requests
read, and what the spa's status follows (shared_apps/billing/dunning.py).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Plan(models.Model):
    """What a spa can buy. One Stripe product and one monthly Stripe price each.

    The price is tiered so that one subscription item carries everything: the
    first `included_provider_seats` seats cost `monthly_price_cents` together,
    each seat after that `extra_seat_price_cents`. The item's quantity is the
    spa's number of active providers (at least 1).
    """

    code = models.SlugField(max_length=40, unique=True, help_text="Stable name used by the API.")
    name = models.CharField(max_length=80)
    currency = models.CharField(max_length=3, default="usd", help_text="ISO 4217, lowercase.")
    monthly_price_cents = models.PositiveIntegerField()
    included_provider_seats = models.PositiveIntegerField(default=1)
    extra_seat_price_cents = models.PositiveIntegerField(default=0)
    trial_days = models.PositiveIntegerField(default=14)
    # Feature limits; null is unlimited.
    max_locations = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True, help_text="Offered to new and changing spas.")
    display_order = models.PositiveIntegerField(default=0)
    # Set by `manage.py billing_plan sync`. A Stripe price's amounts never change:
    # new amounts get a new price (see shared_apps/billing/plans.py).
    stripe_product_id = models.CharField(max_length=255, blank=True)
    stripe_price_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_order", "monthly_price_cents", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[a-z]{3}$"), name="plan_currency_iso"
            ),
            models.CheckConstraint(
                condition=Q(included_provider_seats__gte=1), name="plan_includes_a_seat"
            ),
            models.CheckConstraint(condition=Q(code=Lower("code")), name="plan_code_lowercase"),
            models.CheckConstraint(
                condition=Q(trial_days__lte=730), name="plan_trial_days_bounded"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def price_for_seats(self, seats: int) -> int:
        """The monthly amount in cents for `seats` provider seats."""
        extra = max(0, seats - self.included_provider_seats)
        return self.monthly_price_cents + extra * self.extra_seat_price_cents


class SubscriptionStatus(models.TextChoices):
    """Stripe's subscription statuses, as Stripe names them."""

    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    UNPAID = "unpaid", "Unpaid"
    CANCELED = "canceled", "Canceled"
    INCOMPLETE = "incomplete", "Incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete (expired)"
    PAUSED = "paused", "Paused"


# Statuses of a Stripe subscription that still bills (a spa has at most one).
LIVE_STATUSES = frozenset(
    {
        SubscriptionStatus.TRIALING,
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.UNPAID,
        SubscriptionStatus.PAUSED,
    }
)


class Subscription(models.Model):
    """A spa's subscription: a mirror of its Stripe subscription.

    A spa that signed up and has not been through Checkout yet has a row with no
    Stripe ids, status `trialing` and `trial_end` (the platform's own trial).
    Everything else is copied from Stripe (re-read, never taken from an event's
    payload) by `subscription_apply_remote`.
    """

    spa = models.OneToOneField("tenants.Spa", on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=24, choices=SubscriptionStatus.choices)
    stripe_customer_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # The subscription's one item (its quantity is the seat count) and its price:
    # the plan's current price, or an older one the spa keeps (plans.py).
    stripe_item_id = models.CharField(max_length=255, blank=True)
    stripe_price_id = models.CharField(max_length=255, blank=True)
    seats = models.PositiveIntegerField(default=1, help_text="The quantity Stripe bills.")
    trial_end = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # When the subscription was first seen past due or unpaid in this run of
    # dunning (the grace period counts from here); cleared once paid.
    past_due_since = models.DateTimeField(null=True, blank=True)
    # When it ended (canceled): the data retention period counts from here.
    canceled_at = models.DateTimeField(null=True, blank=True)
    # `created` of the newest Stripe event applied, and when Stripe was last read.
    last_event_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SubscriptionStatus.values), name="subscription_status_valid"
            ),
            # A Stripe subscription always belongs to a known customer.
            models.CheckConstraint(
                condition=Q(stripe_subscription_id__isnull=True)
                | Q(stripe_customer_id__isnull=False),
                name="subscription_has_customer",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "past_due_since"], name="subscription_dunning"),
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk} ({self.status})"

    @property
    def has_stripe_subscription(self) -> bool:
        return bool(self.stripe_subscription_id)

    @property
    def is_live(self) -> bool:
        """Billing through Stripe now (not only the platform's trial)."""
        return self.has_stripe_subscription and self.status in LIVE_STATUSES


class StripeEventStatus(models.TextChoices):
    # Only ever seen inside the transaction that stores the event: it commits in
    # one of the others.
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    # A type the platform does not act on: stored and acknowledged.
    IGNORED = "ignored", "Ignored"
    # About a customer or subscription no spa has: stored, reported, acknowledged.
    UNMATCHED = "unmatched", "Unmatched"
    # The handler raised: Stripe was answered 500 and will retry; the error is kept.
    FAILED = "failed", "Failed"


class StripeEvent(models.Model):
    """One Stripe event, stored once (its id is unique) in the same transaction as
    its effect: a second delivery finds it and does nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    stripe_created_at = models.DateTimeField()
    payload = models.JSONField(help_text="The event as Stripe sent it (after the signature check).")
    status = models.CharField(max_length=16, choices=StripeEventStatus.choices)
    spa = models.ForeignKey(
        "tenants.Spa",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stripe_events",
    )
    # For a failed event: the exception's type and message (Stripe's or ours; never
    # a secret: API keys are not part of error messages).
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stripe_created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StripeEventStatus.values), name="stripeevent_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="stripeevent_status")]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.type}, {self.status})"


class InvoiceStatus(models.TextChoices):
    """Stripe's invoice statuses, as Stripe names them."""

    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    UNCOLLECTIBLE = "uncollectible", "Uncollectible"
    VOID = "void", "Void"


class Invoice(models.Model):
    """A spa's Stripe invoice: a mirror for the console, kept by `invoice.*` events.

    Like subscriptions, every field is copied from the invoice as re-read from
    Stripe when an event about it arrives (never from the event's payload), under
    the spa's subscription row lock: whatever order events come in, the last
    write is Stripe's current state (shared_apps/billing/webhooks.py).
    Stripe stays the source of truth; the mirror spares the console a Stripe call
    per page and lists invoices even when Stripe cannot be reached.
    """

    spa = models.ForeignKey("tenants.Spa", on_delete=models.CASCADE, related_name="invoices")
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    # Stripe numbers an invoice when it is finalized: drafts have none.
    number = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=InvoiceStatus.choices)
    currency = models.CharField(max_length=3, help_text="ISO 4217, lowercase.")
    amount_due_cents = models.PositiveBigIntegerField(default=0)
    amount_paid_cents = models.PositiveBigIntegerField(default=0)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    # Stripe's page where the customer sees and pays the invoice (from finalization on).
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    stripe_created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-stripe_created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InvoiceStatus.values), name="invoice_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[a-z]{3}$"), name="invoice_currency_iso"
            ),
        ]
        indexes = [models.Index(fields=["spa", "-stripe_created_at"], name="invoice_spa_recent")]

    def __str__(self) -> str:
        return f"invoice {self.stripe_invoice_id} ({self.status})"
