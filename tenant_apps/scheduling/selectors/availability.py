"""Reads for booking: what a booking may name (`bookable_location`,
`bookable_services`: the one check, at the desk and online), and the free
slots. `free_slots` is the one slot search, for the desk (`desk_slots`) and for
patients (tenant_apps/online_booking/selectors.py), over the inputs of the
availability engine (`availability_inputs`, a fixed number of queries whatever
the number of providers, rooms or appointments)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q

from core.errors import field_error
from tenant_apps.catalog.models import Service
from tenant_apps.catalog.selectors import service_list
from tenant_apps.locations.models import Location, Resource
from tenant_apps.locations.selectors import location_list, resource_list
from tenant_apps.locations.weekly import WeeklyInterval
from tenant_apps.profile.models import SpaProfile
from tenant_apps.scheduling.engine import (
    Interval,
    LocationSpec,
    Policy,
    ProviderSpec,
    ResourceSpec,
    ServiceSpec,
    Slot,
    find_slots,
)
from tenant_apps.scheduling.errors import AppointmentErrorCode
from tenant_apps.scheduling.models import HOLDING_STATUSES, Appointment, ResourceBooking
from tenant_apps.staff.models import Credential, StaffProfile, TimeOff, WorkingHours

MAX_SERVICES = 5
# The longest stretch of days one availability search at the desk may cover.
MAX_SEARCH_DAYS = 31

# Busy spans are loaded this far beyond the days asked for: an appointment's
# clean-up or a neighbour's preparation reaches across midnight, and local days
# are up to 26 hours long around a daylight-saving change.
_MARGIN = dt.timedelta(days=1)


def bookable_services(
    service_ids: Sequence[int | None], *, online: bool, offered_only: bool = True
) -> list[Service]:
    """The services in the order given, with their required resource types; each
    offered now (active, in an active category, and bookable online when booked
    online) unless `offered_only` is False (moving an appointment keeps the
    services it was booked with, even retired ones). The one check of the
    services a booking names, at the desk and online."""
    if not service_ids or len(service_ids) > MAX_SERVICES:
        raise field_error(
            AppointmentErrorCode.SERVICES_INVALID,
            f"Choose 1 to {MAX_SERVICES} services.",
            "service_ids",
        )
    if any(pk is None for pk in service_ids):
        raise field_error(AppointmentErrorCode.NOT_FOUND, "No such service.", "service_ids")
    found = (
        Service.objects.filter(pk__in=service_ids)
        .select_related("category")
        .prefetch_related("required_resource_types")
    )
    by_id = {service.pk: service for service in found}
    if len(by_id) != len(set(service_ids)):
        raise field_error(AppointmentErrorCode.NOT_FOUND, "No such service.", "service_ids")
    services = [by_id[pk] for pk in service_ids if pk is not None]
    for service in services if offered_only else ():
        offered = service.is_active and service.category.is_active
        if not offered or (online and not service.is_bookable_online):
            raise field_error(
                AppointmentErrorCode.SERVICE_UNAVAILABLE,
                # A patient is not told which one: the menu they saw has changed.
                "A service chosen is not offered online now."
                if online
                else f"{service.name} is not offered now.",
                "service_ids",
            )
    return services


def bookable_location(location_id: int | None, *, online: bool = False) -> Location:
    """The location to book at, open, with its opening hours. Online a closed
    location is NOT_FOUND like an absent one (patients see open ones only);
    at the desk it is LOCATION_CLOSED."""
    location = (
        Location.objects.prefetch_related("hours").filter(pk=location_id).first()
        if location_id is not None
        else None
    )
    if location is None or (online and not location.is_active):
        raise field_error(AppointmentErrorCode.NOT_FOUND, "No such location.", "location_id")
    if not location.is_active:
        raise field_error(
            AppointmentErrorCode.LOCATION_CLOSED, "This location is closed.", "location_id"
        )
    return location


def free_slots(
    *,
    location: Location,
    services: Sequence[Service],
    provider_ids: Sequence[int] | None,
    first_day: dt.date,
    last_day: dt.date,
    online: bool,
    now: dt.datetime,
    limit: int | None = None,
    exclude_appointment_id: int | None = None,
) -> tuple[list[Slot], AvailabilityInputs]:
    """The free slots for `services` back to back at `location` over the local
    days `first_day`..`last_day` (see `availability_inputs` for the arguments),
    under the spa's online policy or the desk's, with the inputs they came from
    (the provider rows, for the answer). A fixed number of queries."""
    inputs = availability_inputs(
        location=location,
        services=services,
        provider_ids=provider_ids,
        first_day=first_day,
        last_day=last_day,
        exclude_appointment_id=exclude_appointment_id,
    )
    slots = find_slots(
        location=inputs.location_spec,
        services=inputs.services,
        providers=inputs.providers,
        resources=inputs.resources,
        policy=policy_of(inputs.profile, online=online),
        now=now,
        first_day=first_day,
        last_day=last_day,
        limit=limit,
    )
    return slots, inputs


@dataclass(frozen=True)
class SlotPart:
    """One service of a free slot, at its own time in the sequence."""

    service: Service
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class SlotView:
    """A free slot of the engine with its records: the provider, the services
    in order and the rooms and devices it would hold (empty unless asked for)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    provider: StaffProfile
    services: list[SlotPart]
    resources: list[Resource]


def desk_slots(
    *,
    location_id: int | None,
    service_ids: Sequence[int | None],
    provider_id: int | None,
    first_day: dt.date,
    last_day: dt.date,
    limit: int,
    now: dt.datetime,
    with_resources: bool = False,
) -> list[SlotView]:
    """The free starts for booking `service_ids` (in order) at the desk: every
    rule but the online notice and horizon (`free_slots`), soonest first, then
    by provider, at most `limit`. An id that names nothing here (None), a closed
    location or a retired service finds nothing. The rooms and devices of all
    the slots come in one more query, with `with_resources`."""
    if location_id is None or None in service_ids:
        return []
    location = location_list(active=True, with_hours=True).filter(pk=location_id).first()
    # Offered as booking checks it (bookable_services): active, in an active category.
    offered = service_list(active=True).filter(category__is_active=True, pk__in=service_ids)
    found = {s.pk: s for s in offered}
    if location is None or len(found) != len(set(service_ids)):
        return []
    services = [found[pk] for pk in service_ids if pk is not None]
    slots, inputs = free_slots(
        location=location,
        services=services,
        provider_ids=[provider_id] if provider_id is not None else None,
        first_day=first_day,
        last_day=last_day,
        online=False,
        now=now,
        limit=limit,
    )
    held = {hold.resource_id for slot in slots for hold in slot.holds}
    resources = resource_list().in_bulk(held) if with_resources and held else {}
    return [
        SlotView(
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            provider=inputs.provider_rows[slot.provider_id],
            services=[
                SlotPart(found[segment.service_id], segment.starts_at, segment.ends_at)
                for segment in slot.segments
            ],
            resources=[resources[hold.resource_id] for hold in slot.holds]
            if with_resources
            else [],
        )
        for slot in slots
    ]


def booking_policy() -> SpaProfile:
    return SpaProfile.objects.get(pk=SpaProfile.SINGLETON_ID)


def policy_of(profile: SpaProfile, *, online: bool) -> Policy:
    """The engine's policy: online bookings keep the spa's notice and horizon;
    staff at the desk book any time, on the same grid."""
    granularity = dt.timedelta(minutes=profile.slot_granularity_minutes)
    if not online:
        return Policy(granularity=granularity)
    return Policy(
        granularity=granularity,
        min_notice=dt.timedelta(minutes=profile.min_notice_minutes),
        horizon=dt.timedelta(days=profile.booking_horizon_days),
    )


@dataclass(frozen=True)
class AvailabilityInputs:
    """Everything the engine needs for one location, loaded in a fixed number of queries."""

    location: Location
    location_spec: LocationSpec
    services: tuple[ServiceSpec, ...]
    service_rows: tuple[Service, ...]
    providers: tuple[ProviderSpec, ...]
    provider_rows: dict[int, StaffProfile]
    resources: tuple[ResourceSpec, ...]
    profile: SpaProfile


def _weekly(rows: Iterable[WorkingHours]) -> tuple[WeeklyInterval, ...]:
    return tuple(WeeklyInterval(row.weekday, row.starts_at, row.ends_at) for row in rows)


def availability_inputs(
    *,
    location: Location,
    services: Sequence[Service],
    provider_ids: Sequence[int] | None,
    first_day: dt.date,
    last_day: dt.date,
    exclude_appointment_id: int | None = None,
) -> AvailabilityInputs:
    """The engine's inputs for booking `services` (in order) at `location` on the
    local days `first_day`..`last_day`, for the given providers (None: every
    active provider working at the location). `services` come with their
    required resource types prefetched. `exclude_appointment_id` leaves one
    appointment's own time out of the busy spans (to move it).

    Seven queries whatever the sizes: providers (with credentials and working
    hours: three), appointments, time off, resources, resource bookings, and
    the spa's policy.
    """
    zone = ZoneInfo(location.timezone)
    window_start = (
        dt.datetime.combine(first_day, dt.time(), tzinfo=zone).astimezone(dt.UTC) - _MARGIN
    )
    window_end = (
        dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(
            dt.UTC
        )
        + _MARGIN
    )
    overlapping = Q(blocked_from__lt=window_end, blocked_until__gt=window_start)

    staff = StaffProfile.objects.filter(
        is_provider=True, is_active=True, working_hours__location=location
    ).distinct()
    if provider_ids is not None:
        staff = staff.filter(pk__in=provider_ids)
    staff = staff.prefetch_related(
        Prefetch("credentials", queryset=Credential.objects.only("staff_id", "kind", "expires_on")),
        Prefetch("working_hours", queryset=WorkingHours.objects.filter(location=location)),
    ).order_by("id")
    provider_rows = {profile.pk: profile for profile in staff}
    ids = list(provider_rows)

    busy: dict[int, list[Interval]] = defaultdict(list)
    appointments = Appointment.objects.filter(
        overlapping, provider_id__in=ids, status__in=HOLDING_STATUSES
    )
    if exclude_appointment_id is not None:
        appointments = appointments.exclude(pk=exclude_appointment_id)
    for provider_id, start, end in appointments.values_list(
        "provider_id", "blocked_from", "blocked_until"
    ):
        busy[provider_id].append(Interval(start, end))
    for staff_id, start, end in TimeOff.objects.filter(
        staff_id__in=ids, starts_at__lt=window_end, ends_at__gt=window_start
    ).values_list("staff_id", "starts_at", "ends_at"):
        busy[staff_id].append(Interval(start, end))

    needed_types = {rt.pk for service in services for rt in service.required_resource_types.all()}
    resource_rows = list(
        Resource.objects.filter(
            location=location, is_active=True, resource_type_id__in=needed_types
        ).order_by("id")
    )
    held: dict[int, list[Interval]] = defaultdict(list)
    bookings = ResourceBooking.objects.filter(
        overlapping, resource_id__in=[row.pk for row in resource_rows], holds_time=True
    )
    if exclude_appointment_id is not None:
        bookings = bookings.exclude(appointment_id=exclude_appointment_id)
    for resource_id, start, end in bookings.values_list(
        "resource_id", "blocked_from", "blocked_until"
    ):
        held[resource_id].append(Interval(start, end))

    return AvailabilityInputs(
        location=location,
        location_spec=LocationSpec(
            timezone=zone,
            hours=tuple(
                WeeklyInterval(row.weekday, row.opens_at, row.closes_at)
                for row in location.hours.all()
            ),
        ),
        services=tuple(
            ServiceSpec(
                id=service.pk,
                duration=dt.timedelta(minutes=service.duration_minutes),
                buffer_before=dt.timedelta(minutes=service.buffer_before_minutes),
                buffer_after=dt.timedelta(minutes=service.buffer_after_minutes),
                required_credentials=frozenset(service.required_credentials),
                resource_type_ids=tuple(
                    sorted(rt.pk for rt in service.required_resource_types.all())
                ),
            )
            for service in services
        ),
        service_rows=tuple(services),
        providers=tuple(
            ProviderSpec(
                id=profile.pk,
                credentials=tuple((c.kind, c.expires_on) for c in profile.credentials.all()),
                working_hours=_weekly(profile.working_hours.all()),
                busy=tuple(sorted(busy[profile.pk], key=lambda i: i.starts_at)),
            )
            for profile in provider_rows.values()
        ),
        provider_rows=provider_rows,
        resources=tuple(
            ResourceSpec(
                id=row.pk,
                type_id=row.resource_type_id,
                busy=tuple(sorted(held[row.pk], key=lambda i: i.starts_at)),
            )
            for row in resource_rows
        ),
        profile=booking_policy(),
    )
