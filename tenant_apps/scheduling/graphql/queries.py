"""Reading the calendar: appointments over a range, a location's day and week,
and the free slots for a set of services.

Any member reads the calendar; a member with the provider role sees only their
own appointments (`provider_scope`). Lists prefetch only the relations the
query selects, so a page costs the same number of queries whatever its size.
Every client read through an appointment is logged as part of a list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import graphene
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from graphene import relay

from core.graphql.arguments import enum_value
from core.graphql.errors import coded_error
from core.graphql.pagination import CountableConnection, Keyset, paginate
from core.graphql.projection import Projection, projection
from core.graphql.relay import pk_from_global_id
from core.graphql.selection import selected, selects
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import audit_read_purpose
from tenant_apps.locations.graphql.types import ResourceNode
from tenant_apps.locations.models import Location
from tenant_apps.scheduling.graphql.types import (
    AppointmentConnection,
    AppointmentNode,
    AppointmentServiceNode,
    AppointmentStatusEnum,
    SlotType,
    provider_scope,
)
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.selectors.appointments import (
    PLANNED_LINES,
    appointment_list,
    appointment_prefetches,
)
from tenant_apps.scheduling.selectors.availability import MAX_SEARCH_DAYS, MAX_SERVICES, desk_slots

APPOINTMENTS_BY_START = Keyset("appointments-by-start", ("starts_at", "id"))

# The longest range one query reads: a month view.
MAX_RANGE_DAYS = 31
# Slots one availability query answers when `first` is not given.
DEFAULT_SLOTS = 50

# Relations an appointment's fields reach, and the prefetch each needs when a
# list selects it (below `edges { node }`). Services and resources are planned
# by the selector (`appointment_prefetches`).
_NESTED_PREFETCHES = (
    (
        ("services", "service", "requiredResourceTypes"),
        f"{PLANNED_LINES}__service__required_resource_types",
    ),
    (("provider", "credentials"), "provider__credentials"),
    (("provider", "workingHours"), "provider__working_hours__location"),
    (("location", "hours"), "location__hours"),
    (("client", "consentHistory"), "client__consents"),
    (("history",), "history"),
)


def _ids(global_ids: Sequence[str] | None, type_name: str) -> list[int] | None:
    """The primary keys of the IDs that name records of this spa; an ID that names
    nothing here matches nothing. None when no list was given."""
    if global_ids is None:
        return None
    pks = (pk_from_global_id(global_id, type_name) for global_id in global_ids)
    return [pk for pk in pks if pk is not None]


def _planned(appointments: QuerySet[Appointment], info: Any) -> QuerySet[Appointment]:
    """The page's query, its joins and prefetches as the query selects them,
    loading only the columns it reads (core/graphql/projection.py): whole
    rows are most of a page's cost."""

    def chosen(*path: str) -> bool:
        return selects(info, "edges", "node", *path)

    def columns(graphene_type: Any, *path: str, prefix: str = "") -> Projection | None:
        nodes = selected(info, "edges", "node", *path)
        return projection(graphene_type, nodes, info.fragments, prefix=prefix)

    row = columns(AppointmentNode)
    if row is not None:
        # The keyset's keys make the cursors; `client_id` (a foreign key, always
        # loaded) is what the PHI read log records.
        keys = [key.lstrip("-") for key in APPOINTMENTS_BY_START.keys]
        appointments = (
            appointments.select_related(None).select_related(*row.joins).only(*row.only, *keys)
        )
    lines = chosen("services") and (columns(AppointmentServiceNode, "services") or True)
    resources = chosen("resources") and (
        columns(ResourceNode, "resources", prefix="resource__") or True
    )
    appointments = appointments.prefetch_related(
        *appointment_prefetches(lines=lines, resources=resources)
    )
    lookups = [lookup for path, lookup in _NESTED_PREFETCHES if chosen(*path)]
    return appointments.prefetch_related(*lookups) if lookups else appointments


def _calendar(
    info: Any,
    *,
    starts_from: dt.datetime,
    starts_before: dt.datetime,
    page: dict[str, Any],
    location_id: str | None = None,
    provider_ids: Sequence[str] | None = None,
    resource_ids: Sequence[str] | None = None,
    client_id: str | None = None,
    statuses: Sequence[Any] | None = None,
) -> CountableConnection:
    """One page of the appointments starting in [starts_from, starts_before) that
    the caller may see, by start time."""
    audit_read_purpose(info, AuditAction.LIST)
    location_pk = pk_from_global_id(location_id, "Location") if location_id is not None else None
    client_pk = pk_from_global_id(client_id, "Client") if client_id is not None else None
    appointments = appointment_list(
        starts_from=starts_from,
        starts_before=starts_before,
        location_id=location_pk,
        provider_ids=_ids(provider_ids, "StaffMember"),
        resource_ids=_ids(resource_ids, "Resource"),
        client_id=client_pk,
        statuses=[enum_value(s) for s in statuses] if statuses is not None else None,
        provider_user_id=provider_scope(getattr(info.context, "membership", None)),
    )
    if (location_id is not None and location_pk is None) or (
        client_id is not None and client_pk is None
    ):
        # An ID naming nothing here (another spa's, say): nothing is there.
        appointments = appointments.none()
    return paginate(
        _planned(appointments, info),
        connection_type=AppointmentConnection,
        keyset=APPOINTMENTS_BY_START,
        **page,
    )


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def _schedule(
    info: Any,
    *,
    location_id: str,
    first_day: dt.date,
    days: int,
    page: dict[str, Any],
    **filters: Any,
) -> CountableConnection:
    """The appointments starting on `days` local days from `first_day` at a
    location; its timezone decides where each day begins and ends."""
    pk = pk_from_global_id(location_id, "Location")
    location = Location.objects.filter(pk=pk).first() if pk is not None else None
    if location is None:
        return paginate(
            Appointment.objects.none(),
            connection_type=AppointmentConnection,
            keyset=APPOINTMENTS_BY_START,
            **page,
        )
    zone = ZoneInfo(location.timezone)
    return _calendar(
        info,
        starts_from=_local_midnight(first_day, zone),
        starts_before=_local_midnight(first_day + dt.timedelta(days=days), zone),
        location_id=location_id,
        page=page,
        **filters,
    )


_PROVIDERS = "Only these StaffMembers' appointments."
_RESOURCES = "Only appointments holding one of these Resources."
_STATUSES = "Only appointments in these statuses (all when not given)."


def _id_list(description: str) -> graphene.List:
    return graphene.List(graphene.NonNull(graphene.ID), description=description)


def _status_list() -> graphene.List:
    return graphene.List(graphene.NonNull(AppointmentStatusEnum), description=_STATUSES)


class SchedulingQueries(graphene.ObjectType):
    appointments = relay.ConnectionField(
        AppointmentConnection,
        from_=graphene.DateTime(
            name="from", required=True, description="Appointments starting at or after this."
        ),
        to=graphene.DateTime(
            required=True,
            description=f"...and before this; at most {MAX_RANGE_DAYS} days after `from`.",
        ),
        location_id=graphene.ID(description="Only at this Location."),
        provider_ids=_id_list(_PROVIDERS),
        resource_ids=_id_list(_RESOURCES),
        client_id=graphene.ID(description="Only this Client's."),
        statuses=_status_list(),
        description="Appointments starting in a range, by start time. A provider sees only "
        "their own. Each client read is logged in the audit log.",
    )
    day_schedule = relay.ConnectionField(
        AppointmentConnection,
        date=graphene.Date(required=True, description="The day, in the location's timezone."),
        location_id=graphene.ID(required=True, description="The Location."),
        provider_ids=_id_list(_PROVIDERS),
        resource_ids=_id_list(_RESOURCES),
        statuses=_status_list(),
        description="The appointments starting on one local day at a location, by start time. "
        "A provider sees only their own. Each client read is logged in the audit log.",
    )
    week_schedule = relay.ConnectionField(
        AppointmentConnection,
        week_of=graphene.Date(
            required=True, description="Any day of the week; the week starts on its Monday."
        ),
        location_id=graphene.ID(required=True, description="The Location."),
        provider_ids=_id_list(_PROVIDERS),
        resource_ids=_id_list(_RESOURCES),
        statuses=_status_list(),
        description="The appointments starting in the seven local days from Monday at a "
        "location, by start time. A provider sees only their own. Each client read is logged "
        "in the audit log.",
    )
    availability = graphene.List(
        graphene.NonNull(SlotType),
        required=True,
        location_id=graphene.ID(required=True, description="The Location."),
        service_ids=graphene.List(
            graphene.NonNull(graphene.ID),
            required=True,
            description=f"The Services, performed back to back in this order (1 to "
            f"{MAX_SERVICES}).",
        ),
        from_=graphene.Date(name="from", required=True, description="The first local day."),
        to=graphene.Date(
            required=True,
            description=f"The last local day: {MAX_SEARCH_DAYS} days at most, `from` included.",
        ),
        provider_id=graphene.ID(description="Only with this StaffMember."),
        first=graphene.Int(
            default_value=DEFAULT_SLOTS, description="At most this many slots (up to 100)."
        ),
        description="Free starts for booking these services at the desk, soonest first, then "
        "by provider: opening hours, working hours, credentials, other appointments, time off "
        "and rooms and devices are all kept; the online booking notice and horizon are not. "
        "Never in the past. Unknown IDs find nothing.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_appointments(
        root,
        info,
        from_,
        to,
        location_id=None,
        provider_ids=None,
        resource_ids=None,
        client_id=None,
        statuses=None,
        **page,
    ):
        if timezone.is_naive(from_) or timezone.is_naive(to):
            raise coded_error("Give `from` and `to` with their UTC offset.", "RANGE_INVALID")
        if not dt.timedelta(0) < to - from_ <= dt.timedelta(days=MAX_RANGE_DAYS):
            raise coded_error(
                f"`to` must be after `from`, by at most {MAX_RANGE_DAYS} days.", "RANGE_INVALID"
            )
        return _calendar(
            info,
            starts_from=from_,
            starts_before=to,
            page=page,
            location_id=location_id,
            provider_ids=provider_ids,
            resource_ids=resource_ids,
            client_id=client_id,
            statuses=statuses,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_day_schedule(
        root, info, date, location_id, provider_ids=None, resource_ids=None, statuses=None, **page
    ):
        return _schedule(
            info,
            location_id=location_id,
            first_day=date,
            days=1,
            page=page,
            provider_ids=provider_ids,
            resource_ids=resource_ids,
            statuses=statuses,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_week_schedule(
        root,
        info,
        week_of,
        location_id,
        provider_ids=None,
        resource_ids=None,
        statuses=None,
        **page,
    ):
        return _schedule(
            info,
            location_id=location_id,
            first_day=week_of - dt.timedelta(days=week_of.weekday()),
            days=7,
            page=page,
            provider_ids=provider_ids,
            resource_ids=resource_ids,
            statuses=statuses,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_availability(
        root, info, location_id, service_ids, from_, to, first, provider_id=None
    ):
        if not 0 < first <= settings.GRAPHQL_MAX_PAGE_SIZE:
            raise coded_error(
                f"Ask for between 1 and {settings.GRAPHQL_MAX_PAGE_SIZE} slots.",
                "PAGINATION_INVALID",
            )
        if not 0 <= (to - from_).days < MAX_SEARCH_DAYS:
            raise coded_error(
                f"Search from 1 to {MAX_SEARCH_DAYS} days, ending on or after the first.",
                "RANGE_INVALID",
            )
        if not 0 < len(service_ids) <= MAX_SERVICES:
            raise coded_error(f"Choose 1 to {MAX_SERVICES} services.", "SERVICES_INVALID")
        provider_pk = (
            pk_from_global_id(provider_id, "StaffMember") if provider_id is not None else None
        )
        if provider_id is not None and provider_pk is None:
            return []  # an ID naming no one here finds nothing (not "any provider")
        return desk_slots(
            location_id=pk_from_global_id(location_id, "Location"),
            service_ids=[pk_from_global_id(global_id, "Service") for global_id in service_ids],
            provider_id=provider_pk,
            first_day=from_,
            last_day=to,
            limit=first,
            now=timezone.now(),
            with_resources=selects(info, "resources"),
        )
