"""Actions on one spa, from its page's actions panel (console/_spa_actions.html):
suspend or reactivate with a reason, change plan, add / verify / remove a
custom domain, resend the owner's welcome link.

Each action is a POST that runs one console service (the domain service and its
audit entry in one transaction), puts the outcome in a message and redirects
back to the spa's page (POST-redirect-GET). Bad input is a message and nothing
changed; an unknown spa or domain is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from shared_apps.accounts.models import Membership, Role, User
from shared_apps.billing.models import Subscription
from shared_apps.console import services
from shared_apps.console.access import console_view
from shared_apps.console.forms import (
    DomainAddForm,
    DomainVerifyForm,
    PlanForm,
    ReasonForm,
    plan_choices,
)
from shared_apps.console.models import ConsoleAction
from tenants.models import Spa, SpaStatus
from tenants.services import platform_subdomain

POST = ("POST",)


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message."""
    return " ".join(dict.fromkeys(exc.messages))


def form_error_text(form: django_forms.Form) -> str:
    """A form's errors as one line for a message."""
    return " ".join(dict.fromkeys(str(e) for errors in form.errors.values() for e in errors))


def _owner_state(spa: Spa) -> dict[str, Any]:
    """The owner (the account of spa.owner_email) as the resend button needs it:
    what accounts.services.owner.owner_welcome_resend would do."""
    membership = (
        Membership.objects.select_related("user")
        .filter(spa=spa, user__email=spa.owner_email)
        .first()
    )
    user = membership.user if membership is not None else None
    if user is None:
        user = User.objects.filter(email=spa.owner_email).first()  # rare: no membership
    if user is not None and (
        not user.is_active
        or (membership is not None and (not membership.is_active or membership.role != Role.OWNER))
    ):
        state, can_resend = "deactivated, or no longer an owner", False
    elif user is not None and user.has_usable_password():
        state, can_resend = "has chosen a password", False
    elif membership is None:
        state, can_resend = "no account or membership yet", True
    else:
        state, can_resend = "has not chosen a password yet", True
    return {
        "email": spa.owner_email,
        "state": state,
        "can_resend": can_resend and spa.status != SpaStatus.PROVISIONING,
    }


def actions_context(request: HttpRequest, spa: Spa) -> dict[str, Any]:
    """What the spa page's actions panel (console/_spa_actions.html) needs."""
    moves = []
    for move in services.status_moves(spa=spa):
        suspend = move.action == ConsoleAction.SUSPEND
        moves.append(
            {
                "suspend": suspend,
                "to_label": move.to_label,
                "url": reverse(
                    "console:spa-suspend" if suspend else "console:spa-reactivate", args=[spa.slug]
                ),
                "confirm": (
                    f"Suspend {spa.name}? Its API becomes read-only until it is reactivated."
                    if suspend
                    else f"Reactivate {spa.name} as {move.to_label.lower()}?"
                ),
            }
        )
    try:
        subscription: Subscription | None = spa.subscription  # select_related by the page
    except Subscription.DoesNotExist:
        subscription = None
    platform_host = platform_subdomain(spa.slug)
    domains = [
        {
            "domain": domain,
            "verify_url": reverse("console:spa-domain-verify", args=[spa.slug, domain.pk]),
            "remove_url": reverse("console:spa-domain-remove", args=[spa.slug, domain.pk]),
        }
        for domain in spa.domains.order_by("domain")
        if domain.domain != platform_host
    ]
    return {
        "actions": {
            "status_moves": moves,
            "provisioning": spa.status == SpaStatus.PROVISIONING,
            "progress_url": reverse("console:provision-progress", args=[spa.slug]),
            "subscription": subscription,
            "plan_choices": plan_choices(),
            "plan_url": reverse("console:spa-plan", args=[spa.slug]),
            "platform_host": platform_host,
            "dns_target": platform_host,
            "domains": domains,
            "domain_add_url": reverse("console:spa-domain-add", args=[spa.slug]),
            "owner": _owner_state(spa),
            "owner_url": reverse("console:spa-owner-welcome", args=[spa.slug]),
            "root_domain": settings.ROOT_DOMAIN,
        }
    }


def _back(spa: Spa) -> HttpResponse:
    return HttpResponseRedirect(reverse("console:spa", args=[spa.slug]))


def _act(
    request: HttpRequest,
    spa: Spa,
    form: django_forms.Form | None,
    run: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Validate `form`, run the action, report its outcome, back to the spa's page."""
    if form is not None and not form.is_valid():
        messages.error(request, form_error_text(form))
        return _back(spa)
    try:
        outcome = run(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, outcome)
    return _back(spa)


@console_view(methods=POST)
def spa_suspend(request: HttpRequest, slug: str) -> HttpResponse:
    """Suspend: read-only API, nothing deleted; a reason is required."""
    spa = get_object_or_404(Spa, slug=slug)

    def run(data: dict[str, Any]) -> str:
        services.console_spa_suspend(request=request, spa=spa, reason=data["reason"])
        return f"{spa.name} is suspended: its API is read-only."

    return _act(request, spa, ReasonForm(request.POST), run)


@console_view(methods=POST)
def spa_reactivate(request: HttpRequest, slug: str) -> HttpResponse:
    """Reactivate a suspended spa (back to its status before the suspension)."""
    spa = get_object_or_404(Spa, slug=slug)

    def run(data: dict[str, Any]) -> str:
        changed = services.console_spa_reactivate(request=request, spa=spa, reason=data["reason"])
        return f"{spa.name} is {changed.get_status_display().lower()} again."

    return _act(request, spa, ReasonForm(request.POST), run)


@console_view(methods=POST)
def spa_change_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """Change plan (Stripe's errors, e.g. billing unavailable, become the message)."""
    spa = get_object_or_404(Spa, slug=slug)

    def run(data: dict[str, Any]) -> str:
        subscription = services.console_spa_change_plan(
            request=request, spa=spa, plan_code=data["plan"]
        )
        where = "in Stripe" if subscription.has_stripe_subscription else "for its trial"
        return f"{spa.name} is on the {subscription.plan.name} plan now ({where})."

    return _act(request, spa, PlanForm(request.POST), run)


@console_view(methods=POST)
def spa_domain_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a custom domain; it routes once verified."""
    spa = get_object_or_404(Spa, slug=slug)

    def run(data: dict[str, Any]) -> str:
        added = services.console_domain_add(request=request, spa=spa, domain=data["domain"])
        return (
            f"{added.domain} added. It routes to the spa once verified: the spa creates a "
            f"CNAME record for it pointing to {platform_subdomain(spa.slug)}."
        )

    return _act(request, spa, DomainAddForm(request.POST), run)


@console_view(methods=POST)
def spa_domain_verify(request: HttpRequest, slug: str, domain_id: int) -> HttpResponse:
    """Verify a custom domain, once the staff member has checked its DNS record."""
    spa = get_object_or_404(Spa, slug=slug)

    def run(data: dict[str, Any]) -> str:
        verified = services.console_domain_verify(
            request=request, spa=spa, domain_id=domain_id, dns_checked=data["dns_checked"]
        )
        return f"{verified.domain} is verified: it routes to {spa.name} now."

    return _act(request, spa, DomainVerifyForm(request.POST), run)


@console_view(methods=POST)
def spa_domain_remove(request: HttpRequest, slug: str, domain_id: int) -> HttpResponse:
    """Remove a custom domain (never the platform subdomain)."""
    spa = get_object_or_404(Spa, slug=slug)

    def run(data: dict[str, Any]) -> str:
        host = services.console_domain_remove(request=request, spa=spa, domain_id=domain_id)
        return f"{host} removed: it no longer routes to {spa.name}."

    return _act(request, spa, None, run)


@console_view(methods=POST)
def spa_owner_welcome(request: HttpRequest, slug: str) -> HttpResponse:
    """Resend the owner's invitation: a fresh welcome link to choose a password."""
    spa = get_object_or_404(Spa, slug=slug)

    def run(data: dict[str, Any]) -> str:
        owner = services.console_owner_welcome_resend(request=request, spa=spa)
        return f"A fresh welcome link is on its way to {owner.email}."

    return _act(request, spa, None, run)
