"""Reads of appointments: a filtered range (`appointment_list`), and the
prefetches of their services and rooms a page plans by what it selects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, Protocol

from django.db.models import Prefetch, QuerySet

from tenant_apps.scheduling.models import Appointment, AppointmentService, ResourceBooking


def appointment_list(
    *,
    starts_from: dt.datetime | None = None,
    starts_before: dt.datetime | None = None,
    location_id: int | None = None,
    provider_ids: Sequence[int] | None = None,
    resource_ids: Sequence[int] | None = None,
    client_id: int | None = None,
    statuses: Sequence[str] | None = None,
    provider_user_id: int | None = None,
) -> QuerySet[Appointment]:
    """Appointments starting in [starts_from, starts_before), filtered, each with
    its client, provider and location joined; the caller prefetches what it
    shows (`appointment_prefetches`). `provider_user_id` (a public user id)
    keeps only that provider's own: a provider's view of the calendar."""
    # The client's search document is a tsvector only searches need.
    appointments = Appointment.objects.select_related("client", "provider", "location").defer(
        "client__search_document"
    )
    if starts_from is not None:
        appointments = appointments.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        appointments = appointments.filter(starts_at__lt=starts_before)
    if location_id is not None:
        appointments = appointments.filter(location_id=location_id)
    if provider_ids is not None:
        appointments = appointments.filter(provider_id__in=provider_ids)
    if resource_ids is not None:
        appointments = appointments.filter(
            pk__in=ResourceBooking.objects.filter(resource_id__in=resource_ids).values(
                "appointment_id"
            )
        )
    if client_id is not None:
        appointments = appointments.filter(client_id=client_id)
    if statuses is not None:
        appointments = appointments.filter(status__in=statuses)
    if provider_user_id is not None:
        appointments = appointments.filter(provider__user_id=provider_user_id)
    return appointments


# Where the prefetches below put an appointment's services and held resources:
# plain lists, so reading them costs no queryset (a related manager's `.all()`
# clones a query each time, a measurable share of a 100-appointment page).
PLANNED_LINES = "planned_lines"
PLANNED_RESOURCE_BOOKINGS = "planned_resource_bookings"


class Columns(Protocol):
    """Part of a row to load: `QuerySet.only(*only)`, `select_related(*joins)`."""

    @property
    def only(self) -> Collection[str]: ...

    @property
    def joins(self) -> Collection[str]: ...


def appointment_prefetches(*, lines: bool | Columns, resources: bool | Columns) -> list[Prefetch]:
    """The prefetches for the services and the rooms/devices of a page of
    appointments: one query each, and only when the query selects them. The
    rows land in `PLANNED_LINES` and `PLANNED_RESOURCE_BOOKINGS`
    (`appointment_lines` and `appointment_resource_bookings` read them).

    True loads whole rows with the service (and its category), or the resource
    (and its type and location); `Columns` loads only those of the service
    lines, or of the resources below `resource__`, with the joins they name."""
    prefetches: list[Prefetch[Any, Any, Any]] = []
    if lines:
        services = AppointmentService.objects.all()
        if isinstance(lines, bool):
            services = services.select_related("service__category")
        else:
            services = services.select_related(*lines.joins).only("appointment", *lines.only)
        prefetches.append(Prefetch("lines", queryset=services, to_attr=PLANNED_LINES))
    if resources:
        bookings = ResourceBooking.objects.all()
        if isinstance(resources, bool):
            bookings = bookings.select_related("resource__resource_type", "resource__location")
        else:
            bookings = bookings.select_related("resource", *resources.joins).only(
                "appointment", "resource", *resources.only
            )
        prefetches.append(
            Prefetch("resource_bookings", queryset=bookings, to_attr=PLANNED_RESOURCE_BOOKINGS)
        )
    return prefetches


def appointment_lines(appointment: Appointment) -> list[AppointmentService]:
    """The appointment's services in order, from the prefetch when there was one."""
    planned = getattr(appointment, PLANNED_LINES, None)
    if planned is not None:
        return planned
    return list(appointment.lines.select_related("service__category"))


def appointment_resource_bookings(appointment: Appointment) -> list[ResourceBooking]:
    """The rooms and devices the appointment holds, from the prefetch when there was one."""
    planned = getattr(appointment, PLANNED_RESOURCE_BOOKINGS, None)
    if planned is not None:
        return planned
    return list(
        appointment.resource_bookings.select_related(
            "resource__resource_type", "resource__location"
        )
    )
