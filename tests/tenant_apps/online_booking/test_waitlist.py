"""The waitlist from the booking page: joined by anyone (the answer never says
whether the spa knew them), an offer claimed with its link's token through the
booking service's online rules."""

from __future__ import annotations

from tenant_apps.audit.services import Actor
from tenant_apps.messaging.models import (
    Message,
    MessageKind,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
)
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenant_apps.scheduling.services.booking import appointment_book
from tenant_apps.scheduling.services.changes import appointment_set_status
from tenants.db import connection
from tests.jobs import queued_jobs, run_jobs
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.online_booking.online import DAY, a_calendar, at, booking

JOIN = """mutation($input: JoinWaitlistInput!) {
  joinWaitlist(input: $input) { joined errors { field code } } }"""
CLAIM = """mutation($token: String!) {
  claimWaitlistOffer(token: $token) { appointment { startsAt status } errors { code } } }"""


def join_input(calendar, **changes):
    return {
        "locationId": calendar.ids["location"],
        "serviceId": calendar.ids["service"],
        "earliest": DAY.isoformat(),
        "latest": DAY.isoformat(),
        "windows": [{"start": "09:00", "end": "12:00"}],
        "firstName": "Robin",
        "lastName": "Waiting",
        "email": "robin.waiting@mail.example",
        "phone": "+12125550177",
        **changes,
    }


def test_a_patient_joins_online_and_claims_the_offer_with_its_link(glow, client_for):
    calendar = a_calendar(glow)
    api = client_for(glow)

    joined = booking(api, JOIN, {"input": join_input(calendar)})
    bad = booking(
        api, JOIN, {"input": join_input(calendar, windows=[{"start": "12:00", "end": "09:00"}])}
    )

    assert joined.data["joinWaitlist"] == {"joined": True, "errors": []}
    assert [e["code"] for e in bad.data["joinWaitlist"]["errors"]] == ["WINDOW_INVALID"]
    connection.set_tenant(glow)
    entry = WaitlistEntry.objects.get()
    assert (entry.source, entry.client.email) == ("online", "robin.waiting@mail.example")

    # Someone else's 10:00 is cancelled: the slot is offered, with a link.
    other = ClientFactory.create()
    desk = Actor(user_id=1, role="front_desk")
    taken = appointment_book(
        actor=desk,
        client_id=other.pk,
        provider_id=calendar.providers[0].pk,
        location_id=calendar.location.pk,
        service_ids=[calendar.service.pk],
        starts_at=at(DAY, 10),
    )
    appointment_set_status(actor=desk, appointment_id=taken.pk, status="cancelled", reason="ill")
    run_jobs()
    offer = WaitlistOffer.objects.get()
    offer_text = Message.objects.get(kind=MessageKind.WAITLIST_OFFER)
    assert offer_text.client_id == entry.client_id
    # The link (sent, or waiting for quiet hours to end) is kept with the
    # message, never in the job's arguments.
    assert all("link" not in str(job["args"]) for job in queued_jobs())
    token = offer_text.values["link"].rpartition("#")[2]
    connection.set_schema_to_public()

    wrong = booking(api, CLAIM, {"token": "not-a-token"})
    claimed = booking(api, CLAIM, {"token": token})
    again = booking(api, CLAIM, {"token": token})

    assert [e["code"] for e in wrong.data["claimWaitlistOffer"]["errors"]] == ["NOT_FOUND"]
    assert claimed.data["claimWaitlistOffer"]["errors"] == []
    assert claimed.data["claimWaitlistOffer"]["appointment"]["status"] == "BOOKED"
    assert [e["code"] for e in again.data["claimWaitlistOffer"]["errors"]] == ["OFFER_GONE"]
    connection.set_tenant(glow)
    offer.refresh_from_db()
    booked = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert (booked.client_id, booked.source) == (entry.client_id, AppointmentSource.ONLINE)
    assert offer.status == OfferStatus.CLAIMED
