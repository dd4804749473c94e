"""The patients' booking pages on a spa's host.

- `/booking/`: choose a location and a treatment, a day, a free time, and book.
- `/booking/manage`: the page the confirmation email links to, with the token
  after `#`. It shows the booking and lets the patient cancel or move it.
- `/booking/waitlist`: the page a waitlist offer's text links to, with the token
  after `#`. It shows the time offered and lets the patient claim it.

The views send a server-rendered shell; `booking.js` does the rest through the
booking API (`/booking/graphql/`), so a page view reads nothing of the spa's
records (only its website, for who may frame the booking page). The script and
stylesheet are served by `booking_asset` from this app's static folder, since
nothing in front of the process serves static files on a spa's host.

Headers (`_secured`): a Content-Security-Policy that allows only this host's
own script, style and API (no inline code, Trusted Types required, so the
script builds the page with DOM calls only); `Referrer-Policy: no-referrer`;
no cookies (no session, no CSRF token: the API takes none). Framing: the
booking page may be embedded by the spa itself and its website (the profile's
`website`, that host and its subdomains), so a spa can put the widget on its
site; the manage page, which acts on a link's token, may be framed by nobody.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_deny, xframe_options_exempt
from django.views.decorators.http import require_safe

from core.assets import AssetFolder
from tenant_apps.scheduling.selectors.availability import booking_policy

ASSETS = AssetFolder(
    Path(__file__).resolve().parent / "static" / "booking",
    ("booking.js", "booking.css"),
    url_name="booking-asset",
)
# A hostname in a CSP source: letters, digits, hyphens and dots only (nothing
# that could end the directive or start another).
_HOSTNAME = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def embedding_origins(website: str) -> list[str]:
    """CSP sources for the spa's website and its subdomains ("https://glow.example
    https://*.glow.example" for https://www.glow.example/book), or none when the
    address is not a plain http(s) URL with a hostname."""
    parts = urlsplit((website or "").strip())
    if parts.scheme not in ("http", "https"):
        return []
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return []
    if not _HOSTNAME.match(host):
        return []
    host = host.removeprefix("www.") if host.count(".") >= 2 else host
    suffix = f":{port}" if port else ""
    return [f"{parts.scheme}://{host}{suffix}", f"{parts.scheme}://*.{host}{suffix}"]


def content_security_policy(*, frame_ancestors: list[str]) -> str:
    """This host's own script, style and API only; no inline code; DOM sinks
    that parse HTML (innerHTML...) refused by Trusted Types."""
    ancestors = " ".join(frame_ancestors) or "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "img-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )


def _secured(response: HttpResponse, *, frame_ancestors: list[str]) -> HttpResponse:
    response["Content-Security-Policy"] = content_security_policy(frame_ancestors=frame_ancestors)
    # The manage page's address held a token (in the fragment, which browsers do
    # not send, and which the page removes at once); no page sends its address on.
    response["Referrer-Policy"] = "no-referrer"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    response["Cache-Control"] = "no-cache"
    return response


def _page(request: HttpRequest, template: str, *, page: str) -> HttpResponse:
    spa = request.spa  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "spa_name": spa.name,
            "page": page,
            "endpoint": reverse("booking-graphql"),
            "book_url": reverse("booking-page"),
            "script_url": ASSETS.url("booking.js"),
            "style_url": ASSETS.url("booking.css"),
        },
    )


@require_safe
@xframe_options_exempt  # frame-ancestors in the CSP says who may embed it
def booking_page(request: HttpRequest) -> HttpResponse:
    """The booking page: the spa's online menu, free times, and the booking form."""
    response = _page(request, "booking/book.html", page="book")
    return _secured(
        response, frame_ancestors=["'self'", *embedding_origins(booking_policy().website)]
    )


@require_safe
@xframe_options_deny
def manage_page(request: HttpRequest) -> HttpResponse:
    """The emailed link's page (`/booking/manage#<token>`): the token never reaches
    the server in this request; the page reads it and posts it to the API."""
    response = _page(request, "booking/manage.html", page="manage")
    return _secured(response, frame_ancestors=[])


@require_safe
@xframe_options_deny
def waitlist_offer_page(request: HttpRequest) -> HttpResponse:
    """A waitlist offer's link (`/booking/waitlist#<token>`): like the manage page,
    the token never reaches the server in this request."""
    response = _page(request, "booking/waitlist.html", page="waitlist")
    return _secured(response, frame_ancestors=[])


# The pages' script and stylesheet, cached for good when asked for by the
# current version (the pages' URLs carry it), else revalidated.
booking_asset = ASSETS.view
