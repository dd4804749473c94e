"""Patients opting out of email themselves: every patient email from messaging
carries a link (and RFC 8058 `List-Unsubscribe` headers) to
`/unsubscribe?token=<token>` on the spa's host.

The token is signed (django.core.signing) with a salt naming the spa's schema,
so a token of one spa does not verify on another spa's host; it names only the
client's id and the purpose (no address, no name: nothing a log of the URL
could leak). It does not expire: an old email's link must still work, and all
it can do is stop email. GET shows a confirm page and changes nothing (mail
scanners follow links); POST, from that page or a mail client's one-click
`List-Unsubscribe=One-Click`, records the email consent for that purpose as
withdrawn, source "unsubscribe link" (audited, tenant_apps/messaging/consent.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from shared_apps.accounts.emails import spa_base_url
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.messaging.consent import consent_latest, consent_record
from tenant_apps.messaging.models import Channel, ConsentSource, Purpose
from tenants.db import connection
from tenants.models import Spa

SYSTEM = Actor.system("unsubscribe")
QUESTION: dict[str, str] = {
    Purpose.APPOINTMENT: "Stop emails about your appointments?",
    Purpose.MARKETING: "Stop marketing emails?",
}
UNSUBSCRIBE_FOOTER = "To stop these emails:"
ONE_CLICK = "One-click unsubscribe (List-Unsubscribe-Post)"


def _salt(spa: Spa) -> str:
    return f"messaging.unsubscribe:{spa.schema_name}"


def unsubscribe_url(*, spa: Spa, client_id: int, purpose: str) -> str:
    """The one-click unsubscribe address for `client_id`'s `purpose` emails."""
    token = signing.dumps({"c": client_id, "p": purpose}, salt=_salt(spa))
    return f"{spa_base_url(spa)}/unsubscribe?{urlencode({'token': token})}"


@dataclass(frozen=True)
class _Found:
    client_id: int
    purpose: str


def _read(token: str, spa: Spa) -> _Found | None:
    try:
        payload = signing.loads(token, salt=_salt(spa))
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    client_id, purpose = payload.get("c"), payload.get("p")
    if not isinstance(client_id, int) or purpose not in Purpose.values:
        return None
    return _Found(client_id=client_id, purpose=purpose)


def _page(
    request: HttpRequest, state: str, *, purpose: str = "", status: int = 200
) -> HttpResponse:
    spa = connection.tenant
    response = render(
        request,
        "messaging/unsubscribe.html",
        {
            "spa_name": spa.name,
            "state": state,
            "question": QUESTION.get(purpose, ""),
            "action": request.get_full_path(),
        },
        status=status,
    )
    response["Content-Security-Policy"] = (
        "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    # The address holds the token: no page sends it on.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a mail client's one-click POST carries no CSRF token; the token is the proof
@xframe_options_deny
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request: HttpRequest) -> HttpResponse:
    """`/unsubscribe?token=...`: GET asks, POST opts out (see the module)."""
    found = _read(request.GET.get("token", ""), connection.tenant)
    if found is None:
        return _page(request, "invalid", status=404)
    if request.method != "POST":
        return _page(request, "ask", purpose=found.purpose)
    if not Client.objects.filter(pk=found.client_id).exists():
        return _page(request, "invalid", status=404)
    with transaction.atomic():
        _opt_out(found, one_click=request.POST.get("List-Unsubscribe") == "One-Click")
    return _page(request, "done", purpose=found.purpose)


def _opt_out(found: _Found, *, one_click: bool) -> None:
    latest = consent_latest(client_id=found.client_id, channel=Channel.EMAIL, purpose=found.purpose)
    if latest is None or latest.granted:  # opted out already: recorded once
        consent_record(
            actor=SYSTEM,
            client_id=found.client_id,
            channel=Channel.EMAIL,
            purpose=found.purpose,
            granted=False,
            source=ConsentSource.UNSUBSCRIBE_LINK,
            text_shown=ONE_CLICK if one_click else QUESTION[found.purpose],
        )
