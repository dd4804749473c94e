"""The waitlist from the booking page: a patient asks for a service (a provider
or anyone) in time windows, and claims an offer with the link it sent. The
person is found or made as a booking finds them (nothing tells which); the
waitlist itself is messaging's (tenant_apps/messaging/waitlist.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.messaging.models import (
    OfferStatus,
    WaitlistOffer,
    WaitlistSource,
    WaitlistStatus,
)
from tenant_apps.messaging.waitlist import waitlist_add, waitlist_claim, waitlist_offer_by_secret
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.online_booking.selectors import bookable_provider, online_profile
from tenant_apps.online_booking.services.booking import _client_for, _patient
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.selectors.availability import bookable_location, bookable_services


def online_waitlist_join(
    *,
    actor: Actor,
    location_id: int | None,
    service_id: int | None,
    provider_id: int | None,
    earliest: dt.date,
    latest: dt.date,
    windows: Sequence[dict[str, Any]],
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
) -> None:
    """Put the person described on the waitlist (the answer is the same whether
    or not the spa knew them)."""
    online_profile()
    location = bookable_location(location_id, online=True)
    (service,) = bookable_services([service_id], online=True)
    provider = bookable_provider(provider_id) if provider_id is not None else None
    patient = _patient(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        region=location.country,
    )
    client = _client_for(patient, actor=actor)
    if client.archived_at is not None:  # pragma: no cover (archived records are not matched)
        raise field_error(BookingErrorCode.NOT_FOUND, "Not available.")
    waitlist_add(
        actor=actor,
        client_id=client.pk,
        service_id=service.pk,
        location_id=location.pk,
        provider_id=provider.pk if provider is not None else None,
        earliest=earliest,
        latest=latest,
        windows=windows,
        source=WaitlistSource.ONLINE,
    )


def online_waitlist_claim(*, actor: Actor, secret: str) -> Appointment:
    """Book the slot an offer's link names, for the patient it was offered to."""
    if not secret or len(secret) > 100:
        raise field_error(BookingErrorCode.TOKEN_INVALID, "This link is not valid.", "token")
    online_profile()
    return waitlist_claim(actor=actor, secret=secret, online=True)


def online_waitlist_offer(
    *, actor: Actor, secret: str, now: dt.datetime | None = None
) -> WaitlistOffer:
    """The offer a claim link names, for its page to show before the patient
    claims it (reading it does not claim it; it is logged as a view of the
    client's record, by the link's holder). `offer.shown_status` is where it
    stands now: an open offer past its hold, or whose entry stopped waiting,
    shows as expired or withdrawn."""
    if not secret or len(secret) > 100:
        raise field_error(BookingErrorCode.TOKEN_INVALID, "This link is not valid.", "token")
    online_profile()
    offer = waitlist_offer_by_secret(secret)
    if offer is None:
        raise field_error(BookingErrorCode.NOT_FOUND, "No such offer.", "token")
    audit_record(actor=actor, action=AuditAction.VIEW, client_ids=[offer.entry.client_id])
    status = offer.status
    if status == OfferStatus.OPEN:
        if offer.expires_at <= (now or timezone.now()):
            status = OfferStatus.EXPIRED
        elif offer.entry.status != WaitlistStatus.WAITING:
            status = OfferStatus.WITHDRAWN
    offer.shown_status = status  # type: ignore[attr-defined]
    return offer
