"""Signing in to the console: password, then a TOTP code; and signing out.

A password alone gives a session that every console page refuses (see
access.py) except the code page. Failed passwords count towards django-axes'
lockout like the API's sign-ins; failed codes slow the device down
(django-otp's throttling). Every attempt is in the platform audit log.
"""

from __future__ import annotations

import time

import django_otp
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from shared_apps.accounts.models import normalize_email
from shared_apps.console.access import is_platform_staff, public_console_view
from shared_apps.console.audit import console_audit
from shared_apps.console.context import page
from shared_apps.console.middleware import CONSOLE_PREFIX, LAST_SEEN, SIGNED_IN_AT
from shared_apps.console.models import ConsoleAction


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a console address given as `next`, or home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if (
        wanted.startswith(CONSOLE_PREFIX)
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None)
        and not wanted.startswith(("//", "/console/login", "/console/verify"))
    ):
        return wanted
    return reverse("console:spas")


@public_console_view(methods=("GET", "HEAD", "POST"))
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: email and password of a platform staff account."""
    error = ""
    email = ""
    if request.method == "POST":
        email = normalize_email(request.POST.get("email", ""))
        password = request.POST.get("password", "")
        user = (
            authenticate(request=request, email=email, password=password)
            if email and password
            else None
        )
        if getattr(request, "axes_locked_out", False):
            error = "Too many failed sign-ins. Try again in 15 minutes."
        elif user is None or not is_platform_staff(user):
            error = "The email or password is not right, or this account is not platform staff."
        if error:
            console_audit(request=request, action=ConsoleAction.SIGN_IN_FAILED, actor_email=email)
        else:
            login(request, user)  # a new session key: nothing carried over from before
            now = time.time()
            request.session[SIGNED_IN_AT] = now
            request.session[LAST_SEEN] = now
            console_audit(request=request, action=ConsoleAction.SIGN_IN)
            verify = reverse("console:verify")
            return HttpResponseRedirect(f"{verify}?next={_next_url(request)}")
    return page(
        request,
        "console/sign_in.html",
        {"error": error, "email": email, "next": _next_url(request)},
        status=400 if error else 200,
    )


@public_console_view(methods=("GET", "HEAD", "POST"))
def verify(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the staff member's authenticator app."""
    user = request.user
    if not user.is_authenticated or not is_platform_staff(user):
        return HttpResponseRedirect(reverse("console:login"))
    if user.is_verified():  # type: ignore[union-attr,attr-defined]
        return HttpResponseRedirect(_next_url(request))
    enrolled = any(django_otp.devices_for_user(user, confirmed=True))
    error = ""
    if request.method == "POST" and enrolled:
        code = "".join(request.POST.get("code", "").split())
        device = django_otp.match_token(user, code) if code.isdigit() else None
        if device is None:
            error = "That code is not right, or was already used. Wait for the next one."
            console_audit(request=request, action=ConsoleAction.VERIFY_FAILED)
        else:
            django_otp.login(request, device)
            console_audit(request=request, action=ConsoleAction.VERIFY)
            return HttpResponseRedirect(_next_url(request))
    return page(
        request,
        "console/verify.html",
        {"error": error, "enrolled": enrolled, "next": _next_url(request)},
        status=400 if error else 200,
    )


@public_console_view(methods=("POST",))
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the session (a POST with the CSRF token: no link signs anyone out)."""
    if request.user.is_authenticated:
        console_audit(request=request, action=ConsoleAction.SIGN_OUT)
    logout(request)
    return HttpResponseRedirect(reverse("console:login"))
