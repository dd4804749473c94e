"""A patient's link to one appointment: a random token, stored as its SHA-256
only, that opens the booking pages' manage page (`/booking/manage#<token>`:
the token stays in the fragment, so no server log sees it). Issued with the
online booking's emails (tenant_apps/online_booking/services/links.py spends
and checks them) and with messaging's appointment emails, which carry this link
instead of any detail of the visit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from shared_apps.accounts.emails import spa_base_url
from tenant_apps.scheduling.models import Appointment, ManageToken
from tenants.models import Spa

# A booking's start may be minutes away (a spa with no minimum notice); the link
# still outlives its creation.
TOKEN_MIN_LIFETIME = dt.timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(appointment: Appointment, *, email: str) -> str:
    """A new link for `appointment`, valid until it starts; `email` is where a
    move made with it sends the next one. Returns the secret (shown once)."""
    secret = secrets.token_urlsafe(32)
    ManageToken.objects.create(
        appointment=appointment,
        token_hash=token_digest(secret),
        email=email,
        expires_at=max(appointment.starts_at, timezone.now() + TOKEN_MIN_LIFETIME),
    )
    return secret


def manage_url(spa: Spa, secret: str) -> str:
    """The manage page's address for a link's secret."""
    return f"{spa_base_url(spa)}/booking/manage#{secret}"
