"""The waitlist: a freed slot offered one at a time (then the next when the hold
runs out) or to all at once; only to patients who still qualify; claimed
through the booking service; ten patients claiming one slot make one booking."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import sms
from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.services import Actor
from tenant_apps.messaging.models import (
    Message,
    MessageKind,
    MessageStatus,
    MessagingSettings,
    OfferStatus,
    WaitlistEntry,
    WaitlistMode,
    WaitlistOffer,
    WaitlistStatus,
)
from tenant_apps.messaging.sending import message_send
from tenant_apps.messaging.waitlist import (
    slot_freed,
    waitlist_add,
    waitlist_claim,
    waitlist_offer_expire,
)
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services.booking import appointment_book
from tenant_apps.scheduling.services.changes import appointment_reschedule, appointment_set_status
from tenants.db import connection
from tenants.models import Spa
from tests.concurrency import at_once
from tests.jobs import run_jobs
from tests.tenant_apps.messaging.clock import noon_zone
from tests.tenant_apps.scheduling.factories import a_desk

DESK = Actor(user_id=1, role="front_desk")


def slot(desk, hour: int = 10) -> dt.datetime:
    day = dt.date.today() + dt.timedelta(days=3)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(desk.location.timezone))


def wait(desk, client, *, windows=None, provider=None) -> WaitlistEntry:
    return WaitlistEntry.objects.create(
        client=client,
        service=desk.service,
        location=desk.location,
        provider=provider,
        earliest=dt.date.today(),
        latest=dt.date.today() + dt.timedelta(days=14),
        windows=windows or [],
        source="desk",
    )


def spa_at_noon() -> None:
    """A waitlist offer has no appointment of its own, so its quiet hours follow
    the spa's zone: put the spa where it is about noon, as the desk is."""
    zone = noon_zone()
    Spa.objects.filter(pk=connection.tenant.pk).update(timezone=zone)
    connection.tenant.timezone = zone


def cancel_a_booking(desk, client_index: int = 0) -> Appointment:
    booked = appointment_book(
        actor=DESK,
        client_id=desk.clients[client_index].pk,
        provider_id=desk.providers[0].pk,
        location_id=desk.location.pk,
        service_ids=[desk.service.pk],
        starts_at=slot(desk),
    )
    run_jobs()
    appointment_set_status(
        actor=DESK, appointment_id=booked.pk, status=AppointmentStatus.CANCELLED, reason="ill"
    )
    run_jobs()
    return booked


@pytest.mark.spa("glow")
def test_a_freed_slot_goes_to_the_first_in_line_then_the_next_when_the_hold_ends():
    desk = a_desk(clients=4, providers=1, timezone=noon_zone())
    spa_at_noon()
    first, second, third = (wait(desk, c) for c in desk.clients[1:4])

    cancel_a_booking(desk)

    offers = list(WaitlistOffer.objects.all())
    assert [(o.entry_id, o.status) for o in offers] == [(first.pk, OfferStatus.OPEN)]
    offer_text = Message.objects.get(kind=MessageKind.WAITLIST_OFFER)
    assert offer_text.client_id == first.client_id
    assert offer_text.status == MessageStatus.SENT
    assert sms.outbox[-1]["to"] == first.client.phone
    assert "held 30 min" in sms.outbox[-1]["body"]

    # The hold runs out: the next in line gets it; a patient archived meanwhile does not.
    second.client.archived_at = timezone.now()
    second.client.save()
    WaitlistOffer.objects.filter(pk=offers[0].pk).update(
        offered_at=timezone.now() - dt.timedelta(hours=1),
        expires_at=timezone.now() - dt.timedelta(minutes=30),
    )
    waitlist_offer_expire(spa_schema=connection.schema_name, offer_id=offers[0].pk)
    run_jobs()

    statuses = {o.entry_id: o.status for o in WaitlistOffer.objects.all()}
    assert statuses == {first.pk: OfferStatus.EXPIRED, third.pk: OfferStatus.OPEN}
    assert sms.outbox[-1]["to"] == third.client.phone


@pytest.mark.spa("glow")
def test_an_offer_that_no_longer_fits_when_its_message_goes_ends_and_the_next_gets_it():
    desk = a_desk(clients=3, providers=1, timezone=noon_zone())
    spa_at_noon()
    first, second = (wait(desk, c) for c in desk.clients[1:3])
    cancel_a_booking(desk)
    offer = WaitlistOffer.objects.get()
    assert offer.entry_id == first.pk
    # The slot's text was held back (by quiet hours, say); meanwhile the first
    # in line changed their windows, so the slot no longer fits them.
    offer_text = Message.objects.get(kind=MessageKind.WAITLIST_OFFER)
    Message.objects.filter(pk=offer_text.pk).update(status=MessageStatus.QUEUED, sent_at=None)
    first.windows = [{"weekdays": list(range(7)), "from": "13:00", "to": "17:00"}]
    first.save(update_fields=["windows"])
    sent_before = len(sms.outbox)

    assert (
        message_send(spa_schema=connection.schema_name, message_id=offer_text.pk) == "offer_unfit"
    )
    run_jobs()

    statuses = {o.entry_id: o.status for o in WaitlistOffer.objects.all()}
    assert statuses == {first.pk: OfferStatus.EXPIRED, second.pk: OfferStatus.OPEN}
    assert [text["to"] for text in sms.outbox[sent_before:]] == [second.client.phone]


@pytest.mark.spa("glow")
def test_an_offer_is_claimed_through_the_booking_service():
    desk = a_desk(clients=2, providers=1)
    entry = wait(desk, desk.clients[1])
    cancel_a_booking(desk)
    offer = WaitlistOffer.objects.get()

    appointment = waitlist_claim(actor=DESK, offer_id=offer.pk)

    offer.refresh_from_db()
    entry.refresh_from_db()
    assert appointment.client_id == entry.client_id
    assert appointment.starts_at == slot(desk)
    assert (offer.status, entry.status) == (OfferStatus.CLAIMED, WaitlistStatus.BOOKED)
    with pytest.raises(ValidationError) as again:
        waitlist_claim(actor=DESK, offer_id=offer.pk)
    assert again.value.error_dict["id"][0].code == "OFFER_GONE"


@pytest.mark.spa("glow")
def test_a_claimed_slot_cancelled_again_goes_back_to_the_waitlist():
    desk = a_desk(clients=3, providers=1)
    wait(desk, desk.clients[1])
    later = wait(desk, desk.clients[2])
    cancel_a_booking(desk)
    claimed = waitlist_claim(actor=DESK, offer_id=WaitlistOffer.objects.get().pk)
    run_jobs()

    # the patient who claimed it cancels: the slot is free again
    appointment_set_status(
        actor=DESK, appointment_id=claimed.pk, status=AppointmentStatus.CANCELLED, reason="ill"
    )
    run_jobs()

    # and the next in line is offered it
    assert WaitlistOffer.objects.filter(entry=later, status=OfferStatus.OPEN).exists()


@pytest.mark.spa("glow")
def test_two_moves_before_the_jobs_run_each_free_their_own_slot():
    desk = a_desk(clients=2, providers=1)
    settings = MessagingSettings.objects.get()
    settings.waitlist_mode = WaitlistMode.ALL_AT_ONCE
    settings.save()
    wait(desk, desk.clients[1])
    booked = appointment_book(
        actor=DESK,
        client_id=desk.clients[0].pk,
        provider_id=desk.providers[0].pk,
        location_id=desk.location.pk,
        service_ids=[desk.service.pk],
        starts_at=slot(desk, 10),
    )
    run_jobs()

    # 10:00 -> 11:00 -> 14:00, then the worker catches up
    appointment_reschedule(actor=DESK, appointment_id=booked.pk, starts_at=slot(desk, 11))
    appointment_reschedule(actor=DESK, appointment_id=booked.pk, starts_at=slot(desk, 14))
    run_jobs()

    offered = set(WaitlistOffer.objects.values_list("starts_at", flat=True))
    assert {slot(desk, 10), slot(desk, 11)} <= offered


@pytest.mark.spa("glow")
def test_no_offer_to_a_patient_whose_windows_or_provider_do_not_fit():
    desk = a_desk(clients=4, providers=2)
    wait(
        desk,
        desk.clients[1],
        windows=[{"weekdays": list(range(7)), "from": "13:00", "to": "17:00"}],
    )
    wait(desk, desk.clients[2], provider=desk.providers[1])
    fits = wait(
        desk,
        desk.clients[3],
        windows=[{"weekdays": list(range(7)), "from": "09:00", "to": "11:00"}],
    )
    settings = MessagingSettings.objects.get()
    settings.waitlist_mode = WaitlistMode.ALL_AT_ONCE
    settings.save()

    cancel_a_booking(desk)

    assert [o.entry_id for o in WaitlistOffer.objects.all()] == [fits.pk]


@pytest.mark.spa("glow")
def test_all_at_once_offers_the_slot_to_everyone_who_fits():
    desk = a_desk(clients=4, providers=1)
    entries = [wait(desk, c) for c in desk.clients[1:]]
    MessagingSettings.objects.update(waitlist_mode=WaitlistMode.ALL_AT_ONCE)

    cancel_a_booking(desk)

    assert sorted(o.entry_id for o in WaitlistOffer.objects.all()) == [e.pk for e in entries]


RACERS = 10


@pytest.mark.usefixtures("committing")
def test_ten_patients_claiming_one_slot_make_one_booking():
    spa = spa_provision(
        slug="waitlist-race",
        name="Waitlist Race",
        timezone_name="UTC",
        owner_email="o@waitlist-race.example",
    )
    connection.set_tenant(spa)
    desk = a_desk(clients=RACERS, providers=1, timezone="UTC")
    MessagingSettings.objects.update(waitlist_mode=WaitlistMode.ALL_AT_ONCE)
    for client in desk.clients:
        wait(desk, client)
    offers = slot_freed(
        provider_id=desk.providers[0].pk,
        location_id=desk.location.pk,
        starts_at=slot(desk),
        now=timezone.now(),
    )
    assert len(offers) == RACERS
    connection.set_schema_to_public()

    def claim(n: int) -> str:
        try:
            waitlist_claim(actor=DESK, offer_id=offers[n].pk)
            return "booked"
        except ValidationError as exc:
            return next(iter(exc.error_dict.values()))[0].code or ""

    outcomes, failures = at_once(spa, RACERS, claim)

    assert failures == []
    assert outcomes.count("booked") == 1
    assert set(outcomes) - {"booked"} <= {"SLOT_TAKEN", "OFFER_GONE"}
    connection.set_tenant(spa)
    assert Appointment.objects.count() == 1
    assert WaitlistOffer.objects.filter(status=OfferStatus.CLAIMED).count() == 1
    assert WaitlistEntry.objects.filter(status=WaitlistStatus.BOOKED).count() == 1
    connection.set_schema_to_public()
    sms.outbox.clear()


def a_zone_on_another_day_than_utc() -> str:
    """A zone whose date differs from UTC's right now: UTC+14 from 10:00 UTC on,
    UTC-11 before 11:00 UTC."""
    return "Pacific/Kiritimati" if timezone.now().hour >= 10 else "Pacific/Pago_Pago"


@pytest.mark.spa("glow")
def test_the_waitlist_dates_run_from_the_locations_today_not_utcs():
    desk = a_desk(clients=1, providers=1, timezone=a_zone_on_another_day_than_utc())
    local_today = timezone.localdate(timezone=ZoneInfo(desk.location.timezone))
    assert local_today != timezone.now().date()

    def join(earliest: dt.date) -> WaitlistEntry:
        return waitlist_add(
            actor=DESK,
            client_id=desk.clients[0].pk,
            service_id=desk.service.pk,
            location_id=desk.location.pk,
            provider_id=None,
            earliest=earliest,
            latest=earliest + dt.timedelta(days=7),
            windows=[],
        )

    entry = join(local_today)
    assert entry.earliest == local_today
    with pytest.raises(ValidationError):
        join(local_today - dt.timedelta(days=1))
