"""Who may use the console, declared once for every console view.

`console_view` wraps each view: platform staff who have passed the second
factor get through; everyone else is refused before the view runs:
- nobody signed in: a page is redirected to the sign-in page (POSTs get 403);
- signed in with a password but no verified TOTP code yet: to the code page;
- signed in but not platform staff (or deactivated): 403.
It also puts CSRF protection on every view (a cookie sent only to /console/),
forbids caching, and sets the console's security headers.

`CONSOLE_VIEWS` lists every wrapped view, so a test can walk all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

View = Callable[..., HttpResponse]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

CONSOLE_VIEWS: list[View] = []


def is_platform_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_platform_staff)


def secured(response: HttpResponse) -> HttpResponse:
    """The console's headers: its own scripts and styles only, never framed,
    never sending its addresses (which name spas) to other sites."""
    response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response["Referrer-Policy"] = "same-origin"
    response["X-Frame-Options"] = "DENY"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    return response


def _to(request: HttpRequest, url_name: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        raise PermissionDenied("Sign in to the console first.")
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(url_name)}?{query}")


def console_view(*, methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable[[View], View]:
    """For every console page and action (see the module's docstring)."""

    def decorate(view: View) -> View:
        allowed = require_http_methods(list(methods))(view)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Who first, then the method: a stranger learns nothing, not even
            # which addresses take a POST.
            user = request.user
            if not user.is_authenticated:
                return secured(_to(request, "console:login"))
            if not is_platform_staff(user):
                raise PermissionDenied("The console is for the platform team.")
            if not user.is_verified():  # type: ignore[union-attr,attr-defined]
                return secured(_to(request, "console:verify"))
            return secured(allowed(request, *args, **kwargs))

        guarded.console_methods = methods  # type: ignore[attr-defined]
        wrapped = never_cache(csrf_protect(guarded))
        CONSOLE_VIEWS.append(wrapped)
        return wrapped

    return decorate


def public_console_view(*, methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable[[View], View]:
    """For the sign-in steps themselves: CSRF, no caching, the same headers."""

    def decorate(view: View) -> View:
        @wraps(view)
        def headed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return secured(view(request, *args, **kwargs))

        return never_cache(csrf_protect(require_http_methods(list(methods))(headed)))

    return decorate
