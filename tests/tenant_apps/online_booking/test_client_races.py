"""Online bookings by one patient at the same moment find or make one client."""

from __future__ import annotations

import pytest

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.online_booking.services.booking import ONLINE_ROLE, online_book
from tenant_apps.scheduling.models import Appointment
from tenants.db import connection
from tests.concurrency import at_once
from tests.tenant_apps.online_booking.online import DAY, a_calendar, at

# One per free hour of the day (09:00 to 16:00, a 60-minute service).
RACERS = 8
ONLINE = Actor(user_id=None, role=ONLINE_ROLE)


@pytest.mark.usefixtures("committing")
@pytest.mark.parametrize("shared", ["email", "phone"])
def test_simultaneous_bookings_by_one_patient_make_one_client(shared):
    # given a bookable spa with no clients
    spa = spa_provision(
        slug="booking-race", name="Booking Race", timezone_name="UTC", owner_email="o@race.example"
    )
    calendar = a_calendar(spa)
    connection.set_schema_to_public()

    def book(n: int) -> None:
        online_book(
            actor=ONLINE,
            spa=spa,
            location_id=calendar.location.pk,
            service_ids=[calendar.service.pk],
            starts_at=at(DAY, 9 + n),
            first_name="Ava",
            last_name="Stone",
            email="ava@mail.example" if shared == "email" else f"ava{n}@mail.example",
            phone="+12125550142" if shared == "phone" else f"+1212555{n:04}",
        )

    # when the same patient books eight times at once
    _, failures = at_once(spa, RACERS, book)

    # then every booking is made, all on one client record
    assert failures == []
    connection.set_tenant(spa)
    client = Client.objects.get()
    assert list(Appointment.objects.values_list("client_id", flat=True)) == [client.pk] * RACERS
    connection.set_schema_to_public()
