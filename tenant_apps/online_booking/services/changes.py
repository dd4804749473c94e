"""Cancelling or moving a booking with its manage link (links.py), within the
spa's cancellation window. A move is planned once, by the slot search that
decides whether the booking page offers the start, and written as planned
(`appointment_reschedule(planned=...)`). Audited by the calendar's services,
as actor role "online".
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.services import Actor
from tenant_apps.catalog.models import Service
from tenant_apps.locations.models import Location
from tenant_apps.online_booking import emails
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.online_booking.selectors import offered_slots_at, online_profile
from tenant_apps.online_booking.services.booking import (
    NOT_FREE,
    NOT_FREE_CODES,
    clean_start,
    refusal_codes,
    within_policy,
)
from tenant_apps.online_booking.services.links import (
    NOT_CHANGEABLE,
    check_changeable,
    issue_token,
    manage_token_get,
    spend_tokens,
)
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services.changes import (
    PlannedMove,
    appointment_reschedule,
    appointment_set_status,
)
from tenants.models import Spa

REASON_MAX = 150


def online_cancel(
    *, actor: Actor, spa: Spa, token: str, reason: str = "", now: dt.datetime | None = None
) -> Appointment:
    """Cancel the booking a link manages, until the cancellation window. Spends
    the link and emails a note of the cancellation to where the link went."""
    now = now or timezone.now()
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        raise field_error(
            BookingErrorCode.TOO_LONG, f"Keep this under {REASON_MAX} characters.", "reason"
        )
    profile = online_profile(require_enabled=False)
    with transaction.atomic():
        link = manage_token_get(secret=token, now=now, lock=True)
        appointment = Appointment.objects.get(pk=link.appointment_id)
        check_changeable(appointment, profile=profile, now=now)
        spend_tokens(appointment.pk, now=now)
        appointment = appointment_set_status(
            actor=actor,
            appointment_id=appointment.pk,
            status=AppointmentStatus.CANCELLED,
            reason=f"Cancelled online: {text}" if text else "Cancelled online by the client.",
            now=now,
        )
        emails.send_cancellation(spa=spa, profile=profile, to=link.email, appointment=appointment)
    return appointment


def online_reschedule(
    *,
    actor: Actor,
    spa: Spa,
    token: str,
    starts_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move the booking a link manages to another start the booking page offers
    with the same provider and services, until the cancellation window. Spends
    the link and emails a new one to where it went."""
    now = now or timezone.now()
    profile = online_profile()
    with transaction.atomic():
        link = manage_token_get(secret=token, now=now, lock=True)
        appointment = Appointment.objects.get(pk=link.appointment_id)
        check_changeable(appointment, profile=profile, now=now)
        try:
            start = clean_start(starts_at)
        except ValidationError as exc:
            raise ValidationError({"starts_at": exc}) from None
        within_policy(start, profile=profile, now=now)
        # The services booked, in order; they stay bookable by this patient even
        # if the menu changed since.
        service_ids = list(
            appointment.lines.order_by("position").values_list("service_id", flat=True)
        )
        by_id = Service.objects.prefetch_related("required_resource_types").in_bulk(service_ids)
        location = Location.objects.prefetch_related("hours").get(pk=appointment.location_id)
        if not location.is_active:  # closed since: nothing is offered there
            raise field_error(BookingErrorCode.SLOT_TAKEN, NOT_FREE, "starts_at")
        services = [by_id[pk] for pk in service_ids]
        # Planned once: the slot with the same provider, its own time left out.
        offered = offered_slots_at(
            location=location,
            services=services,
            starts_at=start,
            now=now,
            provider_ids=[appointment.provider_id],
            exclude_appointment_id=appointment.pk,
        )
        if not offered:
            raise field_error(BookingErrorCode.SLOT_TAKEN, NOT_FREE, "starts_at")
        spend_tokens(appointment.pk, now=now)
        try:
            appointment = appointment_reschedule(
                actor=actor,
                appointment_id=appointment.pk,
                starts_at=start,
                now=now,
                planned=PlannedMove(slot=offered[0][0], services=services),
            )
        except ValidationError as exc:
            codes = refusal_codes(exc)
            if codes <= NOT_FREE_CODES:
                raise field_error(BookingErrorCode.SLOT_TAKEN, NOT_FREE, "starts_at") from exc
            if "NOT_RESCHEDULABLE" in codes:  # changed by the spa meanwhile
                raise field_error(BookingErrorCode.NOT_CHANGEABLE, NOT_CHANGEABLE, "token") from exc
            raise
        secret = issue_token(appointment, email=link.email)
        emails.send_booking_link(
            spa=spa,
            profile=profile,
            to=link.email,
            appointment=appointment,
            secret=secret,
            moved=True,
        )
    return appointment
