"""The waitlist: patients waiting for a service (a provider or anyone) in time
windows; a freed slot offered to them, one at a time (the first in line holds
it for N minutes, then the next) or to everyone who fits at once (the spa
chooses: `MessagingSettings`); claiming books through scheduling's booking
service, so every rule of a booking holds.

An offer goes only to a patient who still qualifies when it is made: still
waiting, not archived, the slot in their dates and windows, and the booking
service's own planning accepting it for them (provider's hours and
credentials, rooms and devices). The next offer re-checks all of it, and so
does the offer's message when it goes: one that no longer fits then expires
and the slot goes to the next in line (tenant_apps/messaging/waitlist_fit.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import field_error
from shared_apps.accounts.emails import spa_base_url
from shared_apps.jobs.spa import defer_in_spa, spa_task
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location
from tenant_apps.messaging.errors import MessagingErrorCode
from tenant_apps.messaging.models import (
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    MessagingSettings,
    OfferStatus,
    WaitlistEntry,
    WaitlistMode,
    WaitlistOffer,
    WaitlistSource,
    WaitlistStatus,
)
from tenant_apps.messaging.sending import message_queue
from tenant_apps.messaging.waitlist_fit import qualifies
from tenant_apps.scheduling.models import HOLDING_STATUSES, Appointment, AppointmentSource
from tenant_apps.scheduling.services.booking import appointment_book
from tenant_apps.staff.models import StaffProfile
from tenants.db import connection

MAX_WINDOWS = 14
MAX_DAYS_AHEAD = 365


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_windows(windows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(windows) > MAX_WINDOWS:
        raise field_error(MessagingErrorCode.WINDOW_INVALID, "At most 14 windows.", "windows")
    cleaned = []
    for window in windows:
        try:
            weekdays = sorted({int(day) for day in window.get("weekdays") or range(7)})
            start = dt.time.fromisoformat(str(window["from"]))
            end = dt.time.fromisoformat(str(window["to"]))
        except (KeyError, TypeError, ValueError):
            raise field_error(
                MessagingErrorCode.WINDOW_INVALID,
                "Each window has weekdays (0 is Monday) and from/to times (HH:MM).",
                "windows",
            ) from None
        if not all(0 <= day <= 6 for day in weekdays) or end <= start:
            raise field_error(
                MessagingErrorCode.WINDOW_INVALID,
                "Weekdays run 0 (Monday) to 6; a window ends after it starts.",
                "windows",
            )
        cleaned.append({"weekdays": weekdays, "from": f"{start:%H:%M}", "to": f"{end:%H:%M}"})
    return cleaned


def waitlist_add(
    *,
    actor: Actor,
    client_id: int | None,
    service_id: int | None,
    location_id: int | None,
    provider_id: int | None,
    earliest: dt.date,
    latest: dt.date,
    windows: Sequence[dict[str, Any]],
    source: str = WaitlistSource.DESK,
    today: dt.date | None = None,
) -> WaitlistEntry:
    """Put a patient on the waitlist (audited: part of their record)."""
    client = Client.objects.filter(pk=client_id).first() if client_id is not None else None
    if client is None:
        raise field_error(MessagingErrorCode.NOT_FOUND, "No such client.", "client_id")
    if client.archived_at is not None:
        raise field_error(
            MessagingErrorCode.CLIENT_ARCHIVED, "This client is archived.", "client_id"
        )
    service = (
        Service.objects.filter(pk=service_id, is_active=True).first()
        if service_id is not None
        else None
    )
    if service is None:
        raise field_error(MessagingErrorCode.NOT_FOUND, "No such service.", "service_id")
    location = (
        Location.objects.filter(pk=location_id, is_active=True).first()
        if location_id is not None
        else None
    )
    if location is None:
        raise field_error(MessagingErrorCode.NOT_FOUND, "No such location.", "location_id")
    provider = None
    if provider_id is not None:
        provider = StaffProfile.objects.filter(pk=provider_id).first()
        if provider is None:
            raise field_error(MessagingErrorCode.NOT_FOUND, "No such provider.", "provider_id")
    # "Today" is the location's: the dates and windows are its wall times, and a
    # patient in New York at 9 pm is still on today's date while UTC is on tomorrow's.
    today = today or timezone.localdate(timezone=ZoneInfo(location.timezone))
    if latest < earliest or earliest < today or latest > today + dt.timedelta(MAX_DAYS_AHEAD):
        raise field_error(
            MessagingErrorCode.OUT_OF_RANGE,
            "Dates run from today, the last on or after the first, within a year.",
            "latest",
        )
    cleaned = _clean_windows(windows)
    audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client.pk])
    return WaitlistEntry.objects.create(
        client=client,
        service=service,
        location=location,
        provider=provider,
        earliest=earliest,
        latest=latest,
        windows=cleaned,
        source=source,
        created_by_user_id=actor.user_id,
    )


@transaction.atomic
def waitlist_cancel(*, actor: Actor, entry_id: int | None) -> WaitlistEntry:
    entry = (
        WaitlistEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry_id is not None
        else None
    )
    if entry is None or entry.status != WaitlistStatus.WAITING:
        raise field_error(MessagingErrorCode.NOT_FOUND, "No such waiting entry.", "id")
    audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[entry.client_id])
    entry.status = WaitlistStatus.CANCELLED
    entry.save(update_fields=["status"])
    entry.offers.filter(status=OfferStatus.OPEN).update(status=OfferStatus.WITHDRAWN)
    return entry


def _offer(
    entry: WaitlistEntry,
    *,
    provider: StaffProfile,
    starts_at: dt.datetime,
    now: dt.datetime,
    hold: int,
) -> WaitlistOffer:
    secret = secrets.token_urlsafe(16)
    offer = WaitlistOffer.objects.create(
        entry=entry,
        provider=provider,
        starts_at=starts_at,
        offered_at=now,
        expires_at=now + dt.timedelta(minutes=hold),
        token_hash=_digest(secret),
    )
    client = entry.client
    local = starts_at.astimezone(ZoneInfo(entry.location.timezone))
    extra = {
        "date": f"{local:%a %b} {local.day}",
        "time": local.strftime("%I:%M %p").lstrip("0"),
        "location": entry.location.name[:20],
        "hold_minutes": str(hold),
        "link": f"{spa_base_url(connection.tenant)}/booking/waitlist#{secret}",
    }
    channel = Channel.SMS if client.phone else Channel.EMAIL
    message_queue(
        key=f"offer:{offer.pk}",
        client=client,
        channel=channel,
        kind=MessageKind.WAITLIST_OFFER,
        extra=extra,
    )
    defer_in_spa(waitlist_offer_expire, run_at=offer.expires_at, offer_id=offer.pk)
    return offer


def slot_freed(
    *, provider_id: int, location_id: int, starts_at: dt.datetime, now: dt.datetime
) -> list[WaitlistOffer]:
    """Offer a freed slot to the waitlist (one at a time, or all at once)."""
    settings = MessagingSettings.objects.get(pk=MessagingSettings.SINGLETON_ID)
    provider = StaffProfile.objects.filter(pk=provider_id).first()
    if provider is None or starts_at <= now:
        return []
    already = WaitlistOffer.objects.filter(starts_at=starts_at, provider=provider)
    # An open offer holds the slot; so does a claimed one while its booking
    # still holds the time (a claim later cancelled frees the slot again).
    holding = Q(status=OfferStatus.OPEN) | Q(
        status=OfferStatus.CLAIMED,
        appointment__status__in=HOLDING_STATUSES,
        appointment__starts_at=starts_at,
        appointment__provider_id=provider_id,
    )
    if already.filter(holding).exists():
        return []
    entries = (
        WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING, location_id=location_id)
        .filter(Q(provider_id=provider_id) | Q(provider__isnull=True))
        .exclude(pk__in=already.values("entry_id"))
        .select_related("client", "service", "location")
        .order_by("created_at", "id")
    )
    offers = []
    for entry in entries:
        if not qualifies(entry, provider=provider, starts_at=starts_at, now=now):
            continue
        offers.append(
            _offer(
                entry,
                provider=provider,
                starts_at=starts_at,
                now=now,
                hold=settings.waitlist_hold_minutes,
            )
        )
        if settings.waitlist_mode == WaitlistMode.ONE_AT_A_TIME:
            break
    return offers


@spa_task(name="messaging.waitlist_offer_expire")
def waitlist_offer_expire(*, offer_id: int) -> None:
    """An offer's hold ran out: expire it and offer the slot to the next in line.
    An offer whose message quiet hours held back gets its hold from when it goes."""
    now = timezone.now()
    offer = WaitlistOffer.objects.select_for_update().filter(pk=offer_id).first()
    if offer is None or offer.status != OfferStatus.OPEN:
        return
    message = Message.objects.filter(dedupe_key=f"offer:{offer.pk}").first()
    if message is not None and message.status == MessageStatus.QUEUED and message.due_at > now:
        hold = offer.expires_at - offer.offered_at
        offer.expires_at = message.due_at + hold
        offer.save(update_fields=["expires_at"])
        defer_in_spa(waitlist_offer_expire, run_at=offer.expires_at, offer_id=offer.pk)
        return
    if offer.expires_at > now:
        defer_in_spa(waitlist_offer_expire, run_at=offer.expires_at, offer_id=offer.pk)
        return
    offer.status = OfferStatus.EXPIRED
    offer.save(update_fields=["status"])
    entry = offer.entry
    slot_freed(
        provider_id=offer.provider_id,
        location_id=entry.location_id,
        starts_at=offer.starts_at,
        now=now,
    )


def waitlist_offer_by_secret(secret: str) -> WaitlistOffer | None:
    """The offer a claim link's secret names (with its entry, service, provider
    and location), or None."""
    return (
        WaitlistOffer.objects.select_related("entry__service", "entry__location", "provider")
        .filter(token_hash=_digest(secret))
        .first()
    )


@transaction.atomic
def waitlist_claim(
    *,
    actor: Actor,
    offer_id: int | None = None,
    secret: str | None = None,
    online: bool = False,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book the offered slot for the patient it was offered to, through the
    booking service (every rule holds; SLOT_TAKEN if someone was first)."""
    now = now or timezone.now()
    if secret:
        found = WaitlistOffer.objects.filter(token_hash=_digest(secret))
    else:
        found = WaitlistOffer.objects.filter(pk=offer_id if offer_id is not None else 0)
    located = found.values_list("pk", "entry__client_id").first()
    if located is None:
        raise field_error(MessagingErrorCode.NOT_FOUND, "No such offer.", "id")
    # The audit lock first, then the offer, then the calendar (the booking
    # service's order): simultaneous claims wait in turn instead of deadlocking.
    audit_record(actor=actor, action=AuditAction.BOOK, client_ids=[located[1]])
    offer = (
        WaitlistOffer.objects.select_for_update(of=("self",))
        .select_related("entry")
        .get(pk=located[0])
    )
    entry = offer.entry
    if (
        offer.status != OfferStatus.OPEN
        or offer.expires_at <= now
        or entry.status != WaitlistStatus.WAITING
    ):
        raise field_error(MessagingErrorCode.OFFER_GONE, "This offer has ended.", "id")
    try:
        with transaction.atomic():
            appointment = appointment_book(
                actor=actor,
                client_id=entry.client_id,
                provider_id=offer.provider_id,
                location_id=entry.location_id,
                service_ids=[entry.service_id],
                starts_at=offer.starts_at,
                source=AppointmentSource.ONLINE if online else AppointmentSource.STAFF,
                now=now,
            )
    except ValidationError:
        raise field_error(
            MessagingErrorCode.SLOT_TAKEN, "That time is no longer free.", "id"
        ) from None
    offer.status = OfferStatus.CLAIMED
    offer.appointment = appointment
    offer.save(update_fields=["status", "appointment"])
    entry.status = WaitlistStatus.BOOKED
    entry.appointment = appointment
    entry.save(update_fields=["status", "appointment"])
    WaitlistOffer.objects.filter(
        starts_at=offer.starts_at, provider_id=offer.provider_id, status=OfferStatus.OPEN
    ).exclude(pk=offer.pk).update(status=OfferStatus.TAKEN)
    return appointment
