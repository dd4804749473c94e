"""Forms' root queries in the spa API. Any member reads templates and the
forms an appointment needs (a provider only for their own appointments, as on
the calendar); responses are part of the client's record, read by the members
who read clients, and every read is logged in the PHI audit log."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Prefetch
from graphene import relay

from core.graphql.arguments import enum_value
from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id, to_global_id
from core.graphql.selection import selects
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_read_purpose, audit_record
from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.forms import selectors
from tenant_apps.forms.graphql.types import (
    AppointmentFormsType,
    FormKindEnum,
    FormResponseConnection,
    FormResponseNode,
    FormStatusType,
    FormTemplateNode,
    FormVersionNode,
    ServiceRequiredFormsType,
)
from tenant_apps.forms.models import FormResponse, FormTemplate, FormVersion, ServiceForm
from tenant_apps.scheduling.graphql.types import provider_scope
from tenant_apps.scheduling.models import Appointment

RESPONSES_NEWEST = Keyset("form-responses-newest", ("-submitted_at", "-id"))
MAX_SERVICE_IDS = 100
MAX_APPOINTMENT_IDS = 200


def _template_prefetches(info: Any, prefix: tuple[str, ...] = ()) -> list[Any]:
    prefetches: list[Any] = []
    if (
        selects(info, *prefix, "versions")
        or selects(info, *prefix, "latestVersion")
        or selects(info, *prefix, "hasUnpublishedChanges")
    ):
        prefetches.append(Prefetch("versions", queryset=FormVersion.objects.order_by("-number")))
    if selects(info, *prefix, "requiredByServices"):
        prefetches.append(
            Prefetch(
                "service_requirements",
                queryset=ServiceForm.objects.select_related("service"),
            )
        )
    return prefetches


class FormQueries(graphene.ObjectType):
    form_templates = graphene.List(
        graphene.NonNull(FormTemplateNode),
        required=True,
        kind=graphene.Argument(FormKindEnum),
        include_archived=graphene.Boolean(default_value=False),
        description="The spa's form templates, by name.",
    )
    form_template = graphene.Field(
        FormTemplateNode,
        id=graphene.ID(required=True),
        description="One template, archived or not; null for an unknown ID.",
    )
    form_version = graphene.Field(
        FormVersionNode,
        id=graphene.ID(required=True),
        description="One published version; null for an unknown ID.",
    )
    service_required_forms = graphene.List(
        graphene.NonNull(ServiceRequiredFormsType),
        required=True,
        service_ids=graphene.List(graphene.NonNull(graphene.ID), required=True),
        description=f"The live forms each service requires (at most {MAX_SERVICE_IDS} "
        "services; unknown IDs are left out).",
    )
    client_form_responses = relay.ConnectionField(
        FormResponseConnection,
        client_id=graphene.ID(required=True),
        description="A client's form responses, newest first. Logged as a read of the client.",
    )
    form_response = graphene.Field(
        FormResponseNode,
        id=graphene.ID(required=True),
        description="One response with its answers and signature evidence; null for an "
        "unknown ID. Logged as a view of the client.",
    )
    appointment_forms = graphene.List(
        graphene.NonNull(FormStatusType),
        appointment_id=graphene.ID(required=True),
        description="The forms an appointment's services require and where each stands "
        "for its client; null for an unknown appointment (or, for a provider, another's).",
    )
    appointments_forms = graphene.List(
        graphene.NonNull(AppointmentFormsType),
        required=True,
        appointment_ids=graphene.List(graphene.NonNull(graphene.ID), required=True),
        description=f"appointmentForms for many appointments at once (at most "
        f"{MAX_APPOINTMENT_IDS}; a calendar's page): four queries whatever their number. "
        "Unknown IDs (and, for a provider, others' appointments) are left out.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_form_templates(
        root: Any, info: Any, include_archived: bool, kind: Any = None
    ) -> list[FormTemplate]:
        templates = selectors.form_template_list(
            kind=enum_value(kind), include_archived=include_archived
        )
        return list(templates.prefetch_related(*_template_prefetches(info)))

    @staticmethod
    @permission(MEMBERS)
    def resolve_form_template(root: Any, info: Any, id: str) -> FormTemplate | None:
        pk = pk_from_global_id(id, "FormTemplate")
        if pk is None:
            return None
        return (
            FormTemplate.objects.filter(pk=pk).prefetch_related(*_template_prefetches(info)).first()
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_form_version(root: Any, info: Any, id: str) -> FormVersion | None:
        return selectors.form_version_get(version_id=pk_from_global_id(id, "FormVersion"))

    @staticmethod
    @permission(MEMBERS)
    def resolve_service_required_forms(
        root: Any, info: Any, service_ids: list[str]
    ) -> list[dict[str, Any]]:
        pks = [pk for pk in (pk_from_global_id(s, "Service") for s in service_ids) if pk]
        pks = list(dict.fromkeys(pks))[:MAX_SERVICE_IDS]
        known = set(Service.objects.filter(pk__in=pks).values_list("pk", flat=True))
        required = selectors.service_required_forms(service_ids=[pk for pk in pks if pk in known])
        return [
            {"service_id": to_global_id("Service", pk), "templates": templates}
            for pk, templates in required.items()
        ]

    @staticmethod
    @permission(MEMBERS)
    def resolve_client_form_responses(root: Any, info: Any, client_id: str, **page: Any) -> Any:
        pk = pk_from_global_id(client_id, "Client")
        if pk is None or not Client.objects.filter(pk=pk).exists():
            responses = FormResponse.objects.none()
        else:
            # Each response whose fields are resolved is logged (config/urls_tenant.py).
            audit_read_purpose(info, AuditAction.LIST)
            responses = selectors.client_form_responses(client_id=pk).select_related(
                "version", "client"
            )
            if selects(info, "edges", "node", "signature"):
                responses = responses.select_related("signature")
        return paginate(
            responses, connection_type=FormResponseConnection, keyset=RESPONSES_NEWEST, **page
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_form_response(root: Any, info: Any, id: str) -> FormResponse | None:
        # Logged as a view of the client when its fields are resolved (config/urls_tenant.py).
        return selectors.form_response_get(response_id=pk_from_global_id(id, "FormResponse"))

    @staticmethod
    @permission(MEMBERS)
    def resolve_appointment_forms(root: Any, info: Any, appointment_id: str) -> Any:
        pk = pk_from_global_id(appointment_id, "Appointment")
        if pk is None:
            return None
        appointments = Appointment.objects.filter(pk=pk)
        provider = provider_scope(getattr(info.context, "membership", None))
        if provider is not None:
            appointments = appointments.filter(provider__user_id=provider)
        client_id = appointments.values_list("client_id", flat=True).first()
        if client_id is None:
            return None
        # What a client has signed is part of their record.
        audit_record(
            actor=Actor.of_request(info.context), action=AuditAction.VIEW, client_ids=[client_id]
        )
        return selectors.appointments_forms_status(appointment_ids=[pk]).get(pk, [])

    @staticmethod
    @permission(MEMBERS)
    def resolve_appointments_forms(root: Any, info: Any, appointment_ids: list[str]) -> Any:
        pks = [pk for pk in (pk_from_global_id(a, "Appointment") for a in appointment_ids) if pk]
        pks = list(dict.fromkeys(pks))[:MAX_APPOINTMENT_IDS]
        appointments = Appointment.objects.filter(pk__in=pks)
        provider = provider_scope(getattr(info.context, "membership", None))
        if provider is not None:
            appointments = appointments.filter(provider__user_id=provider)
        visible = dict(appointments.values_list("pk", "client_id"))
        if not visible:
            return []
        audit_record(
            actor=Actor.of_request(info.context),
            action=AuditAction.LIST,
            client_ids=set(visible.values()),
        )
        statuses = selectors.appointments_forms_status(appointment_ids=list(visible))
        return [
            {"appointment_id": to_global_id("Appointment", pk), "forms": statuses.get(pk, [])}
            for pk in pks
            if pk in visible
        ]
