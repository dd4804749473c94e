"""Signing in to the console: password, TOTP, idle timeout, audit."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from shared_apps.console.middleware import LAST_SEEN
from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from tests.conftest import HostClient
from tests.factories import PASSWORD
from tests.shared_apps.console.conftest import sign_in, totp_now


def test_password_then_code_opens_the_console(staff_member):
    user = staff_member()
    client = HostClient(settings.ROOT_DOMAIN)

    response = client.post("/console/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/console/verify/")
    # A password alone opens nothing.
    assert client.get("/console/").status_code == 302
    assert client.get("/console/")["Location"].startswith("/console/verify/")

    response = client.post("/console/verify/", {"code": totp_now(user.device)})
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200

    actions = list(
        ConsoleAuditEntry.objects.filter(actor_id=user.pk).values_list("action", flat=True)
    )
    assert actions == [ConsoleAction.VERIFY, ConsoleAction.SIGN_IN]


def test_a_wrong_code_is_refused_and_audited(staff_member):
    user = staff_member()
    client = sign_in(HostClient(settings.ROOT_DOMAIN), user, verify=False)
    wrong = f"{(int(totp_now(user.device)) + 1) % 1_000_000:06d}"

    response = client.post("/console/verify/", {"code": wrong})

    assert response.status_code == 400
    assert b"not right" in response.content
    assert client.get("/console/").status_code == 302
    assert ConsoleAuditEntry.objects.filter(
        actor_id=user.pk, action=ConsoleAction.VERIFY_FAILED
    ).exists()


def test_a_used_code_is_not_accepted_twice(staff_member):
    user = staff_member()
    code = totp_now(user.device)
    first = sign_in(HostClient(settings.ROOT_DOMAIN), user, verify=False)
    assert first.post("/console/verify/", {"code": code}).status_code == 302

    second = sign_in(HostClient(settings.ROOT_DOMAIN), user, verify=False)
    assert second.post("/console/verify/", {"code": code}).status_code == 400


@pytest.mark.parametrize("password", [PASSWORD + "x", ""])
def test_a_wrong_password_is_refused_with_the_address_audited(staff_member, password):
    user = staff_member()
    client = HostClient(settings.ROOT_DOMAIN)

    response = client.post("/console/login/", {"email": user.email, "password": password})

    assert response.status_code == 400
    entry = ConsoleAuditEntry.objects.get(
        action=ConsoleAction.SIGN_IN_FAILED, actor_email=user.email
    )
    assert entry.actor_id is None
    assert entry.ip == "127.0.0.1"


def test_a_spa_member_who_is_not_staff_cannot_sign_in(member_of, glow):
    member = member_of(glow, "owner")
    client = HostClient(settings.ROOT_DOMAIN)

    response = client.post("/console/login/", {"email": member.user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/console/").status_code == 302


def test_staff_without_an_authenticator_cannot_get_past_the_code_page(staff_member):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff_member()
    TOTPDevice.objects.filter(user=user).delete()
    client = sign_in(HostClient(settings.ROOT_DOMAIN), user, verify=False)

    page = client.get("/console/verify/")
    assert b"No authenticator is enrolled" in page.content
    assert client.post("/console/verify/", {"code": "123456"}).status_code == 200
    assert client.get("/console/").status_code == 302


def test_an_idle_session_is_ended(console):
    session = console.session
    session[LAST_SEEN] = time.time() - settings.CONSOLE_IDLE_TIMEOUT - 1
    session.save()

    response = console.get("/console/")

    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")
    assert ConsoleAuditEntry.objects.filter(
        actor_id=console.user.pk, action=ConsoleAction.IDLE_SIGN_OUT
    ).exists()
    assert (
        b"signed out after 15 minutes without activity" in console.get(response["Location"]).content
    )


def test_the_session_expires_in_the_database_after_the_idle_timeout(console):
    from django.contrib.sessions.models import Session

    console.get("/console/")
    stored = Session.objects.get(session_key=console.session.session_key)
    remaining = (
        stored.expire_date - stored.expire_date.now(tz=stored.expire_date.tzinfo)
    ).total_seconds()
    assert settings.CONSOLE_IDLE_TIMEOUT - 60 < remaining <= settings.CONSOLE_IDLE_TIMEOUT


def test_sign_out_ends_the_session(console):
    assert console.post("/console/logout/").status_code == 302
    assert console.get("/console/").status_code == 302


def test_the_next_address_stays_inside_the_console(staff_member):
    user = staff_member()
    client = HostClient(settings.ROOT_DOMAIN)
    client.post("/console/login/", {"email": user.email, "password": PASSWORD})

    response = client.post(
        "/console/verify/", {"code": totp_now(user.device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/console/"
