"""Platform staff accounts and their authenticators (used by `console_staff`).

Enrolment is deliberately not a console page: a password alone must never be
enough to attach a new authenticator to an account. An operator with shell
access to the platform (or another admin, through that operator) runs
`manage.py console_staff enroll <email>` and hands the QR code over.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared_apps.accounts.models import User, normalize_email

DEVICE_NAME = "console"


@dataclass(frozen=True)
class Enrolment:
    user: User
    device: TOTPDevice

    @property
    def otpauth_url(self) -> str:
        """What an authenticator app scans (holds the secret: show it once)."""
        return str(self.device.config_url)


def staff_grant(*, email: str, name: str = "", password: str | None = None) -> User:
    """Make the account `email` platform staff (creating it if needed). A new
    account without `password` gets an unusable one (set it before signing in)."""
    email = normalize_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, name=name)
        elif password is not None:
            user.set_password(password)
        user.is_platform_staff = True
        user.is_active = True
        if name:
            user.name = name
        user.save()
    return user


def staff_revoke(*, email: str) -> User | None:
    """Take the console away from `email`: no longer staff, authenticators removed.
    Their open console sessions fail the staff check on their next request."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=normalize_email(email)).first()
        if user is None:
            return None
        user.is_platform_staff = False
        user.save(update_fields=["is_platform_staff"])
        TOTPDevice.objects.filter(user=user).delete()
    return user


def staff_enroll(*, user: User, key: str | None = None) -> Enrolment:
    """Give `user` a new TOTP authenticator, replacing any they had (a lost phone).
    `key` (hex) only for demo data with a published secret."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=True)
        if key is not None:
            device.key = key
        device.save()
    return Enrolment(user=user, device=device)
