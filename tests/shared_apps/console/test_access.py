"""Every console URL refuses everyone but platform staff who passed the second
factor, and every console form needs its CSRF token. The URLs are walked from
the URL conf, so a page added later is covered without touching this file."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from shared_apps.console.access import CONSOLE_VIEWS
from tests.conftest import HostClient
from tests.shared_apps.console.conftest import sign_in

# The sign-in steps and the assets are the only views open to strangers.
PUBLIC = {"login", "verify", "logout", "asset"}
SAMPLE_ARGUMENTS = {"slug": "glow", "name": "console.css"}


def _console_patterns() -> Iterator[tuple[str, URLPattern]]:
    resolver = get_resolver(settings.PUBLIC_SCHEMA_URLCONF)
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "console":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                yield f"/console/{pattern.pattern}", pattern


def _address(route: str) -> str:
    """A concrete address for a route: real slugs, small ids (whether the row
    exists does not matter: the refusal comes first)."""

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name in SAMPLE_ARGUMENTS:
            return SAMPLE_ARGUMENTS[name]
        return "1" if converter == "int" else "x"

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _guarded() -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for route, pattern in _console_patterns():
        if pattern.name in PUBLIC:
            continue
        found.append((_address(route), pattern.callback.console_methods))  # type: ignore[attr-defined]
    return found


GUARDED = _guarded()


def test_every_console_view_is_declared_through_console_view():
    unguarded = [
        pattern.name
        for _route, pattern in _console_patterns()
        if pattern.name not in PUBLIC and pattern.callback not in CONSOLE_VIEWS
    ]
    assert unguarded == []
    assert len(GUARDED) >= 2  # the walk below walks something


def _assert_refused(client: HostClient, *, to: str | None) -> None:
    for address, _methods in GUARDED:
        for method in ("get", "post"):
            response = getattr(client, method)(address)
            if to is not None and method == "get":
                assert response.status_code == 302, (address, method, response.status_code)
                assert response["Location"].startswith(to), (address, response["Location"])
            else:
                assert response.status_code == 403, (address, method, response.status_code)


def test_anonymous_callers_are_sent_to_sign_in_and_their_posts_refused():
    _assert_refused(HostClient(settings.ROOT_DOMAIN), to="/console/login/")


def test_staff_who_gave_only_a_password_are_sent_to_the_code_page(staff_member):
    client = sign_in(HostClient(settings.ROOT_DOMAIN), staff_member(), verify=False)
    _assert_refused(client, to="/console/verify/")


def test_staff_without_an_authenticator_get_no_further(staff_member):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff_member()
    TOTPDevice.objects.filter(user=user).delete()
    client = sign_in(HostClient(settings.ROOT_DOMAIN), user, verify=False)
    _assert_refused(client, to="/console/verify/")


def test_signed_in_people_who_are_not_platform_staff_are_refused(member_of, glow):
    owner = member_of(glow, "owner").user
    client = HostClient(settings.ROOT_DOMAIN)
    client.force_login(owner)  # a session however obtained: staff rights are checked each time
    _assert_refused(client, to=None)


def test_staff_whose_rights_were_revoked_lose_the_console_at_once(console):
    from shared_apps.console.staff import staff_revoke

    assert console.get("/console/").status_code == 200
    staff_revoke(email=console.user.email)
    _assert_refused(console, to=None)


def test_the_console_is_not_served_on_a_spa_host(console, glow):
    response = HostClient(f"glow.{settings.ROOT_DOMAIN}").get("/console/")
    assert response.status_code == 404
    assert "console_session" not in response.cookies


def test_staff_reach_every_page(console):
    for address, methods in GUARDED:
        if "GET" in methods:
            response = console.get(address)
            assert response.status_code in (200, 404), (address, response.status_code)


@pytest.mark.parametrize("with_token", [False, True])
def test_every_form_needs_its_csrf_token(staff_member, with_token):
    signed_in = sign_in(HostClient(settings.ROOT_DOMAIN), staff_member())
    signed_in.get("/console/")  # a page with a form: the CSRF cookie is set
    client = HostClient(settings.ROOT_DOMAIN, enforce_csrf_checks=True)
    client.cookies = signed_in.cookies
    token = client.cookies[settings.CSRF_COOKIE_NAME].value if with_token else None
    # The sign-in steps' forms too (logout last: it ends the session).
    posts = ["/console/login/", "/console/verify/"]
    posts += [address for address, methods in GUARDED if "POST" in methods]
    posts.append("/console/logout/")
    for address in posts:
        data = {"csrfmiddlewaretoken": token} if token else {}
        response = client.post(address, data)
        if with_token:
            # The token gets the request past CSRF (the form may still be incomplete).
            assert response.status_code != 403, address
        else:
            assert response.status_code == 403, address
            assert b"CSRF" in response.content


def test_pages_carry_the_console_headers(console):
    response = console.get("/console/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    session_cookie = console.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["path"] == "/console/"
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Strict"
