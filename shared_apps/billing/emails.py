"""The emails billing sends to a spa's owners. Each is queued on commit, so an
effect that is rolled back (a failed webhook, a duplicate) sends nothing."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from shared_apps.accounts.emails import spa_base_url
from shared_apps.accounts.models import Membership, Role
from tenants.models import Spa


def owner_emails(spa: Spa) -> list[str]:
    """The spa's active owners, or the contact it was created with if it has none."""
    emails = list(
        Membership.objects.filter(
            spa=spa, role=Role.OWNER, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    return sorted(set(emails)) or [spa.owner_email]


def _send_on_commit(*, spa: Spa, subject: str, body: str) -> None:
    recipients = owner_emails(spa)
    transaction.on_commit(
        lambda: send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False
        )
    )


def _day(value: datetime) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _billing_page(spa: Spa) -> str:
    return f"{spa_base_url(spa)}/billing"


def send_past_due(*, spa: Spa, suspend_after: datetime) -> None:
    _send_on_commit(
        spa=spa,
        subject=f"{spa.name}: your payment did not go through",
        body=(
            f"We could not collect the latest payment for {spa.name}. Everything keeps "
            f"working for now; Stripe will try the card again.\n\n"
            f"Update the payment method to keep access: {_billing_page(spa)}\n\n"
            f"If the invoice is still unpaid on {_day(suspend_after)}, the spa becomes "
            f"read-only until it is paid. Nothing is deleted."
        ),
    )


def send_suspended(*, spa: Spa, why: str) -> None:
    _send_on_commit(
        spa=spa,
        subject=f"{spa.name} is now read-only",
        body=(
            f"{why}\n\nYour team can still sign in and read everything, but nothing can "
            f"be changed until the subscription is paid. Nothing has been deleted.\n\n"
            f"Pay or subscribe: {_billing_page(spa)}"
        ),
    )


def send_reactivated(*, spa: Spa) -> None:
    _send_on_commit(
        spa=spa,
        subject=f"{spa.name} is fully active again",
        body=f"Thank you: the payment went through and {spa.name} is fully active again.",
    )


def send_trial_will_end(*, spa: Spa, trial_end: datetime | None) -> None:
    when = f"on {_day(trial_end)}" if trial_end else "soon"
    _send_on_commit(
        spa=spa,
        subject=f"{spa.name}: your trial ends {when}",
        body=(
            f"The trial of {spa.name} ends {when}. Check the payment method so the "
            f"subscription starts without a hitch: {_billing_page(spa)}"
        ),
    )


def send_payment_action_required(*, spa: Spa, invoice_url: str | None) -> None:
    link = invoice_url or _billing_page(spa)
    _send_on_commit(
        spa=spa,
        subject=f"{spa.name}: your bank needs you to confirm a payment",
        body=(
            f"Your bank asked for confirmation of the latest payment for {spa.name}. "
            f"Confirm it here: {link}"
        ),
    )
