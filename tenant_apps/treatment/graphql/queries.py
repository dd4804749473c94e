"""The treatment gate's reads: which appointments are ready, and what blocks
the others (form names only)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from graphql import GraphQLError

from core.graphql.mutations import errors_from
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.scheduling.graphql.types import provider_scope
from tenant_apps.scheduling.models import Appointment
from tenant_apps.treatment.errors import TreatmentErrorCode
from tenant_apps.treatment.gate import MAX_IDS, appointments_readiness
from tenant_apps.treatment.graphql.types import AppointmentReadiness


class TreatmentQueries(graphene.ObjectType):
    appointment_readiness = graphene.List(
        graphene.NonNull(AppointmentReadiness),
        required=True,
        ids=graphene.List(
            graphene.NonNull(graphene.ID),
            required=True,
            description=f"Appointments (at most {MAX_IDS}).",
        ),
        description="Each appointment's readiness for check-in, in the order asked; IDs "
        "that name no appointment here (or, for a provider, not theirs) are left out.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_appointment_readiness(root: Any, info: Any, ids: list[str]) -> list[Any]:
        if len(ids) > MAX_IDS:
            raise GraphQLError(
                f"Ask for at most {MAX_IDS} appointments.",
                extensions={"code": str(TreatmentErrorCode.TOO_MANY_IDS), "field": "ids"},
            )
        pks = [pk for pk in (pk_from_global_id(i, "Appointment") for i in ids) if pk is not None]
        rows = Appointment.objects.filter(pk__in=pks)
        scope = provider_scope(getattr(info.context, "membership", None))
        if scope is not None:
            rows = rows.filter(provider__user_id=scope)
        visible = dict(rows.values_list("pk", "client_id"))
        wanted = [pk for pk in dict.fromkeys(pks) if pk in visible]
        if visible:
            # Which consents a client declined or lacks is part of their record
            # (as appointmentsForms, tenant_apps/forms/graphql/queries.py).
            audit_record(
                actor=Actor.of_request(info.context),
                action=AuditAction.LIST,
                client_ids=set(visible.values()),
            )
        try:
            readiness = appointments_readiness(appointment_ids=wanted)
        except ValidationError as exc:  # pragma: no cover (the count is checked above)
            first = errors_from(exc, frozenset(TreatmentErrorCode))[0]
            raise GraphQLError(first["message"], extensions={"code": first["code"]}) from None
        return [
            SimpleNamespace(appointment_id=pk, ready=r.ready, blockers=r.blockers)
            for pk in wanted
            if (r := readiness.get(pk)) is not None
        ]
