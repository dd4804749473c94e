"""The spa's status follows its subscription (issue 6, docs/ARCHITECTURE.md section 7).

| subscription                                    | spa                               |
| ----------------------------------------------- | --------------------------------- |
| trialing (Stripe's, or the platform's own trial) | trialing                          |
| active                                          | active                            |
| past_due / unpaid, within the grace period      | past_due (full access, a warning) |
| past_due / unpaid, grace period over            | suspended (read-only)             |
| paid again                                      | active, at once                   |
| canceled, paused, incomplete_expired            | suspended; data kept              |
| the platform's trial over, nothing paid          | suspended                         |

`BILLING_PAST_DUE_GRACE_DAYS` (14) counts from the first failed payment of a
run of failures; `BILLING_CANCELED_RETENTION_DAYS` (90) is how long a canceled
spa's data is kept before it is due for export and closing (never automatic
deletion: `billing_enforce --close-expired` only closes, which keeps the schema).

A spa a person suspended at the console stays suspended whatever billing says:
billing only lifts suspensions it made. Every change goes through
`tenants.services.spa_set_status` with its cause (`stripe:<event id>`,
`billing:<rule>`), which records it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shared_apps.billing import emails
from shared_apps.billing.models import Subscription, SubscriptionStatus
from tenants.models import Spa, SpaStatus, SpaStatusChange
from tenants.services import ALLOWED_TRANSITIONS, spa_set_status

logger = logging.getLogger(__name__)

# Causes of status changes billing made (and so may undo).
BILLING_CAUSE_PREFIXES = ("stripe:", "billing:")

_SUSPENDING = frozenset(
    {
        SubscriptionStatus.CANCELED,
        SubscriptionStatus.PAUSED,
        SubscriptionStatus.INCOMPLETE_EXPIRED,
    }
)
_DUNNING = frozenset({SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID})


def grace_period() -> timedelta:
    return timedelta(days=settings.BILLING_PAST_DUE_GRACE_DAYS)


def retention_period() -> timedelta:
    return timedelta(days=settings.BILLING_CANCELED_RETENTION_DAYS)


def spa_status_for(*, subscription: Subscription, now: datetime) -> str | None:
    """The spa status the subscription calls for; None when it calls for nothing
    (a Checkout started by a spa that had no subscription, not finished)."""
    status = subscription.status
    local_trial = subscription.trial_end is not None and subscription.trial_end > now
    if status == SubscriptionStatus.TRIALING:
        if not subscription.has_stripe_subscription and not local_trial:
            return SpaStatus.SUSPENDED  # the platform's trial ran out, nothing bought
        return SpaStatus.TRIALING
    if status == SubscriptionStatus.ACTIVE:
        return SpaStatus.ACTIVE
    if status in _DUNNING:
        since = subscription.past_due_since or now
        return SpaStatus.SUSPENDED if now - since >= grace_period() else SpaStatus.PAST_DUE
    if status in _SUSPENDING:
        return SpaStatus.SUSPENDED
    # incomplete: the first payment of a new Stripe subscription is pending.
    if local_trial:
        return SpaStatus.TRIALING
    return None if not subscription.has_stripe_subscription else SpaStatus.SUSPENDED


def _suspended_by_someone_else(spa: Spa) -> bool:
    last = SpaStatusChange.objects.filter(spa=spa).order_by("-created_at", "-pk").first()
    return last is None or not last.cause.startswith(BILLING_CAUSE_PREFIXES)


def spa_follow_billing(*, subscription: Subscription, cause: str, now: datetime) -> str | None:
    """Move the subscription's spa to the status billing calls for, and tell its
    owners. Returns the new status, or None if nothing changed. Call it in the
    transaction that changed the subscription (the spa row is locked by
    spa_set_status, the emails go on commit)."""
    # Locked (after the subscription, as everywhere): the checks below see the
    # status a concurrent change at the console may have just written.
    spa = Spa.objects.select_for_update().get(pk=subscription.spa_id)
    wanted = spa_status_for(subscription=subscription, now=now)
    current = spa.status
    if wanted is None or wanted == current:
        return None
    if current in (SpaStatus.PROVISIONING, SpaStatus.CLOSED):
        return None
    if current == SpaStatus.SUSPENDED and _suspended_by_someone_else(spa):
        logger.info("spa %s stays suspended: suspended at the console, not by billing", spa.pk)
        return None
    if wanted == SpaStatus.TRIALING and current == SpaStatus.ACTIVE:
        return None  # the same access; an active spa never goes back to trialing
    if wanted not in ALLOWED_TRANSITIONS[current]:
        logger.warning("billing wants spa %s %s -> %s: not allowed", spa.pk, current, wanted)
        return None
    reason = _reason(subscription=subscription, wanted=wanted)
    spa_set_status(spa=spa, status=wanted, reason=reason, cause=cause)
    if wanted == SpaStatus.PAST_DUE:
        since = subscription.past_due_since or now
        emails.send_past_due(spa=spa, suspend_after=since + grace_period())
    elif wanted == SpaStatus.SUSPENDED:
        emails.send_suspended(spa=spa, why=reason)
    elif current in (SpaStatus.PAST_DUE, SpaStatus.SUSPENDED):
        emails.send_reactivated(spa=spa)
    return wanted


def _reason(*, subscription: Subscription, wanted: str) -> str:
    status = subscription.status
    if wanted == SpaStatus.SUSPENDED:
        if status in _DUNNING:
            return "The subscription is still unpaid after the grace period."
        if status == SubscriptionStatus.CANCELED:
            return "The subscription was canceled."
        if status == SubscriptionStatus.TRIALING:
            return "The trial ended without a subscription."
        return f"The subscription is {SubscriptionStatus(status).label.lower()}."
    if wanted == SpaStatus.PAST_DUE:
        return "A subscription payment failed."
    return f"Subscription {SubscriptionStatus(status).label.lower()}."


# --- The scheduled check ---------------------------------------------------------------------


@dataclass
class EnforcementReport:
    changed: dict[str, str] = field(default_factory=dict)  # spa slug -> new status
    retention_expired: list[str] = field(default_factory=list)  # slugs due for closing
    closed: list[str] = field(default_factory=list)


def billing_enforce(
    *, now: datetime | None = None, close_expired: bool = False
) -> EnforcementReport:
    """What time alone changes, for every spa: a grace period or a trial that ran
    out (suspended), and canceled spas past their retention period (listed, and
    closed with `close_expired`: closing keeps the schema; nothing is deleted).

    Meant to run from a scheduler (`manage.py billing_enforce`, hourly); `now` is
    for tests. Each spa is changed in its own transaction.
    """
    now = now or timezone.now()
    report = EnforcementReport()
    due = Subscription.objects.filter(
        status__in=[*_DUNNING, SubscriptionStatus.TRIALING],
        spa__status__in=[SpaStatus.TRIALING, SpaStatus.ACTIVE, SpaStatus.PAST_DUE],
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().get(pk=pk)
            rule = "grace_period" if subscription.status in _DUNNING else "trial_expired"
            changed = spa_follow_billing(
                subscription=subscription, cause=f"billing:{rule}", now=now
            )
            if changed:
                report.changed[subscription.spa.slug] = changed

    ended = Subscription.objects.filter(
        status=SubscriptionStatus.CANCELED,
        canceled_at__lte=now - retention_period(),
        spa__status=SpaStatus.SUSPENDED,
    ).select_related("spa")
    for subscription in ended:
        report.retention_expired.append(subscription.spa.slug)
        if close_expired:
            spa_set_status(
                spa=subscription.spa,
                status=SpaStatus.CLOSED,
                reason="Canceled, and the retention period is over.",
                cause="billing:retention_expired",
            )
            report.closed.append(subscription.spa.slug)
    return report
