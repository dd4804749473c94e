"""Online booking checks what a patient names once and plans the slot once: the
slot search that finds the start offered (`offered_slots_at`, over the calendar's
one slot search) is the plan that is booked, not checked or planned again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from tenant_apps.online_booking.services import booking as online_booking_services
from tenant_apps.scheduling.models import Appointment, ResourceBooking
from tenant_apps.scheduling.selectors import availability as scheduling_selectors
from tenant_apps.scheduling.services import booking as booking_services
from tenant_apps.scheduling.services import changes, planning
from tests.tenant_apps.locations.factories import ResourceFactory, ResourceTypeFactory, on_spa
from tests.tenant_apps.online_booking.online import DAY, a_calendar, at, book, booking, token_from

RESCHEDULE = """
mutation Move($token: String!, $startsAt: DateTime!) {
  reschedule(token: $token, startsAt: $startsAt) {
    errors { field code message }
    appointment { startsAt endsAt }
  }
}
"""


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def calls(monkeypatch) -> Counter[str]:
    """How often the checks and the planning run: the engine's inputs (one load
    per plan), the desk's exact-start check, and the location and services checks."""
    counted: Counter[str] = Counter()

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        scheduling_selectors,
        "availability_inputs",
        counting("plan", scheduling_selectors.availability_inputs),
    )
    monkeypatch.setattr(planning, "check_slot", counting("check_slot", planning.check_slot))
    for module in (online_booking_services, booking_services, changes):
        for name in ("bookable_location", "bookable_services"):
            monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    return counted


def test_a_booking_checks_location_and_services_once_and_plans_once(
    glow, client_for, calls, mailoutbox
):
    # given two free providers and the room the service needs
    calendar = a_calendar(glow, providers=2)
    with on_spa(glow):
        room_type = ResourceTypeFactory.create(name="Facial room")
        calendar.service.required_resource_types.add(room_type)
        room = ResourceFactory.create(location=calendar.location, resource_type=room_type)
    # when a patient books a start the page offers
    answer = book(client_for(glow), calendar, at(DAY, 10))
    # then it is booked as the slot search planned it: one check of each, one plan
    assert answer.data["book"]["errors"] == []
    assert calls == Counter(bookable_location=1, bookable_services=1, plan=1)
    with on_spa(glow):
        appointment = Appointment.objects.get()
        assert appointment.starts_at == at(DAY, 10)
        assert appointment.provider_id == min(p.pk for p in calendar.providers)
        assert list(ResourceBooking.objects.values_list("resource_id", flat=True)) == [room.pk]


def test_a_move_with_the_link_plans_once(glow, client_for, calls, mailoutbox):
    # given a booking made online
    calendar = a_calendar(glow)
    client = client_for(glow)
    assert book(client, calendar, at(DAY, 10)).data["book"]["errors"] == []
    token = token_from(mailoutbox[-1])
    calls.clear()
    # when the patient moves it to another offered start
    answer = booking(client, RESCHEDULE, {"token": token, "startsAt": at(DAY, 14).isoformat()})
    # then it moves as the slot search planned it, planned once and not checked again
    assert answer.data["reschedule"]["errors"] == []
    assert calls == Counter(plan=1)
    with on_spa(glow):
        appointment = Appointment.objects.get()
        assert (appointment.starts_at, appointment.ends_at) == (
            at(DAY, 14),
            at(DAY, 14) + dt.timedelta(hours=1),
        )
