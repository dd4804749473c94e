"""Sessions for the console, and for nothing else.

The spa API authenticates with bearer tokens and has no cookies
(docs/ARCHITECTURE.md section 4). The console, on the root domain under /console/, signs people in
with Django sessions and a TOTP second factor. So the session, authentication,
OTP and messages middleware run as one chain for console requests only: every
other request passes straight through, never reads a session and never gets a
cookie.

The chain ends with `_IdleTimeout`: a session unused for CONSOLE_IDLE_TIMEOUT
seconds, or older than CONSOLE_SESSION_MAX_AGE, is ended (and the sign-out
audited) before the view runs. The database holds the same limit: the session
is saved on every request with an expiry of the idle timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django_otp.middleware import OTPMiddleware

from shared_apps.console.audit import console_audit
from shared_apps.console.models import ConsoleAction

CONSOLE_PREFIX = "/console/"
# Session keys: when the session was last used, and when it was signed in.
LAST_SEEN = "console_last_seen"
SIGNED_IN_AT = "console_signed_in_at"

Handler = Callable[[HttpRequest], HttpResponse]


def is_console_request(request: HttpRequest) -> bool:
    """On the root domain (routing found no spa) and under /console/."""
    return getattr(request, "spa", False) is None and request.path_info.startswith(CONSOLE_PREFIX)


class _IdleTimeout:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session  # type: ignore[attr-defined]
        now = time.time()
        if request.user.is_authenticated:
            last_seen = session.get(LAST_SEEN, now)
            signed_in_at = session.get(SIGNED_IN_AT, now)
            idle = now - last_seen > settings.CONSOLE_IDLE_TIMEOUT
            too_old = now - signed_in_at > settings.CONSOLE_SESSION_MAX_AGE
            if idle or too_old:
                console_audit(
                    request=request,
                    action=ConsoleAction.IDLE_SIGN_OUT,
                    detail={"idle_seconds": int(now - last_seen), "expired": too_old},
                )
                logout(request)
                minutes = settings.CONSOLE_IDLE_TIMEOUT // 60
                messages.info(
                    request, f"You were signed out after {minutes} minutes without activity."
                )
            else:
                session[LAST_SEEN] = now
        return self.get_response(request)


class ConsoleMiddleware:
    """Runs sessions, sign-in, OTP, messages and the idle timeout for console
    requests; passes every other request on untouched."""

    CHAIN = (SessionMiddleware, AuthenticationMiddleware, OTPMiddleware, MessageMiddleware)

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        handler: Handler = _IdleTimeout(get_response)
        for middleware in reversed(self.CHAIN):
            handler = middleware(handler)
        self.console = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_console_request(request):
            return self.console(request)
        return self.get_response(request)
