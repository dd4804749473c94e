"""Sending a patient their forms link from the desk, and the desk's tablet mode
(spa API). The link's token is never stored: `startTabletForms` returns it
once, in the URL's fragment, for the tablet to open."""

from __future__ import annotations

import graphene

from core.graphql.arguments import record_pk
from core.graphql.mutations import SpaMutation, error_type
from shared_apps.accounts.permissions import FRONT_OFFICE
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.forms.events import forms_link_send
from tenant_apps.forms.link_errors import FormLinkErrorCode
from tenant_apps.forms.links import form_request_issue, link_url
from tenant_apps.forms.models import RequestChannel
from tenants.db import connection

_CODES = frozenset(FormLinkErrorCode)
FormsLinkErrorCodeEnum, FormsLinkError = error_type("FormsLink", FormLinkErrorCode)

FormsLinkChannel = graphene.Enum(
    "FormsLinkChannel",
    [("EMAIL", RequestChannel.EMAIL.value), ("SMS", RequestChannel.SMS.value)],
)


class _LinkMutation(SpaMutation):
    class Meta:
        abstract = True

    permission = FRONT_OFFICE
    error_codes = _CODES
    errors = graphene.List(
        graphene.NonNull(FormsLinkError),
        required=True,
        description="Why nothing was sent; empty on success.",
    )
    expires_at = graphene.DateTime(description="When the link stops working; null on errors.")


class SendFormsLink(_LinkMutation):
    """Send the client a new link to the appointment's outstanding forms, by
    email or text (older open links for it stop working). NOTHING_OUTSTANDING
    when every form is done; NO_ADDRESS without an address for the channel;
    DATE_OF_BIRTH_MISSING when the client has none on file (the link asks for it)."""

    class Arguments:
        appointment_id = graphene.ID(required=True, description="The Appointment.")
        channel = FormsLinkChannel(required=True)

    @classmethod
    def perform(cls, root, info, membership, appointment_id, channel):
        request = forms_link_send(
            appointment_id=record_pk(appointment_id, "Appointment"),
            channel=getattr(channel, "value", channel),
            actor=Actor.of_request(info.context),
        )
        return cls(errors=[], expires_at=request.expires_at)


class StartTabletForms(_LinkMutation):
    """A link for the desk's tablet to the appointment's outstanding forms,
    open for 30 minutes (settings.FORMS_TABLET_MINUTES): the patient enters
    their date of birth on the tablet, as with an emailed link."""

    class Arguments:
        appointment_id = graphene.ID(required=True, description="The Appointment.")

    url = graphene.String(description="Open it on the tablet; the token is after `#`.")

    @classmethod
    def perform(cls, root, info, membership, appointment_id):
        actor = Actor.of_request(info.context)
        request, token = form_request_issue(
            appointment_id=record_pk(appointment_id, "Appointment"),
            channel=RequestChannel.TABLET,
            actor=actor,
        )
        audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[request.client_id])
        return cls(
            errors=[],
            expires_at=request.expires_at,
            url=link_url(spa=connection.tenant, token=token),
        )


class FormLinkMutations(graphene.ObjectType):
    send_forms_link = SendFormsLink.Field()
    start_tablet_forms = StartTabletForms.Field()
