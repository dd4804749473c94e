"""The emails accounts sends. Sent after commit, through Django's email backend."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from tenants.models import Spa


def spa_base_url(spa: Spa) -> str:
    """https://<primary domain>; in development (DEV_SERVER_PORT, the port the
    dev server listens on: config/settings/dev.py) or on *.localhost,
    http://<primary domain>:<that port>."""
    domain = next((d.domain for d in spa.domains.all() if d.is_primary), None) or ""
    port = getattr(settings, "DEV_SERVER_PORT", None)
    if port or domain.endswith(".localhost"):
        return f"http://{domain}:{port or 8000}"
    return f"https://{domain}"


def _send_on_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    )


def send_invitation(*, spa: Spa, to: str, role_label: str, secret: str, inviter_name: str) -> None:
    who = inviter_name or "The team"
    _send_on_commit(
        to=to,
        subject=f"You're invited to join {spa.name}",
        body=(
            f"{who} invited you to join {spa.name} as {role_label}.\n\n"
            f"Accept the invitation: {spa_base_url(spa)}/accept-invitation?token={secret}\n\n"
            f"The invitation expires in {settings.INVITATION_TTL // 86400} days and works once."
        ),
    )


def send_password_reset(*, spa: Spa, to: str, uid: str, token: str, welcome: bool) -> None:
    link = f"{spa_base_url(spa)}/reset-password?uid={uid}&token={token}"
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if welcome:
        subject = f"Welcome to {spa.name}: set your password"
        intro = f"Your spa {spa.name} is ready. Choose a password to sign in:"
    else:
        subject = f"Reset your password for {spa.name}"
        intro = "Someone asked to reset your password. If it was you, choose a new one:"
    _send_on_commit(
        to=to,
        subject=subject,
        body=f"{intro}\n\n{link}\n\nThe link works once and expires in {hours} hour(s).",
    )
