"""The calendar in the spa API: appointments, their services, rooms and history,
and the free slots of the availability search.

A member with the provider role sees only their own appointments: the root
fields pass `provider_scope` to the selectors, and `node(id:)` of someone
else's appointment answers null (`AppointmentNode.get_node`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import graphene
from django.db.models import Choices
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode, to_global_id
from shared_apps.accounts.models import Membership, Role
from tenant_apps.catalog.graphql.types import ServiceNode
from tenant_apps.clients.graphql.types import ClientNode
from tenant_apps.locations.graphql.types import LocationNode, ResourceNode
from tenant_apps.scheduling.errors import AppointmentErrorCode
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentService,
    AppointmentSource,
    AppointmentStatus,
)
from tenant_apps.scheduling.selectors.appointments import (
    appointment_lines,
    appointment_list,
    appointment_resource_bookings,
)
from tenant_apps.staff.graphql.types import StaffMemberNode

AppointmentErrorCodeEnum, AppointmentError = error_type("Appointment", AppointmentErrorCode)


def provider_scope(membership: Membership | None) -> int | None:
    """The public user id a caller's view of the calendar is limited to: a
    provider's own; None (everything) for front desk, managers and owners."""
    if membership is not None and membership.role == Role.PROVIDER:
        return membership.user_id
    return None


def _labels(type_description: str):
    def describe(value: Choices | None) -> str:
        return type_description if value is None else str(value.label)

    return describe


AppointmentStatusEnum = graphene.Enum.from_enum(
    AppointmentStatus,
    name="AppointmentStatus",
    description=_labels(
        "Where an appointment is in its life: booked, confirmed, checked in, then "
        "completed; or cancelled, or a no-show (both free the time)."
    ),
)
AppointmentSourceEnum = graphene.Enum.from_enum(
    AppointmentSource,
    name="AppointmentSource",
    description=_labels("Who made the booking: staff, or the client online."),
)
AppointmentEventKindEnum = graphene.Enum.from_enum(
    AppointmentEventKind,
    name="AppointmentEventKind",
    description=_labels("What happened to an appointment."),
)


class AppointmentServiceNode(DjangoObjectType):
    """One service of an appointment, at its own time in the sequence, with the
    price quoted when it was booked."""

    class Meta:
        model = AppointmentService
        name = "AppointmentService"
        fields = ("position", "starts_at", "ends_at", "price_cents", "currency")

    service = graphene.Field(ServiceNode, required=True, description="The catalog service.")
    position = graphene.Int(required=True, description="0 for the first service, then 1, ...")
    starts_at = graphene.DateTime(required=True, description="In UTC.")
    ends_at = graphene.DateTime(required=True, description="In UTC, after `startsAt`.")
    price_cents = graphene.Int(
        required=True, description="The price when booked, in the currency's cents."
    )
    currency = graphene.String(required=True, description="ISO 4217 code, e.g. USD.")

    # core/graphql/projection.py: the service is joined, and read as selected.
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {"service": ("service",)}

    @staticmethod
    def resolve_service(root: AppointmentService, info):
        # Lists join it (tenant_apps/scheduling/selectors/appointments.py).
        return root.service


def _global_ids(type_name: str, pks: Any) -> list[str] | None:
    if not isinstance(pks, list):
        return None
    return [to_global_id(type_name, pk) for pk in pks]


class AppointmentEventNode(DjangoObjectType):
    """Something that happened to an appointment: booked, moved (with what it had
    before), a status change, or new notes."""

    class Meta:
        model = AppointmentEvent
        name = "AppointmentEvent"
        fields = ("occurred_at", "actor_role")

    kind = graphene.Field(AppointmentEventKindEnum, required=True)
    occurred_at = graphene.DateTime(required=True, description="In UTC.")
    actor_user_id = graphene.ID(
        description="The user id of who did it (as `me { id }` gives it); null: the client "
        "online, or the system."
    )
    actor_role = graphene.String(
        required=True, description="Their role then (owner, provider, ...), or anonymous."
    )
    from_status = graphene.Field(
        AppointmentStatusEnum, description="For a status change: the status before."
    )
    to_status = graphene.Field(
        AppointmentStatusEnum,
        description="For a booking or a status change: the status after.",
    )
    previous_starts_at = graphene.DateTime(description="For a move: the start before.")
    previous_ends_at = graphene.DateTime(description="For a move: the end before.")
    previous_provider_id = graphene.ID(description="For a move: the StaffMember before.")
    previous_service_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="For a move: the Services before, in order."
    )
    previous_resource_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="For a move: the Resources held before."
    )

    @staticmethod
    def resolve_kind(root: AppointmentEvent, info):
        return root.kind

    @staticmethod
    def resolve_actor_user_id(root: AppointmentEvent, info):
        return root.actor_user_id

    @staticmethod
    def resolve_from_status(root: AppointmentEvent, info):
        return root.from_status or None

    @staticmethod
    def resolve_to_status(root: AppointmentEvent, info):
        return root.to_status or None

    @staticmethod
    def resolve_previous_starts_at(root: AppointmentEvent, info):
        value = root.previous.get("starts_at")
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None

    @staticmethod
    def resolve_previous_ends_at(root: AppointmentEvent, info):
        value = root.previous.get("ends_at")
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None

    @staticmethod
    def resolve_previous_provider_id(root: AppointmentEvent, info):
        pk = root.previous.get("provider_id")
        return to_global_id("StaffMember", pk) if isinstance(pk, int) else None

    @staticmethod
    def resolve_previous_service_ids(root: AppointmentEvent, info):
        return _global_ids("Service", root.previous.get("service_ids"))

    @staticmethod
    def resolve_previous_resource_ids(root: AppointmentEvent, info):
        return _global_ids("Resource", root.previous.get("resource_ids"))


class AppointmentNode(DjangoObjectType):
    """A client's visit: one provider performs one or more services back to back,
    in rooms and with devices held for them. Reading its client is logged in the
    PHI audit log, as every read of a client is."""

    class Meta:
        model = Appointment
        name = "Appointment"
        interfaces = (SpaNode,)
        fields = (
            "client",
            "provider",
            "location",
            "starts_at",
            "ends_at",
            "blocked_from",
            "blocked_until",
            "notes",
            "cancellation_reason",
            "cancelled_at",
            "created_at",
            "updated_at",
        )

    client = graphene.Field(ClientNode, required=True, description="Who is seen.")
    provider = graphene.Field(StaffMemberNode, required=True, description="Who treats them.")
    location = graphene.Field(LocationNode, required=True, description="Where.")
    status = graphene.Field(AppointmentStatusEnum, required=True)
    source = graphene.Field(AppointmentSourceEnum, required=True)
    starts_at = graphene.DateTime(required=True, description="When the client is seen, in UTC.")
    ends_at = graphene.DateTime(required=True, description="When the last service ends, in UTC.")
    blocked_from = graphene.DateTime(
        required=True, description="The provider is busy from here: `startsAt` less preparation."
    )
    blocked_until = graphene.DateTime(
        required=True, description="The provider is busy until here: `endsAt` plus clean-up."
    )
    notes = graphene.String(required=True, description="For the team; may be empty.")
    cancellation_reason = graphene.String(
        required=True, description="Why it was cancelled; empty unless cancelled."
    )
    cancelled_at = graphene.DateTime(description="When it was cancelled; null unless cancelled.")
    booked_by_user_id = graphene.ID(
        description="The user id of who booked it; null: booked online or by the system."
    )
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    services = graphene.List(
        graphene.NonNull(AppointmentServiceNode),
        required=True,
        description="The services, in the order they are performed.",
    )
    resources = graphene.List(
        graphene.NonNull(ResourceNode),
        required=True,
        description="The rooms and devices it holds.",
    )
    history = graphene.List(
        graphene.NonNull(AppointmentEventNode),
        required=True,
        description="What happened to it, oldest first.",
    )

    # What the resolvers read, for lists that load only the selected columns
    # (core/graphql/projection.py); the relations are prefetched by key.
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {
        "status": ("status",),
        "source": ("source",),
        "booked_by_user_id": ("booked_by_user_id",),
        "services": (),
        "resources": (),
        "history": (),
    }

    @classmethod
    def get_node(cls, info, id):
        scope = provider_scope(getattr(info.context, "membership", None))
        return appointment_list(provider_user_id=scope).filter(pk=id).first()

    @staticmethod
    def resolve_status(root: Appointment, info):
        return root.status

    @staticmethod
    def resolve_source(root: Appointment, info):
        return root.source

    @staticmethod
    def resolve_booked_by_user_id(root: Appointment, info):
        return root.booked_by_user_id

    # Lists prefetch what a query selects (tenant_apps/scheduling/graphql/queries.py); a single
    # appointment loads each relation with one query.
    @staticmethod
    def resolve_services(root: Appointment, info):
        return appointment_lines(root)

    @staticmethod
    def resolve_resources(root: Appointment, info):
        return [booking.resource for booking in appointment_resource_bookings(root)]

    @staticmethod
    def resolve_history(root: Appointment, info):
        return root.history.all()


class AppointmentConnection(CountableConnection):
    """A page of appointments, by start time."""

    class Meta:
        node = AppointmentNode


class SlotServiceType(graphene.ObjectType):
    """One service of a slot, at its own time in the sequence."""

    class Meta:
        name = "SlotService"

    service = graphene.Field(ServiceNode, required=True)
    starts_at = graphene.DateTime(required=True, description="In UTC.")
    ends_at = graphene.DateTime(required=True, description="In UTC.")


class SlotType(graphene.ObjectType):
    """A start at which the services can be booked with this provider, with the
    rooms and devices that would be held (chosen again when booking)."""

    class Meta:
        name = "Slot"

    starts_at = graphene.DateTime(required=True, description="In UTC.")
    ends_at = graphene.DateTime(required=True, description="In UTC.")
    provider = graphene.Field(StaffMemberNode, required=True)
    services = graphene.List(
        graphene.NonNull(SlotServiceType), required=True, description="In order."
    )
    resources = graphene.List(
        graphene.NonNull(ResourceNode), required=True, description="The rooms and devices."
    )
