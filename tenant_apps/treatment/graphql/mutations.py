"""Check-in through the treatment gate (moved here from the calendar's API:
same name and payload). An appointment with forms missing, expired or a
treatment consent declined is refused with TREATMENT_GATE_BLOCKED, naming the
forms; an owner or manager may check it in anyway with `overrideReason`,
which is recorded (GateOverride) and audited."""

from __future__ import annotations

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from core.errors import field_error
from core.graphql.arguments import record_pk
from core.graphql.mutations import SpaMutation
from shared_apps.accounts.models import Role
from shared_apps.accounts.permissions import MEMBERS
from tenant_apps.audit.services import Actor
from tenant_apps.scheduling.graphql.types import AppointmentNode, provider_scope
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services.changes import appointment_set_status
from tenant_apps.treatment.errors import TreatmentErrorCode
from tenant_apps.treatment.gate import (
    MAX_REASON,
    blocked_message,
    gate_check,
    gate_override,
)
from tenant_apps.treatment.graphql.types import TreatmentError
from tenant_apps.treatment.models import GateAction

OVERRIDERS = (Role.OWNER, Role.MANAGER)


class CheckInAppointment(SpaMutation):
    """Mark the client arrived (from booked or confirmed), once the treatment
    gate lets the appointment through: TREATMENT_GATE_BLOCKED lists the forms
    missing. An owner or manager may pass it with `overrideReason`
    (OVERRIDE_NOT_ALLOWED for anyone else)."""

    permission = MEMBERS
    error_codes = frozenset(TreatmentErrorCode)

    class Arguments:
        id = graphene.ID(required=True, description="The Appointment.")
        override_reason = graphene.String(
            description="Owners and managers: check in although forms are missing, and why "
            f"(up to {MAX_REASON} characters; recorded and audited)."
        )

    errors = graphene.List(
        graphene.NonNull(TreatmentError),
        required=True,
        description="Why nothing was changed; empty on success.",
    )
    appointment = graphene.Field(AppointmentNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, override_reason=None):
        actor = Actor.of_request(info.context)
        scope = provider_scope(membership)
        pk = record_pk(id, "Appointment")
        with transaction.atomic():
            rows = Appointment.objects.filter(pk=pk)
            if scope is not None:
                rows = rows.filter(provider__user_id=scope)
            appointment = rows.first()
            if appointment is None:
                raise field_error(TreatmentErrorCode.NOT_FOUND, "No such appointment.", "id")
            readiness = gate_check(appointment=appointment, action=GateAction.CHECK_IN)
            if not readiness.ready and appointment.status in (
                AppointmentStatus.BOOKED,
                AppointmentStatus.CONFIRMED,
            ):
                if override_reason is None or not override_reason.strip():
                    raise field_error(
                        TreatmentErrorCode.TREATMENT_GATE_BLOCKED, blocked_message(readiness)
                    )
                if membership is None or membership.role not in OVERRIDERS:
                    raise field_error(
                        TreatmentErrorCode.OVERRIDE_NOT_ALLOWED,
                        "Only an owner or a manager may override the treatment gate.",
                        "override_reason",
                    )
                gate_override(
                    actor=actor,
                    appointment=appointment,
                    action=GateAction.CHECK_IN,
                    readiness=readiness,
                    reason=override_reason,
                )
            try:
                checked_in = appointment_set_status(
                    actor=actor,
                    appointment_id=pk,
                    status=AppointmentStatus.CHECKED_IN,
                    provider_scope=scope,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "status" in exc.error_dict:
                    errors = dict(exc.error_dict)
                    errors.setdefault(NON_FIELD_ERRORS, []).extend(errors.pop("status"))
                    raise ValidationError(errors) from exc
                raise
        return cls(errors=[], appointment=checked_in)


class TreatmentMutations(graphene.ObjectType):
    check_in_appointment = CheckInAppointment.Field()
