"""The patient's forms link in the public booking API (config/schema_booking.py):
`formRequest` opens a link with the date of birth, `submitFormResponse` sends
one form with its e-signature. Anyone may call them; the token (the part of
the link after `#`) and the date of birth are the only keys. Rate limited per
client address with the booking API (tenant_apps/online_booking/throttling.py,
group "forms"). Nothing of the client's record is shown but the first name."""

from __future__ import annotations

from typing import Any

import graphene
from django.core.exceptions import ValidationError
from graphql import GraphQLError

from core.graphql.mutations import SpaMutation, error_type, errors_from
from core.graphql.relay import pk_from_global_id, to_global_id
from core.graphql.scalars import JSONString
from shared_apps.accounts.permissions import ANYONE, permission
from tenant_apps.files.errors import FilesErrorCode
from tenant_apps.forms.errors import FormErrorCode
from tenant_apps.forms.link_errors import FormLinkErrorCode
from tenant_apps.forms.models import (
    Decision,
    FormKind,
    FormRequest,
    FormRequestItem,
    PhotoScope,
    RequestChannel,
)
from tenant_apps.forms.patient import (
    LinkView,
    SignatureInput,
    form_link_open,
    form_link_submit,
    patient_actor,
)

ITEM_ID = "FormRequestItem"
VERSION_ID = "FormVersion"
# The link's own codes, then the forms' own (answers, decision) and the files
# app's (a drawn signature it cannot read), each once.
CODES: list[str] = list(
    dict.fromkeys(
        [*map(str, FormLinkErrorCode), *map(str, FormErrorCode), *map(str, FilesErrorCode)]
    )
)
_CODE_SET = frozenset(CODES)
FormLinkErrorCodeEnum, FormLinkError = error_type("FormLink", CODES)

PatientFormKind = graphene.Enum("PatientFormKind", [(k.name, k.value) for k in FormKind])
PatientFormDecision = graphene.Enum("PatientFormDecision", [(d.name, d.value) for d in Decision])
PatientPhotoScope = graphene.Enum("PatientPhotoScope", [(s.name, s.value) for s in PhotoScope])


def refusal(exc: ValidationError) -> GraphQLError:
    first = errors_from(exc, _CODE_SET, where="formRequest")[0]
    return GraphQLError(
        first["message"], extensions={"code": first["code"], "field": first["field"]}
    )


class PatientForm(graphene.ObjectType):
    """One form a link asks for, as the patient fills it."""

    item_id = graphene.ID(required=True, description="Pass as `itemId` to send it.")
    version_id = graphene.ID(required=True)
    title = graphene.String(required=True)
    kind = graphene.Field(PatientFormKind, required=True)
    schema = JSONString(
        required=True, description="The form's sections and fields (the form schema contract)."
    )
    content_hash = graphene.String(
        required=True, description="sha256 of the version's title, kind and schema."
    )
    answered = graphene.Boolean(required=True)

    @staticmethod
    def resolve_item_id(root, info):
        return to_global_id(ITEM_ID, root.pk)

    @staticmethod
    def resolve_version_id(root, info):
        return to_global_id(VERSION_ID, root.version_id)

    @staticmethod
    def resolve_title(root, info):
        return root.version.title

    @staticmethod
    def resolve_kind(root, info):
        return root.version.kind

    @staticmethod
    def resolve_schema(root, info):
        return root.version.schema

    @staticmethod
    def resolve_content_hash(root, info):
        return root.version.content_hash

    @staticmethod
    def resolve_answered(root, info):
        return root.response_id is not None


class ElectronicRecordsDisclosure(graphene.ObjectType):
    """The ESIGN consumer disclosure the patient accepts before signing."""

    version = graphene.String(required=True, description="Pass back as `disclosureVersion`.")
    text = graphene.String(required=True)


class PatientFormRequest(graphene.ObjectType):
    """An open forms link, once the date of birth matched."""

    expires_at = graphene.DateTime(required=True)
    spa_name = graphene.String(required=True)
    first_name = graphene.String(required=True, description="The patient's first name only.")
    tablet = graphene.Boolean(required=True, description="Opened on the desk's tablet.")
    forms = graphene.List(graphene.NonNull(PatientForm), required=True)
    disclosure = graphene.Field(ElectronicRecordsDisclosure, required=True)

    @staticmethod
    def resolve_expires_at(root: LinkView, info):
        return root.request.expires_at

    @staticmethod
    def resolve_tablet(root: LinkView, info):
        return root.request.channel == RequestChannel.TABLET

    @staticmethod
    def resolve_forms(root: LinkView, info):
        return root.items

    @staticmethod
    def resolve_disclosure(root: LinkView, info):
        return ElectronicRecordsDisclosure(
            version=root.disclosure_version, text=root.disclosure_text
        )


_TOKEN = "The token of a forms link (the part after `#`)."  # noqa: S105 (a description)
_DOB = "The patient's date of birth; wrong ones are counted and close the link at the limit."


class FormsPatientQueries(graphene.ObjectType):
    form_request = graphene.Field(
        PatientFormRequest,
        required=True,
        token=graphene.String(required=True, description=_TOKEN),
        date_of_birth=graphene.Date(required=True, description=_DOB),
        description="The forms a link asks for. LINK_INVALID for an unknown, expired, used or "
        "revoked link (all alike); DATE_OF_BIRTH_MISMATCH (counted) before anything is shown.",
    )

    @staticmethod
    @permission(ANYONE)
    def resolve_form_request(root: Any, info: Any, token: str, date_of_birth: Any) -> LinkView:
        try:
            return form_link_open(
                actor=patient_actor(info.context), token=token, date_of_birth=date_of_birth
            )
        except ValidationError as exc:
            raise refusal(exc) from None


class ElectronicSignatureInput(graphene.InputObjectType):
    typed_name = graphene.String(required=True, description="The patient's full name, typed.")
    drawn_image = graphene.String(
        description=(
            "The drawn signature, optional (the typed name with intent and the disclosure's "
            "acceptance is the signature): data:image/png;base64,... (max 300 KB)."
        )
    )
    accept_electronic_records = graphene.Boolean(
        required=True, description="The patient agreed to the disclosure (must be true)."
    )
    disclosure_version = graphene.String(
        required=True, description="The `disclosure.version` the patient was shown."
    )
    intent = graphene.Boolean(
        required=True, description="The patient confirmed they mean to sign (must be true)."
    )


class SubmitFormResponse(SpaMutation):
    """Send one form of a link with its answers (and, for a form with a
    signature field, the e-signature). The link closes once every form is
    sent. ALREADY_ANSWERED for a form sent before; answers' errors name the
    field's key and never repeat the answer."""

    permission = ANYONE
    # Commits by itself: a wrong date of birth must stay counted though the
    # mutation reports an error (the service keeps the rest in one transaction).
    autocommit = True
    error_codes = _CODE_SET

    class Arguments:
        token = graphene.String(required=True, description=_TOKEN)
        date_of_birth = graphene.Date(required=True, description=_DOB)
        item_id = graphene.ID(required=True, description="The form's `itemId`.")
        answers = JSONString(
            required=True, description="An object keyed by field key (the answers contract)."
        )
        decision = graphene.Argument(
            PatientFormDecision,
            description="Consents: ACCEPTED or DECLINED; intake and policy: COMPLETED or null.",
        )
        photo_scope = graphene.Argument(
            PatientPhotoScope, description="An accepted photo consent: CLINICAL or MARKETING."
        )
        signature = ElectronicSignatureInput(description="For a form with a signature field.")

    errors = graphene.List(graphene.NonNull(FormLinkError), required=True)
    form = graphene.Field(PatientForm, description="The form, now answered; null on errors.")
    completed = graphene.Boolean(description="True when every form of the link is sent.")

    @classmethod
    def perform(
        cls,
        root,
        info,
        membership,
        token,
        date_of_birth,
        item_id,
        answers,
        decision=None,
        photo_scope=None,
        signature=None,
    ):
        request = info.context
        item_pk = pk_from_global_id(item_id, ITEM_ID)
        response = form_link_submit(
            actor=patient_actor(request),
            token=token,
            date_of_birth=date_of_birth,
            item_id=item_pk,
            answers=answers,
            decision=getattr(decision, "value", decision),
            photo_scope=getattr(photo_scope, "value", photo_scope) or "",
            signature=(
                SignatureInput(
                    typed_name=signature.typed_name,
                    drawn_image=signature.drawn_image or None,
                    accept_electronic_records=bool(signature.accept_electronic_records),
                    disclosure_version=signature.disclosure_version,
                    intent=bool(signature.intent),
                )
                if signature is not None
                else None
            ),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        item = FormRequestItem.objects.select_related("version").get(pk=item_pk)
        completed = FormRequest.objects.filter(
            pk=item.request_id, completed_at__isnull=False
        ).exists()
        assert item.response_id == response.pk
        return cls(errors=[], form=item, completed=completed)


class FormsPatientMutations(graphene.ObjectType):
    submit_form_response = SubmitFormResponse.Field()
