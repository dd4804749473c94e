"""Booking, moving and progressing appointments at the desk.

Any member may call these; a member with the provider role only for their own
appointments (another provider's answer NOT_FOUND, as if they did not exist).
Every change is recorded in the appointment's history and the PHI audit log.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.errors import field_error
from core.graphql.arguments import record_pk
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MEMBERS
from tenant_apps.audit.services import Actor
from tenant_apps.scheduling.errors import AppointmentErrorCode
from tenant_apps.scheduling.graphql.types import (
    AppointmentError,
    AppointmentNode,
    provider_scope,
)
from tenant_apps.scheduling.models import AppointmentStatus
from tenant_apps.scheduling.selectors.availability import MAX_SERVICES
from tenant_apps.scheduling.services.booking import MAX_NOTES, appointment_book
from tenant_apps.scheduling.services.changes import (
    MAX_REASON,
    appointment_reschedule,
    appointment_set_notes,
    appointment_set_status,
)


class AppointmentMutation(SpaMutation):
    class Meta:
        abstract = True

    permission = MEMBERS
    error_codes = frozenset(AppointmentErrorCode)
    errors = graphene.List(
        graphene.NonNull(AppointmentError),
        required=True,
        description="Why nothing was changed; empty on success.",
    )
    appointment = graphene.Field(AppointmentNode, description="Null on errors.")


def _service_pks(service_ids: list[str]) -> list[int | None]:
    # An ID that names no service here stays None: the service reports NOT_FOUND.
    return [pk_from_global_id(global_id, "Service") for global_id in service_ids]


_SERVICES = f"The Services, performed back to back in this order (1 to {MAX_SERVICES})."
_STARTS_AT = "When the first service starts, with its UTC offset. Any minute will do."


class BookAppointmentInput(graphene.InputObjectType):
    """A new appointment."""

    client_id = graphene.ID(required=True, description="The Client.")
    provider_id = graphene.ID(
        required=True, description="The StaffMember who treats them (a provider: themselves)."
    )
    location_id = graphene.ID(required=True, description="The Location.")
    service_ids = graphene.List(graphene.NonNull(graphene.ID), required=True, description=_SERVICES)
    starts_at = graphene.DateTime(required=True, description=_STARTS_AT)
    notes = graphene.String(description=f"For the team, up to {MAX_NOTES} characters.")


class BookAppointment(AppointmentMutation):
    """Book a client with a provider for services back to back; the rooms and
    devices they need are chosen and held. Opening hours, working hours,
    credentials and everyone's other appointments are kept (the online booking
    notice and horizon are not). SLOT_TAKEN when someone got there first."""

    class Arguments:
        input = BookAppointmentInput(required=True, description="The appointment.")

    @classmethod
    def perform(cls, root, info, membership, input):
        appointment = appointment_book(
            actor=Actor.of_request(info.context),
            client_id=pk_from_global_id(input.client_id, "Client"),
            provider_id=pk_from_global_id(input.provider_id, "StaffMember"),
            location_id=pk_from_global_id(input.location_id, "Location"),
            service_ids=_service_pks(input.service_ids),
            starts_at=input.starts_at,
            notes=input.notes or "",
            provider_scope=provider_scope(membership),
        )
        return cls(appointment=appointment)


class RescheduleAppointment(AppointmentMutation):
    """Move a booked or confirmed appointment to another time, and optionally to
    another provider or other services; rooms and devices are chosen afresh.
    The history keeps what it had before."""

    class Arguments:
        id = graphene.ID(required=True, description="The Appointment.")
        starts_at = graphene.DateTime(required=True, description=_STARTS_AT)
        provider_id = graphene.ID(description="Another StaffMember; null: the same.")
        service_ids = graphene.List(
            graphene.NonNull(graphene.ID), description=f"{_SERVICES} Null: the same."
        )

    @classmethod
    def perform(cls, root, info, membership, id, starts_at, provider_id=None, service_ids=None):
        appointment_pk = record_pk(id, "Appointment")
        provider_pk = None
        if provider_id is not None:
            provider_pk = pk_from_global_id(provider_id, "StaffMember")
            if provider_pk is None:
                # Not "the same provider": an ID that names no one here.
                raise field_error(
                    AppointmentErrorCode.NOT_FOUND, "No such provider.", "provider_id"
                )
        appointment = appointment_reschedule(
            actor=Actor.of_request(info.context),
            appointment_id=appointment_pk,
            starts_at=starts_at,
            provider_id=provider_pk,
            service_ids=_service_pks(service_ids) if service_ids is not None else None,
            provider_scope=provider_scope(membership),
        )
        return cls(appointment=appointment)


def _set_status(info: Any, membership: Any, id: str, status: str, reason: str = "") -> Any:
    try:
        return appointment_set_status(
            actor=Actor.of_request(info.context),
            appointment_id=record_pk(id, "Appointment"),
            status=status,
            reason=reason,
            provider_scope=provider_scope(membership),
        )
    except ValidationError as exc:
        # The service names `status`, which these mutations take no argument for:
        # the refusal is about the appointment as a whole.
        if hasattr(exc, "error_dict") and "status" in exc.error_dict:
            errors = dict(exc.error_dict)
            errors.setdefault(NON_FIELD_ERRORS, []).extend(errors.pop("status"))
            raise ValidationError(errors) from exc
        raise


class CancelAppointment(AppointmentMutation):
    """Cancel an appointment (not one completed or already over), freeing its
    time, rooms and devices. The reason is kept on it."""

    class Arguments:
        id = graphene.ID(required=True, description="The Appointment.")
        reason = graphene.String(
            required=True, description=f"Why, for the team (up to {MAX_REASON} characters)."
        )

    @classmethod
    def perform(cls, root, info, membership, id, reason):
        return cls(
            appointment=_set_status(info, membership, id, AppointmentStatus.CANCELLED, reason)
        )


class _StatusMutation(AppointmentMutation):
    class Meta:
        abstract = True

    status: str

    class Arguments:
        id = graphene.ID(required=True, description="The Appointment.")

    @classmethod
    def perform(cls, root, info, membership, id):
        return cls(appointment=_set_status(info, membership, id, cls.status))


class ConfirmAppointment(_StatusMutation):
    """Mark a booked appointment confirmed by the client."""

    status = AppointmentStatus.CONFIRMED


class CompleteAppointment(_StatusMutation):
    """Mark a checked-in appointment done."""

    status = AppointmentStatus.COMPLETED


class MarkNoShow(_StatusMutation):
    """Mark that the client did not come (once the start has passed), freeing the
    rooms and devices for the rest of the slot."""

    status = AppointmentStatus.NO_SHOW


class UpdateAppointmentNotes(AppointmentMutation):
    """Replace an appointment's notes for the team."""

    class Arguments:
        id = graphene.ID(required=True, description="The Appointment.")
        notes = graphene.String(
            required=True, description=f"Up to {MAX_NOTES} characters; empty clears them."
        )

    @classmethod
    def perform(cls, root, info, membership, id, notes):
        appointment = appointment_set_notes(
            actor=Actor.of_request(info.context),
            appointment_id=record_pk(id, "Appointment"),
            notes=notes,
            provider_scope=provider_scope(membership),
        )
        return cls(appointment=appointment)


class SchedulingMutations(graphene.ObjectType):
    book_appointment = BookAppointment.Field()
    reschedule_appointment = RescheduleAppointment.Field()
    cancel_appointment = CancelAppointment.Field()
    confirm_appointment = ConfirmAppointment.Field()
    complete_appointment = CompleteAppointment.Field()
    mark_no_show = MarkNoShow.Field()
    update_appointment_notes = UpdateAppointmentNotes.Field()
