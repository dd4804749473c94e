"""Forms in the spa API: templates (the draft being edited), their published
versions, patients' responses with their signature evidence, and where each
required form stands for an appointment. Schemas and answers travel as JSON
strings in the shape of tenant_apps/forms/schema.py."""

from __future__ import annotations

from typing import Any

import graphene
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode, to_global_id
from core.graphql.scalars import JSONString
from tenant_apps.catalog.graphql.types import ServiceNode
from tenant_apps.catalog.models import Service
from tenant_apps.clients.graphql.types import ClientNode
from tenant_apps.forms.errors import FormErrorCode
from tenant_apps.forms.models import (
    Decision,
    FormKind,
    FormResponse,
    FormTemplate,
    FormVersion,
    PhotoScope,
    Renewal,
    ResponseSource,
    Signature,
)

FormErrorCodeEnum, FormError = error_type("Form", FormErrorCode)

FormKindEnum = graphene.Enum.from_enum(
    FormKind,
    name="FormKind",
    description="Medical intake, treatment consent, photo consent or policy.",
)
RenewalEnum = graphene.Enum.from_enum(
    Renewal,
    name="FormRenewal",
    description="How long a response counts: once, for one visit, or for N months.",
)
DecisionEnum = graphene.Enum.from_enum(
    Decision,
    name="FormDecision",
    description="Completed (intake, policy); accepted or declined (consents).",
)
PhotoScopeEnum = graphene.Enum.from_enum(
    PhotoScope, name="PhotoScope", description="What an accepted photo consent allows."
)
ResponseSourceEnum = graphene.Enum.from_enum(
    ResponseSource, name="FormResponseSource", description="How a response was given."
)


class FormStateEnum(graphene.Enum):
    """Where a required form stands for an appointment."""

    class Meta:
        name = "FormState"

    MISSING = "missing"
    EXPIRED = "expired"
    DECLINED = "declined"
    COMPLETE = "complete"


class FormVersionNode(DjangoObjectType):
    """A published, immutable version of a form: what patients are shown."""

    class Meta:
        model = FormVersion
        name = "FormVersion"
        interfaces = (SpaNode,)
        fields = ("number", "title", "content_hash", "published_at")

    kind = graphene.Field(FormKindEnum, required=True)
    schema = JSONString(
        required=True, description="The form's sections and fields (tenant_apps/forms/schema.py)."
    )
    template_id = graphene.ID(required=True, description="The template's global ID.")

    @staticmethod
    def resolve_template_id(root: FormVersion, info: Any) -> str:
        return to_global_id("FormTemplate", root.template_id)


class FormTemplateNode(DjangoObjectType):
    """A form the spa edits as a draft and publishes as numbered versions."""

    class Meta:
        model = FormTemplate
        name = "FormTemplate"
        interfaces = (SpaNode,)
        fields = (
            "name",
            "description",
            "renewal_months",
            "starter_key",
            "archived_at",
            "created_at",
            "updated_at",
        )

    kind = graphene.Field(FormKindEnum, required=True)
    renewal = graphene.Field(RenewalEnum, required=True)
    draft = JSONString(
        required=True, description="The schema being edited (tenant_apps/forms/schema.py)."
    )
    is_archived = graphene.Boolean(required=True)
    versions = graphene.List(
        graphene.NonNull(FormVersionNode), required=True, description="Newest first."
    )
    latest_version = graphene.Field(FormVersionNode, description="Null until published.")
    has_unpublished_changes = graphene.Boolean(
        required=True, description="The draft differs from the latest version (or none exists)."
    )
    required_by_services = graphene.List(
        graphene.NonNull(ServiceNode), required=True, description="The services requiring it."
    )

    @staticmethod
    def resolve_is_archived(root: FormTemplate, info: Any) -> bool:
        return root.archived_at is not None

    @staticmethod
    def resolve_versions(root: FormTemplate, info: Any) -> list[FormVersion]:
        return sorted(root.versions.all(), key=lambda v: -v.number)

    @staticmethod
    def resolve_latest_version(root: FormTemplate, info: Any) -> FormVersion | None:
        versions = FormTemplateNode.resolve_versions(root, info)
        return versions[0] if versions else None

    @staticmethod
    def resolve_has_unpublished_changes(root: FormTemplate, info: Any) -> bool:
        latest = FormTemplateNode.resolve_latest_version(root, info)
        return (
            latest is None
            or latest.schema != (root.draft or {"sections": []})
            or (latest.title != root.name)
        )

    @staticmethod
    def resolve_required_by_services(root: FormTemplate, info: Any) -> list[Service]:
        return sorted(
            (row.service for row in root.service_requirements.all()),
            key=lambda s: (s.name, s.pk),
        )


class SignatureType(graphene.ObjectType):
    """The evidence of an electronic signature (ESIGN/UETA)."""

    class Meta:
        name = "FormSignature"

    typed_name = graphene.String(required=True)
    drawn_image_file_id = graphene.ID(description="The drawn signature's stored file, if any.")
    meaning = graphene.String(required=True, description="What signing meant, as shown.")
    disclosure_version = graphene.String(
        required=True, description="The electronic-records disclosure accepted."
    )
    electronic_consent_at = graphene.DateTime(required=True)
    signed_at = graphene.DateTime(required=True)
    ip_address = graphene.String()
    user_agent = graphene.String(required=True)
    document_hash = graphene.String(required=True)

    @staticmethod
    def resolve_drawn_image_file_id(root: Signature, info: Any) -> str | None:
        return to_global_id("StoredFile", root.drawn_image_id) if root.drawn_image_id else None


class FormResponseNode(DjangoObjectType):
    """A client's answers to one form version, never changed once recorded.
    Reading one is logged in the PHI audit log."""

    class Meta:
        model = FormResponse
        name = "FormResponse"
        interfaces = (SpaNode,)
        fields = ("shown_hash", "document_hash", "submitted_at", "valid_until")

    client = graphene.Field(ClientNode, required=True)
    version = graphene.Field(FormVersionNode, required=True)
    appointment_id = graphene.ID(description="The appointment it was given for, if any.")
    answers = JSONString(required=True, description="Keyed by field key.")
    decision = graphene.Field(DecisionEnum, required=True)
    photo_scope = graphene.Field(PhotoScopeEnum, description="An accepted photo consent's scope.")
    source = graphene.Field(ResponseSourceEnum, required=True)
    entered_by_user_id = graphene.ID(description="The staff member who entered it, if one did.")
    signature = graphene.Field(SignatureType, description="Null for a form without signature.")

    @staticmethod
    def resolve_appointment_id(root: FormResponse, info: Any) -> str | None:
        return to_global_id("Appointment", root.appointment_id) if root.appointment_id else None

    @staticmethod
    def resolve_photo_scope(root: FormResponse, info: Any) -> str | None:
        return root.photo_scope or None

    @staticmethod
    def resolve_entered_by_user_id(root: FormResponse, info: Any) -> str | None:
        return to_global_id("User", root.entered_by_user_id) if root.entered_by_user_id else None

    @staticmethod
    def resolve_signature(root: FormResponse, info: Any) -> Signature | None:
        try:
            return root.signature
        except Signature.DoesNotExist:
            return None


class FormResponseConnection(CountableConnection):
    class Meta:
        node = FormResponseNode


class FormStatusType(graphene.ObjectType):
    """One form an appointment's services require, and where it stands."""

    class Meta:
        name = "FormStatus"

    template = graphene.Field(FormTemplateNode, required=True)
    state = graphene.Field(FormStateEnum, required=True)
    response_id = graphene.ID(description="The response that counts (or expired), if any.")
    valid_until = graphene.DateTime(description="When that response stops counting, if it does.")

    @staticmethod
    def resolve_response_id(root: Any, info: Any) -> str | None:
        return to_global_id("FormResponse", root.response_id) if root.response_id else None


class ServiceRequiredFormsType(graphene.ObjectType):
    """The forms one service requires."""

    class Meta:
        name = "ServiceRequiredForms"

    service_id = graphene.ID(required=True)
    templates = graphene.List(graphene.NonNull(FormTemplateNode), required=True)


class AppointmentFormsType(graphene.ObjectType):
    """The required forms of one appointment."""

    class Meta:
        name = "AppointmentForms"

    appointment_id = graphene.ID(required=True)
    forms = graphene.List(graphene.NonNull(FormStatusType), required=True)
