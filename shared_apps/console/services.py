"""The console's actions: each calls the domain service that does the work and
writes its platform audit entry (`console_audit`) in the same transaction, so
the change and its record commit together or not at all.

Nothing here re-implements a rule: statuses, domains, plans, provisioning, the
owner's welcome link and Stripe events each belong to their own app's
services. What is added is what only the console decides: which status moves
it offers, that a move needs a reason, and the audit entry. Bad input raises
ValidationError (its message is shown to the staff member as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from core.errors import field_error
from shared_apps.accounts.models import User
from shared_apps.accounts.services.owner import owner_welcome_resend
from shared_apps.billing.models import Plan, StripeEvent, StripeEventStatus, Subscription
from shared_apps.billing.reconcile import stripe_events_replay
from shared_apps.billing.services import subscription_change_plan
from shared_apps.billing.webhooks import Receipt
from shared_apps.console.audit import console_audit
from shared_apps.console.errors import ConsoleErrorCode
from shared_apps.console.models import ConsoleAction
from shared_apps.lifecycle.services import spa_provision, spa_provision_resume
from tenants.models import Domain, Spa, SpaStatus, SpaStatusChange
from tenants.provisioning import spa_provision_cancel
from tenants.services import (
    ALLOWED_TRANSITIONS,
    domain_add,
    domain_remove,
    domain_verify,
    platform_subdomain,
    spa_set_status,
)

# Events the console replays: the ones whose effect never happened.
REPLAYABLE = frozenset({StripeEventStatus.FAILED, StripeEventStatus.UNMATCHED})


# --- Suspend and reactivate --------------------------------------------------------------------


@dataclass(frozen=True)
class StatusMove:
    action: str  # ConsoleAction.SUSPEND or REACTIVATE
    to_status: str

    @property
    def to_label(self) -> str:
        return SpaStatus(self.to_status).label


def reactivation_status(*, spa: Spa) -> str:
    """What a suspended spa goes back to: the status it had before its suspension
    (trialing, active, past due), else active. Billing moves it on from there
    if its subscription calls for something else (dunning.py)."""
    last = (
        SpaStatusChange.objects.filter(spa=spa, to_status=SpaStatus.SUSPENDED)
        .order_by("-created_at", "-pk")
        .first()
    )
    before = last.from_status if last is not None else SpaStatus.ACTIVE
    allowed = ALLOWED_TRANSITIONS[SpaStatus.SUSPENDED] - {SpaStatus.CLOSED}
    return before if before in allowed else SpaStatus.ACTIVE


def status_moves(*, spa: Spa) -> list[StatusMove]:
    """The moves the console offers from the spa's status: suspend (when
    tenants.services.ALLOWED_TRANSITIONS allows it) or reactivate."""
    if SpaStatus.SUSPENDED in ALLOWED_TRANSITIONS[spa.status]:
        return [StatusMove(ConsoleAction.SUSPEND, SpaStatus.SUSPENDED)]
    if spa.status == SpaStatus.SUSPENDED:
        return [StatusMove(ConsoleAction.REACTIVATE, reactivation_status(spa=spa))]
    return []


def _status_move(*, request: HttpRequest, spa: Spa, action: str, reason: str) -> Spa:
    reason = (reason or "").strip()
    if not reason:
        raise field_error(
            ConsoleErrorCode.REASON_REQUIRED,
            "Give a reason: it goes in the spa's history and the audit log.",
            "reason",
        )
    with transaction.atomic():
        locked = Spa.objects.select_for_update().get(pk=spa.pk)
        move = next((m for m in status_moves(spa=locked) if m.action == action), None)
        if move is None:
            verb = "suspended" if action == ConsoleAction.SUSPEND else "reactivated"
            raise field_error(
                ConsoleErrorCode.STATUS_TRANSITION_INVALID,
                f"The spa is {locked.get_status_display().lower()}: it cannot be {verb}.",
            )
        before = locked.status
        changed = spa_set_status(spa=locked, status=move.to_status, reason=reason, cause="console")
        console_audit(
            request=request,
            action=action,
            spa=changed,
            reason=reason,
            detail={"from": before, "to": changed.status},
        )
    return changed


def console_spa_suspend(*, request: HttpRequest, spa: Spa, reason: str) -> Spa:
    """Make the spa read-only (its API refuses mutations with SPA_SUSPENDED);
    nothing is deleted, and billing never lifts a suspension made here."""
    return _status_move(request=request, spa=spa, action=ConsoleAction.SUSPEND, reason=reason)


def console_spa_reactivate(*, request: HttpRequest, spa: Spa, reason: str) -> Spa:
    """Give a suspended spa back the status it had before (`reactivation_status`)."""
    return _status_move(request=request, spa=spa, action=ConsoleAction.REACTIVATE, reason=reason)


# --- Plan ----------------------------------------------------------------------------------------


def console_spa_change_plan(*, request: HttpRequest, spa: Spa, plan_code: str) -> Subscription:
    """Move the spa to another plan through billing's own `subscription_change_plan`:
    a Stripe subscription is moved (prorated; Stripe's refusals are its errors);
    during the platform's trial (no Stripe subscription yet) only the plan the
    trial is for changes, in the mirror, and the owner's Checkout buys that plan.
    A spa with no subscription at all has none to change (NO_SUBSCRIPTION).
    Choosing the plan the spa is on is refused (PLAN_UNCHANGED), even when it
    keeps an older price of that plan: subscribers keep their price (plans.py)."""
    plan_code = (plan_code or "").strip().lower()
    with transaction.atomic():
        before = Subscription.objects.select_related("plan").filter(spa=spa).first()
        if before is not None and before.plan.code == plan_code:
            raise field_error(
                ConsoleErrorCode.PLAN_UNCHANGED,
                f"The spa is on the {before.plan.name} plan already.",
            )
        subscription = subscription_change_plan(spa=spa, plan_code=plan_code)
        console_audit(
            request=request,
            action=ConsoleAction.CHANGE_PLAN,
            spa=spa,
            detail={
                "from": before.plan.code if before is not None else None,
                "to": plan_code,
                "stripe": subscription.has_stripe_subscription,
            },
        )
    return subscription


# --- Custom domains ----------------------------------------------------------------------------


def _custom_domain(*, spa: Spa, domain_id: int) -> Domain:
    found = Domain.objects.select_for_update().filter(tenant=spa, pk=domain_id).first()
    if found is None:
        raise field_error(ConsoleErrorCode.NOT_FOUND, "The spa has no such domain.", "domain")
    return found


def console_domain_add(*, request: HttpRequest, spa: Spa, domain: str) -> Domain:
    """Attach a custom domain (unverified: it routes once verified). Cleaned and
    refused by `tenants.services.domain_add` (invalid, reserved, taken)."""
    with transaction.atomic():
        added = domain_add(spa=spa, domain=domain)
        console_audit(
            request=request,
            action=ConsoleAction.DOMAIN_ADD,
            spa=spa,
            detail={"domain": added.domain},
        )
    return added


def console_domain_verify(
    *, request: HttpRequest, spa: Spa, domain_id: int, dns_checked: bool
) -> Domain:
    """Mark a custom domain verified: from now on it routes to the spa. The
    platform does not look DNS up itself; the staff member confirms they checked
    the CNAME to the spa's subdomain (`dns_checked`), and the audit says who."""
    if not dns_checked:
        raise field_error(
            ConsoleErrorCode.DNS_NOT_CHECKED,
            "Confirm that you have checked the DNS record first.",
            "dns_checked",
        )
    with transaction.atomic():
        found = _custom_domain(spa=spa, domain_id=domain_id)
        if found.verified_at is not None:
            raise field_error(
                ConsoleErrorCode.DOMAIN_VERIFIED, f"{found.domain} is verified already.", "domain"
            )
        verified = domain_verify(domain=found)
        console_audit(
            request=request,
            action=ConsoleAction.DOMAIN_VERIFY,
            spa=spa,
            detail={"domain": verified.domain, "cname": platform_subdomain(spa.slug)},
        )
    return verified


def console_domain_remove(*, request: HttpRequest, spa: Spa, domain_id: int) -> str:
    """Detach a custom domain (never the spa's platform subdomain:
    `domain_remove` refuses it). Returns the host removed."""
    with transaction.atomic():
        found = _custom_domain(spa=spa, domain_id=domain_id)
        host = found.domain
        domain_remove(domain=found)
        console_audit(
            request=request,
            action=ConsoleAction.DOMAIN_REMOVE,
            spa=spa,
            detail={"domain": host},
        )
    return host


# --- The owner's invitation --------------------------------------------------------------------


def console_owner_welcome_resend(*, request: HttpRequest, spa: Spa) -> User:
    """Send the owner a fresh welcome (set-password) link: accounts'
    `owner_welcome_resend` says who gets what and when it refuses."""
    if spa.status == SpaStatus.PROVISIONING:
        raise field_error(
            ConsoleErrorCode.SPA_PROVISIONING,
            "The spa is not open yet: resume its provisioning first.",
        )
    with transaction.atomic():
        owner = owner_welcome_resend(spa=spa)
        console_audit(
            request=request,
            action=ConsoleAction.RESEND_INVITATION,
            spa=spa,
            detail={"user_id": owner.pk},
        )
    return owner


# --- Provisioning ------------------------------------------------------------------------------


def _plan_on_offer(plan_code: str) -> Plan:
    plan = Plan.objects.filter(code=(plan_code or "").strip().lower(), active=True).first()
    if plan is None:
        raise field_error(ConsoleErrorCode.PLAN_NOT_FOUND, "There is no such plan.", "plan")
    return plan


def _opening(*, request: HttpRequest, plan: Plan, resumed: bool) -> Callable[[Spa], None]:
    """What the console adds to the transaction that opens the spa (after the
    owner's membership and the plan's trial, as at signup): the audit entry."""

    def open_spa(spa: Spa) -> None:
        console_audit(
            request=request,
            action=ConsoleAction.PROVISION,
            spa=spa,
            detail={"plan": plan.code, "status": spa.status, "resumed": resumed},
        )

    return open_spa


def console_spa_provision(
    *,
    request: HttpRequest,
    slug: str,
    name: str,
    timezone_name: str,
    owner_email: str,
    plan_code: str,
    status: str,
) -> Spa:
    """Provision a spa with `shared_apps.lifecycle.services.spa_provision`, opening
    it with its owner and the plan's trial subscription, exactly as signup does.
    `status` is the spa's own: `trialing`, or `active` (full access, not
    labelled a trial; billing is the same, so a spa nobody pays for is still
    suspended when the plan's trial runs out: comping a spa is not a console
    decision).

    Runs outside any transaction (provisioning commits between its steps). The
    audit entry commits with the opening; a failure before that leaves the spa
    in `provisioning`, for `console_spa_provision_resume` or `..._cancel`.
    The owner's account is created without a password and sent a welcome link.
    """
    plan = _plan_on_offer(plan_code)
    return spa_provision(
        slug=(slug or "").strip().lower(),
        name=name,
        timezone_name=timezone_name,
        owner_email=owner_email,
        status=status,
        trial_plan=plan,
        on_open=_opening(request=request, plan=plan, resumed=False),
    )


def console_spa_provision_resume(*, request: HttpRequest, spa: Spa, plan_code: str) -> Spa:
    """Finish a spa left in `provisioning` (`spa_provision_resume`), opening it
    with `plan`'s trial (the spa's row does not remember the plan asked for)."""
    plan = _plan_on_offer(plan_code)
    return spa_provision_resume(
        spa=spa, trial_plan=plan, on_open=_opening(request=request, plan=plan, resumed=True)
    )


def console_spa_provision_cancel(*, request: HttpRequest, spa: Spa) -> None:
    """Remove a spa that never opened (`spa_provision_cancel`: schema, domains,
    row). That service drops a schema and runs outside any transaction, so the
    audit entry (PROVISION, detail `cancelled`: the log's actions are fixed) is
    written just after it, not with it."""
    spa_provision_cancel(spa=spa)
    console_audit(
        request=request,
        action=ConsoleAction.PROVISION,
        spa=spa,
        detail={"cancelled": True},
    )


# --- Stripe events -----------------------------------------------------------------------------


def console_stripe_event_replay(*, request: HttpRequest, event: StripeEvent) -> Receipt:
    """Run one failed (or unmatched) event again, through the function
    `manage.py billing_replay_events` uses. An event already applied or ignored
    is refused: replaying it would do nothing, and say nothing useful."""
    with transaction.atomic():
        locked = StripeEvent.objects.select_for_update().get(pk=event.pk)
        if locked.status not in REPLAYABLE:
            raise field_error(
                ConsoleErrorCode.EVENT_NOT_REPLAYABLE,
                f"Only failed or unmatched events are replayed; this one is "
                f"{locked.get_status_display().lower()}.",
            )
        before = locked.status
        (receipt,) = stripe_events_replay(event_ids=[locked.event_id])
        locked.refresh_from_db()
        console_audit(
            request=request,
            action=ConsoleAction.WEBHOOK_REPLAY,
            spa=Spa.objects.filter(pk=locked.spa_id).first() if locked.spa_id else None,
            detail={
                "event_id": locked.event_id,
                "type": locked.type,
                "from": before,
                "to": receipt.status,
            },
        )
    return receipt
