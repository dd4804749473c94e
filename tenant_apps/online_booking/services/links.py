"""Manage links: a booking's link is a random token, emailed to the address
typed, stored as its SHA-256 only. A token works once (cancelling or moving
spends it; a move sends a new one), until the appointment's start, and changes
are taken only until the spa's cancellation window. An unknown, spent or
expired token is TOKEN_INVALID, one code for all three.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.profile.models import SpaProfile
from tenant_apps.scheduling.models import RESCHEDULABLE_STATUSES, Appointment, ManageToken
from tenant_apps.scheduling.services.manage_links import issue_token, token_digest

__all__ = ["issue_token"]  # issued in scheduling (messaging issues them too); spent here

_TOKEN_INVALID = "This link is invalid, has been used or has expired."  # noqa: S105
NOT_CHANGEABLE = "This appointment can no longer be changed online."


def manage_token_get(*, secret: str, now: dt.datetime, lock: bool = False) -> ManageToken:
    """The live token `secret` is (locked for spending when `lock`), or TOKEN_INVALID."""
    if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
        raise field_error(BookingErrorCode.TOKEN_INVALID, _TOKEN_INVALID, "token")
    tokens = ManageToken.objects.filter(
        token_hash=token_digest(secret), used_at__isnull=True, expires_at__gt=now
    )
    token = (tokens.select_for_update() if lock else tokens).first()
    if token is None:
        raise field_error(BookingErrorCode.TOKEN_INVALID, _TOKEN_INVALID, "token")
    return token


def spend_tokens(appointment_id: int, *, now: dt.datetime) -> None:
    """Every live link of the appointment stops working (the one used among them)."""
    ManageToken.objects.filter(appointment_id=appointment_id, used_at__isnull=True).update(
        used_at=now
    )


def check_changeable(appointment: Appointment, *, profile: SpaProfile, now: dt.datetime) -> None:
    if appointment.status not in RESCHEDULABLE_STATUSES:
        raise field_error(BookingErrorCode.NOT_CHANGEABLE, NOT_CHANGEABLE, "token")
    if now >= changeable_until(appointment, profile=profile):
        raise field_error(
            BookingErrorCode.OUTSIDE_CANCELLATION_WINDOW,
            f"Online changes close {profile.cancellation_window_hours} hours before the "
            "start. Contact the spa.",
            "token",
        )


def changeable_until(appointment: Appointment, *, profile: SpaProfile) -> dt.datetime:
    """Until when the patient may cancel or move the booking online."""
    return appointment.starts_at - dt.timedelta(hours=profile.cancellation_window_hours)


def manage_token_view(*, actor: Actor, secret: str, now: dt.datetime | None = None) -> Appointment:
    """The booking a live link manages (its opening is logged as a view of the
    client's record, by the link's holder)."""
    token = manage_token_get(secret=secret, now=now or timezone.now())
    appointment = Appointment.objects.select_related("location", "provider").get(
        pk=token.appointment_id
    )
    audit_record(actor=actor, action=AuditAction.VIEW, client_ids=[appointment.client_id])
    return appointment
