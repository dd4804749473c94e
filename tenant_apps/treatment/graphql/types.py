"""The treatment gate's types: an appointment's readiness and its blockers."""

from __future__ import annotations

import graphene

from core.graphql.mutations import error_type
from core.graphql.relay import to_global_id
from tenant_apps.treatment.errors import TreatmentErrorCode
from tenant_apps.treatment.gate import FORM_DECLINED, FORM_EXPIRED, FORM_MISSING

TreatmentErrorCodeEnum, TreatmentError = error_type("Treatment", TreatmentErrorCode)

GateBlockerCode = graphene.Enum(
    "GateBlockerCode",
    [
        (FORM_MISSING, FORM_MISSING),
        (FORM_EXPIRED, FORM_EXPIRED),
        (FORM_DECLINED, FORM_DECLINED),
    ],
)


class GateBlocker(graphene.ObjectType):
    """A form that keeps an appointment from check-in: missing, expired, or a
    treatment consent the client declined."""

    code = graphene.Field(GateBlockerCode, required=True)
    template_id = graphene.ID(required=True, description="The FormTemplate.")
    template_name = graphene.String(required=True)

    @staticmethod
    def resolve_template_id(root, info):
        return to_global_id("FormTemplate", root.template_id)


class AppointmentReadiness(graphene.ObjectType):
    """Whether an appointment may be checked in (and treated)."""

    appointment_id = graphene.ID(required=True)
    ready = graphene.Boolean(required=True)
    blockers = graphene.List(graphene.NonNull(GateBlocker), required=True)

    @staticmethod
    def resolve_appointment_id(root, info):
        return to_global_id("Appointment", root.appointment_id)
