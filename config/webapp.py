"""The staff web app on a spa's host (issue 19): the React app built from `webapp/`.

- `/app/` and `/app/<anything>`: the app's HTML shell (`webapp/dist/index.html`),
  whatever the path (the app routes in the browser).
- `/app/assets/<name>`: the built scripts and stylesheets. Vite names them by
  their content, so they are cached for good; gzip when the browser takes it.
- `/forms/fill`: the patients' forms page (`webapp/dist/forms.html`, a second
  page of the same build): the link's token is in the URL's fragment, which
  never reaches the server; the page talks to the booking API.
- `/`: a small page leading staff to the app's sign-in and visitors to the
  booking page.
- The paths the platform emails (`/accept-invitation`, `/reset-password`,
  `/billing`: shared_apps/accounts/emails.py, shared_apps/billing/emails.py)
  redirect to the app's pages, query string kept.

The app is built by `bin/webapp-build` (run by bin/test and bin/demo); without
a build the shell is a 503 page saying so. Nothing is fetched at run time; the
Content-Security-Policy allows only this host's scripts, styles and API, no
inline script. Like the booking pages (tenant_apps/online_booking/pages.py), the
views read nothing of the spa's records and set no cookie: the app signs in
through the API and keeps its bearer token itself.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import escape
from django.views.decorators.http import require_safe

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".png": "image/png",
}
# Vite's output names: letters, digits, `-`, `_` and dots; never a path.
_ASSET_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$")
_NOT_BUILT = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not built</title>'
    "</head><body><h1>The web app is not built</h1><p>Run <code>bin/webapp-build</code> "
    "(bin/demo and bin/test do).</p></body></html>"
)
_LANDING = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{name}</title></head><body><main><h1>{name}</h1>"
    '<p><a href="/booking/">Book an appointment</a></p>'
    '<p><a href="/app/">Staff sign in</a></p></main></body></html>'
)


def dist_dir() -> Path:
    return Path(settings.WEBAPP_DIST)


def _secured(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # Links with a token (reset, invitation) must not leak it to another site.
    response["Referrer-Policy"] = "no-referrer"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    response["Cache-Control"] = "no-cache"
    response["X-Frame-Options"] = "DENY"
    return response


@cache
def _shell_cached(path: Path) -> bytes:
    return path.read_bytes()


def _shell(name: str = "index.html") -> bytes | None:
    path = dist_dir() / name
    if not path.is_file():
        return None
    # Read every time with DEBUG, so a rebuild shows without a restart.
    return path.read_bytes() if settings.DEBUG else _shell_cached(path)


@require_safe
def app_shell(request: HttpRequest, route: str = "") -> HttpResponse:
    """The app's HTML shell for any path under /app/ (routing is the app's)."""
    body = _shell()
    if body is None:
        return _secured(HttpResponse(_NOT_BUILT, status=503))
    return _secured(HttpResponse(body, content_type="text/html; charset=utf-8"))


@require_safe
def forms_page(request: HttpRequest) -> HttpResponse:
    """The patients' forms page (/forms/fill#<token>): the same policy as the
    app's shell; nothing of the spa's records is read here (the page asks the
    booking API once the patient gives their date of birth)."""
    body = _shell("forms.html")
    if body is None:
        return _secured(HttpResponse(_NOT_BUILT, status=503))
    response = _secured(HttpResponse(body, content_type="text/html; charset=utf-8"))
    response["Cache-Control"] = "no-store"
    return response


@cache
def _asset(name: str) -> tuple[bytes, bytes]:
    body = (dist_dir() / "assets" / name).read_bytes()
    return body, gzip.compress(body, compresslevel=9, mtime=0)


@require_safe
def app_asset(request: HttpRequest, name: str) -> HttpResponse:
    """A built file, by its content-hashed name: cached for good."""
    suffix = Path(name).suffix
    if not _ASSET_NAME.match(name) or suffix not in CONTENT_TYPES:
        raise Http404("No such file.")
    if not (dist_dir() / "assets" / name).is_file():
        raise Http404("No such file.")
    body, zipped = _asset(name)
    response = HttpResponse(content_type=CONTENT_TYPES[suffix])
    if "gzip" in request.headers.get("Accept-Encoding", "") and len(zipped) < len(body):
        response.content = zipped
        response["Content-Encoding"] = "gzip"
    else:
        response.content = body
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """The spa's address itself: staff to the app's sign-in, visitors to booking."""
    spa = request.spa  # type: ignore[attr-defined]
    return _secured(HttpResponse(_LANDING.format(name=escape(spa.name)), content_type="text/html"))


def to_app(page: str):
    """A view redirecting an emailed path to the app's page, query string kept."""

    @require_safe
    def redirect(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponseRedirect(f"/app/{page}" + (f"?{query}" if query else ""))
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        return response

    return redirect
