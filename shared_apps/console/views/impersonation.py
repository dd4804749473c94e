"""Impersonating a spa member for support: start, the token's page, end.

Platform staff open a spa's API as one of its active members, with a reason,
for 15, 30 or 60 minutes (`token_issue_impersonation`, in
shared_apps/accounts/services/impersonation.py, says what is refused and what
is recorded). Starting and ending are written to
the console's audit log in the same transaction as the change, and to the
spa's own audit log by the services.

The token is shown once: the start (a POST) keeps it in the staff member's
session only until the redirect's page has read it, then it is gone from the
server; reloading that page shows everything but the token. (Rendering it in
the POST's answer would keep it out of the session, but a reload would then
start a second impersonation.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core.http import client_ip
from shared_apps.accounts.models import ApiToken, Membership
from shared_apps.accounts.selectors import (
    impersonation_get,
    impersonation_list_active,
    member_list,
)
from shared_apps.accounts.services.impersonation import (
    token_end_impersonation,
    token_issue_impersonation,
)
from shared_apps.console.access import console_view
from shared_apps.console.audit import console_audit
from shared_apps.console.context import page
from shared_apps.console.models import ConsoleAction
from tenants.models import Spa, SpaStatus

DURATIONS = (15, 30, 60)  # minutes offered; the services cap it at an hour
DEFAULT_MINUTES = 30
# Session key: token id -> secret, until the token's page has shown it once.
_SECRETS = "console_impersonation_secrets"
# Spas whose API answers nobody (routing gives 503 / 410): nothing to impersonate.
_CLOSED_STATUSES = (SpaStatus.PROVISIONING, SpaStatus.CLOSED)
# What the spa's curl example asks: who the API thinks you are, marked.
_EXAMPLE_QUERY = "{ me { name role impersonation { by reason expiresAt } } }"


def impersonation_context(request: HttpRequest, spa: Spa) -> dict[str, Any]:
    """What the spa page's impersonation panel (console/_spa_impersonation.html)
    needs, under one key: the active members to choose from, the live
    impersonations of this spa, the durations. Two queries."""
    return {
        "impersonation": {
            "members": [m for m in member_list(spa=spa) if m.user.is_active],
            "active": list(impersonation_list_active(spa=spa)),
            "durations": DURATIONS,
            "default_minutes": DEFAULT_MINUTES,
            "open": spa.status not in _CLOSED_STATUSES,
        }
    }


def _small_int(text: str) -> int | None:
    """A form's id or number, or None: ASCII digits only, and short enough for
    the database (a bigint never overflows into a 500)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _first_error(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else "That did not work."


@console_view(methods=("POST",))
def impersonation_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start impersonating a member of this spa (POST from the spa page). Only a
    member of this spa: an id from another spa is "no such member"."""
    spa = get_object_or_404(Spa, slug=slug)
    spa_page = reverse("console:spa", args=[spa.slug])
    membership_id = _small_int(request.POST.get("membership", ""))
    membership = (
        Membership.objects.select_related("user", "spa").filter(pk=membership_id, spa=spa).first()
        if membership_id is not None
        else None
    )
    if membership is None:
        messages.error(request, "Choose a member of this spa to impersonate.")
        return HttpResponseRedirect(spa_page)
    minutes = _small_int(request.POST.get("minutes", str(DEFAULT_MINUTES)))
    if minutes is None or minutes not in DURATIONS:
        messages.error(request, "Choose 15, 30 or 60 minutes.")
        return HttpResponseRedirect(spa_page)
    reason = request.POST.get("reason", "")
    try:
        with transaction.atomic():
            issued = token_issue_impersonation(
                membership=membership,
                staff_user=request.user,  # type: ignore[arg-type]
                reason=reason,
                minutes=minutes,
                request_id=getattr(request, "request_id", ""),
                ip=client_ip(request),
            )
            token = issued.token
            console_audit(
                request=request,
                action=ConsoleAction.IMPERSONATE,
                spa=spa,
                reason=token.impersonation_reason,
                detail={
                    "token_id": token.pk,
                    "membership_id": membership.pk,
                    "member_user_id": membership.user_id,
                    "member_email": membership.user.email,
                    "role": membership.role,
                    "minutes": minutes,
                    "expires_at": token.expires_at.isoformat(),
                },
            )
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
        return HttpResponseRedirect(spa_page)
    # Only the latest start's secret is kept (one not yet shown is dropped).
    request.session[_SECRETS] = {str(token.pk): issued.secret}  # type: ignore[attr-defined]
    return HttpResponseRedirect(reverse("console:impersonation", args=[token.pk]))


def _spa_api_url(request: HttpRequest, spa: Spa) -> str:
    """The spa's API as this console is reached (same scheme and port)."""
    _host, port = split_domain_port(request.get_host())
    default_port = "443" if request.is_secure() else "80"
    suffix = f":{port}" if port and port != default_port else ""
    return f"{request.scheme}://{spa.slug}.{settings.ROOT_DOMAIN}{suffix}/graphql/"


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "ended"
    return "expired" if token.expires_at <= timezone.now() else "active"


@console_view()
def impersonation_detail(request: HttpRequest, token_id: int) -> HttpResponse:
    """One impersonation: the warning, who and why, the expiry, how to use the
    token (shown here once, right after the start) and the button that ends it."""
    token = impersonation_get(token_id=token_id)
    if token is None:
        raise Http404("No such impersonation.")
    secret = None
    if request.method == "GET":  # a HEAD must not use up the only showing
        secrets: dict[str, str] = request.session.get(_SECRETS, {})  # type: ignore[attr-defined]
        secret = secrets.pop(str(token.pk), None)
        if secret is not None:
            request.session.modified = True  # type: ignore[attr-defined]
    spa = token.membership.spa
    api_url = _spa_api_url(request, spa)
    body = '{"query": "' + _EXAMPLE_QUERY + '"}'
    curl = (
        f"curl -s {api_url} \\\n"
        f'  -H "Authorization: Bearer {secret or "<token>"}" \\\n'
        f'  -H "Content-Type: application/json" \\\n'
        f"  -d '{body}'"
    )
    return page(
        request,
        "console/impersonation.html",
        {
            "nav": "spas",
            "token": token,
            "spa": spa,
            "member": token.membership,
            "secret": secret,
            "state": _state(token),
            "api_url": api_url,
            "curl": curl,
        },
    )


@console_view(methods=("POST",))
def impersonation_end(request: HttpRequest, token_id: int) -> HttpResponse:
    """End an impersonation now (any platform staff may): the token stops working."""
    token = impersonation_get(token_id=token_id)
    if token is None:
        raise Http404("No such impersonation.")
    spa = token.membership.spa
    try:
        with transaction.atomic():
            ended = token_end_impersonation(
                token=token,
                request_id=getattr(request, "request_id", ""),
                ip=client_ip(request),
            )
            console_audit(
                request=request,
                action=ConsoleAction.IMPERSONATE_END,
                spa=spa,
                detail={
                    "token_id": ended.pk,
                    "membership_id": ended.membership_id,
                    "member_user_id": ended.membership.user_id,
                    "started_by": ended.impersonated_by.email if ended.impersonated_by else "",
                    "started_by_id": ended.impersonated_by_id,
                    "ended_at": ended.revoked_at.isoformat() if ended.revoked_at else "",
                },
            )
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, "Impersonation ended: the token no longer works.")
    return HttpResponseRedirect(reverse("console:spa", args=[spa.slug]))
