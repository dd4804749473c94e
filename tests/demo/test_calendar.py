"""The demo spas' calendars: realistic, booked by the rules, seeded once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection as db
from django.utils import timezone

from demo.appointments import DAYS_AHEAD, DAYS_BACK
from demo.calendar import Seeded, seed_calendar
from demo.calendar_data import CALENDARS, MENU, VISITS
from demo.records import seed_records
from demo.spas import demo_memberships, demo_users
from shared_apps.accounts.models import Membership, Role
from tenant_apps.catalog.models import Service, ServiceCategory
from tenant_apps.locations.models import Location, Resource
from tenant_apps.scheduling.models import (
    HOLDING_STATUSES,
    Appointment,
    AppointmentService,
    AppointmentSource,
    AppointmentStatus,
    ResourceBooking,
)
from tenant_apps.staff.models import Credential, StaffProfile, TimeOff, WorkingHours
from tenants.db import connection

FINAL = {AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}


def test_demo_weeks_fit_the_opening_hours_and_every_visit_has_a_provider():
    services = {service.name: service for _, _, menu in MENU for service in menu}
    for calendar in CALENDARS.values():
        opening = {location.name: location.hours for location in calendar.locations}
        for provider in calendar.providers:
            for location, hours in provider.hours.items():
                for day, start, end in hours:
                    assert any(
                        day == open_day and opens <= start and end <= closes
                        for open_day, opens, closes in opening[location]
                    ), (provider.email, location, day)
        for _, names in VISITS:
            assert any(
                all(
                    not services[name].credentials
                    or set(services[name].credentials) & set(provider.credentials)
                    for name in names
                )
                for provider in calendar.providers
            ), names


def _overlaps(
    table: str, owner: str, holding: str, params: tuple = (), span: str = "blocked"
) -> int:
    """Pairs of rows of one owner whose spans overlap, both holding time
    (`holding`: a condition on the row `{t}`); `span` "blocked" (buffers
    included) or "client" (the time with the client)."""
    start, end = (
        ("blocked_from", "blocked_until") if span == "blocked" else ("starts_at", "ends_at")
    )
    both = " AND ".join(holding.format(t=alias) for alias in ("a", "b"))
    with db.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FROM {table} a JOIN {table} b
                ON a.{owner} = b.{owner} AND a.id < b.id
               AND a.{start} < b.{end} AND b.{start} < a.{end}
             WHERE {both}""",
            [*params, *params],
        )
        return cursor.fetchone()[0]


@pytest.mark.spa("radiance")
def test_demo_calendar_is_booked_by_the_rules_and_seeded_once(radiance):
    demo_users("radiance")
    demo_memberships(radiance)
    connection.set_tenant(radiance)
    seed_records(area_code="310")
    now = timezone.now()

    seeded = seed_calendar(slug="radiance", now=now)

    calendar = CALENDARS["radiance"]
    assert seeded.refused == 0
    assert (seeded.locations, seeded.resources, seeded.services, seeded.providers) == (
        1,
        8,
        13,
        5,
    )
    location = Location.objects.get()
    zone = ZoneInfo(location.timezone)
    today = now.astimezone(zone).date()

    # Providers: members with the provider role, credentials for a year, a week, time off.
    providers = list(StaffProfile.objects.filter(is_provider=True))
    assert len(providers) == len(calendar.providers)
    assert Membership.objects.filter(
        spa=radiance, role=Role.PROVIDER, user_id__in=[p.user_id for p in providers]
    ).count() == len(providers)
    for provider in providers:
        assert WorkingHours.objects.filter(staff=provider).exists()
        assert TimeOff.objects.filter(staff=provider).count() == 1
        assert Credential.objects.filter(staff=provider).exists()
    assert not Credential.objects.filter(expires_on__lt=today + dt.timedelta(days=364)).exists()

    # The menu's five kinds, each service with the rooms and devices it needs here.
    assert set(ServiceCategory.objects.values_list("name", flat=True)) == {
        "Neurotoxins",
        "Dermal fillers",
        "Laser and light",
        "Facials",
        "Consultations",
    }
    present = set(Resource.objects.values_list("resource_type_id", flat=True))
    for service in Service.objects.prefetch_related("required_resource_types"):
        assert {rt.pk for rt in service.required_resource_types.all()} <= present

    # Appointments on every open day of the window.
    open_days = set(location.hours.values_list("weekday", flat=True))
    window = [today + dt.timedelta(days=n) for n in range(-DAYS_BACK, DAYS_AHEAD + 1)]
    appointments = list(Appointment.objects.all())
    booked_days = {a.starts_at.astimezone(zone).date() for a in appointments}
    assert booked_days == {day for day in window if day.isoweekday() in open_days}

    # Nobody double booked: providers, rooms and devices, clients.
    holding = ("{t}.status = ANY(%s)", (list(HOLDING_STATUSES),))
    assert _overlaps("scheduling_appointment", "provider_id", *holding) == 0
    assert _overlaps("scheduling_resourcebooking", "resource_id", "{t}.holds_time") == 0
    assert _overlaps("scheduling_appointment", "client_id", *holding, span="client") == 0

    # Every service performed by a provider holding a credential it asks for.
    held = {}
    for staff_id, kind in Credential.objects.values_list("staff_id", "kind"):
        held.setdefault(staff_id, set()).add(kind)
    for line in AppointmentService.objects.select_related("service", "appointment"):
        required = set(line.service.required_credentials)
        assert not required or required & held[line.appointment.provider_id], line.service.name

    # Statuses fit the time: the past is settled, the future still open.
    for appointment in appointments:
        if appointment.ends_at <= now:
            assert appointment.status in FINAL
        elif appointment.starts_at > now:
            assert appointment.status in {"booked", "confirmed", "cancelled"}
    statuses = {a.status for a in appointments}
    assert {"completed", "no_show", "cancelled", "booked", "confirmed"} <= statuses
    assert all(a.cancellation_reason for a in appointments if a.status == "cancelled")
    assert {a.source for a in appointments} == {AppointmentSource.STAFF, AppointmentSource.ONLINE}
    assert ResourceBooking.objects.filter(holds_time=False).exists()  # cancelled ones let go

    # Busy but not full: the holding visits take most of the providers' working time.
    worked = dt.timedelta(0)
    for day in window:
        for start, end in WorkingHours.objects.filter(weekday=day.isoweekday()).values_list(
            "starts_at", "ends_at"
        ):
            worked += dt.datetime.combine(day, end) - dt.datetime.combine(day, start)
    busy = sum(
        (a.ends_at - a.starts_at for a in appointments if a.status in HOLDING_STATUSES),
        dt.timedelta(0),
    )
    assert 0.5 <= busy / worked <= 0.8

    # A second run finds everything in place.
    counts = [
        model.objects.count()
        for model in (Appointment, Service, Resource, StaffProfile, WorkingHours, TimeOff)
    ]
    assert seed_calendar(slug="radiance", now=now) == Seeded()
    assert [
        model.objects.count()
        for model in (Appointment, Service, Resource, StaffProfile, WorkingHours, TimeOff)
    ] == counts
