"""`manage.py console_staff`: grant, enrol, list, revoke, and the demo-only code."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared_apps.accounts.models import User
from tests.shared_apps.console.conftest import totp_now


def run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    previous, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command("console_staff", *args, stdout=out)
    finally:
        sys.stdin = previous
    return out.getvalue()


def test_grant_enrol_list_and_revoke(db):
    run(
        "grant",
        "ops@platform.example",
        "--name",
        "Ops",
        "--password-stdin",
        stdin="s3cret-pass-1\n",
    )
    user = User.objects.get(email="ops@platform.example")
    assert user.is_platform_staff and user.check_password("s3cret-pass-1")
    assert "NO AUTHENTICATOR" in run("list")

    enrolled = run("enroll", "OPS@platform.example")

    assert "otpauth://totp/" in enrolled
    assert "\u2580" in enrolled or "\u2584" in enrolled or "\u2588" in enrolled  # the QR code
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert "enrolled" in run("list")

    run("enroll", "ops@platform.example")  # a lost phone: the old device goes
    assert TOTPDevice.objects.filter(user=user).count() == 1

    run("revoke", "ops@platform.example")
    user.refresh_from_db()
    assert not user.is_platform_staff
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_enrol_needs_a_staff_account(member_of, glow):
    member = member_of(glow, "owner")
    with pytest.raises(CommandError, match="grant it first"):
        run("enroll", member.user.email)


def test_codes_are_printed_only_in_development(staff_member):
    user = staff_member()
    with pytest.raises(CommandError, match="only in development"):
        run("code", user.email)
    with override_settings(DEBUG=True):
        assert run("code", user.email).strip() == totp_now(user.device)
