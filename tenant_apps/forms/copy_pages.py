"""The patient's copy of a signed document, on the spa's host.

- `GET /forms/copy`: the page the copy email links to, with the token after
  `#` (never sent to the server; `copy.js` moves it into the form and out of
  the address bar). It asks for the date of birth.
- `POST /forms/copy/download` (`token`, `date_of_birth` YYYY-MM-DD): the signed
  PDF as an attachment (200), or the page again: a wrong date of birth (403,
  counted; the link closes at the limit), a missing or malformed date (400), an
  unknown, expired or closed link (404, one page for all: "link not valid"),
  too many tries from this address (429). Each download is audited
  (tenant_apps/forms/copies.py).

No cookies on a spa's host, so no CSRF token: the form carries its own
credentials (the token and the date of birth); a forged post holds neither,
and could at most send a file to its victim's own browser. Headers as the booking
pages': a CSP allowing only this host's script and style, no inline code,
framed by nobody, no referrer, never cached.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from core.assets import AssetFolder
from core.http import client_ip
from tenant_apps.audit.services import Actor
from tenant_apps.forms.copies import MAX_TOKEN_LENGTH, CopyOutcome, document_copy_download

ASSETS = AssetFolder(
    Path(__file__).resolve().parent / "static" / "forms",
    ("copy.js", "copy.css"),
    url_name="forms-copy-asset",
)
COPY_ROLE = "patient:copy"
FILENAME = "signed-form.pdf"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
        "frame-ancestors 'none'",
    ]
)


def _secured(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Referrer-Policy"] = "no-referrer"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _page(
    request: HttpRequest, *, valid: bool, status: int = 200, error: str = "", token: str = ""
) -> HttpResponse:
    spa = request.spa  # type: ignore[attr-defined]
    response = render(
        request,
        "forms/copy.html",
        {
            "spa_name": spa.name,
            "valid": valid,
            "error": error,
            "token": token,
            "download_url": reverse("forms-copy-download"),
            "script_url": ASSETS.url("copy.js"),
            "style_url": ASSETS.url("copy.css"),
        },
        status=status,
    )
    return _secured(response)


@require_safe
@xframe_options_deny
def copy_page(request: HttpRequest) -> HttpResponse:
    """The copy email's page (`/forms/copy#<token>`): the token never reaches
    the server in this request."""
    return _page(request, valid=True)


@csrf_exempt
@require_POST
@xframe_options_deny
def copy_download(request: HttpRequest) -> HttpResponse:
    """The signed PDF for the link's token and the patient's date of birth."""
    spa = request.spa  # type: ignore[attr-defined]
    token = request.POST.get("token", "")[: MAX_TOKEN_LENGTH + 1]
    if is_ratelimited(
        request,
        group=f"forms:copy:{spa.schema_name}",
        key="ip",
        rate=settings.BOOKING_RATES["forms"],
        increment=True,
    ):
        return _page(
            request,
            valid=True,
            status=429,
            error="Too many tries. Please wait a minute.",
            token=token,
        )
    try:
        date_of_birth = dt.date.fromisoformat(request.POST.get("date_of_birth", ""))
    except ValueError:
        date_of_birth = None
    if not token:
        return _page(request, valid=False, status=404)
    if date_of_birth is None:
        return _page(
            request, valid=True, status=400, error="Enter your date of birth.", token=token
        )
    result = document_copy_download(
        token=token,
        date_of_birth=date_of_birth,
        actor=Actor(
            user_id=None,
            role=COPY_ROLE,
            request_id=getattr(request, "request_id", ""),
            ip=client_ip(request),
        ),
    )
    if result.outcome is CopyOutcome.LINK_INVALID:
        return _page(request, valid=False, status=404)
    if result.outcome is CopyOutcome.WRONG_DATE_OF_BIRTH:
        tries = "try" if result.attempts_left == 1 else "tries"
        return _page(
            request,
            valid=True,
            status=403,
            error=(
                "That date of birth does not match our records. "
                f"{result.attempts_left} {tries} left."
            ),
            token=token,
        )
    response = HttpResponse(result.data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    response["Content-Length"] = str(len(result.data))
    return _secured(response)


# The page's script and stylesheet.
copy_asset = ASSETS.view
