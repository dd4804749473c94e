"""Messaging in the spa API: templates (with a preview), the reminder schedule,
waitlist settings, consent per channel and purpose, the message log and the
waitlist. Reading a message or a waitlist entry reads its client, which is
logged in the PHI audit log like every read of a client."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Choices
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode, to_global_id
from tenant_apps.catalog.graphql.types import ServiceNode
from tenant_apps.clients.graphql.types import ClientNode
from tenant_apps.locations.graphql.types import LocationNode
from tenant_apps.messaging.errors import MessagingErrorCode
from tenant_apps.messaging.models import (
    Channel,
    ConsentSource,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    OfferStatus,
    Purpose,
    WaitlistEntry,
    WaitlistMode,
    WaitlistOffer,
    WaitlistSource,
    WaitlistStatus,
)
from tenant_apps.messaging.templates import VARIABLES
from tenant_apps.staff.graphql.types import StaffMemberNode

MessagingErrorCodeEnum, MessagingError = error_type("Messaging", MessagingErrorCode)


def _labels(type_description: str):
    def describe(value: Choices | None) -> str:
        return type_description if value is None else str(value.label)

    return describe


ChannelEnum = graphene.Enum.from_enum(
    Channel, name="MessageChannel", description=_labels("How a message travels.")
)
PurposeEnum = graphene.Enum.from_enum(
    Purpose, name="MessagePurpose", description=_labels("What a message is for.")
)
MessageKindEnum = graphene.Enum.from_enum(
    MessageKind, name="MessageKind", description=_labels("Which message it is.")
)
MessageStatusEnum = graphene.Enum.from_enum(
    MessageStatus, name="MessageStatus", description=_labels("Where a message is.")
)
DirectionEnum = graphene.Enum.from_enum(
    Direction, name="MessageDirection", description=_labels("To or from the patient.")
)
MessagingConsentSourceEnum = graphene.Enum.from_enum(
    ConsentSource,
    name="MessagingConsentSource",
    description=_labels("How a consent decision was given."),
)
WaitlistModeEnum = graphene.Enum.from_enum(
    WaitlistMode, name="WaitlistMode", description=_labels("How freed slots are offered.")
)
WaitlistStatusEnum = graphene.Enum.from_enum(
    WaitlistStatus, name="WaitlistStatus", description=_labels("Where a waitlist entry is.")
)
WaitlistSourceEnum = graphene.Enum.from_enum(
    WaitlistSource, name="WaitlistSource", description=_labels("Where the patient asked.")
)
OfferStatusEnum = graphene.Enum.from_enum(
    OfferStatus, name="WaitlistOfferStatus", description=_labels("Where an offer is.")
)


class TemplateVariableType(graphene.ObjectType):
    class Meta:
        name = "MessageTemplateVariable"

    name = graphene.String(required=True, description="Written {{ name }} in a template.")
    description = graphene.String(required=True)


class MessageTemplateType(graphene.ObjectType):
    """The wording of one kind of message on one channel."""

    class Meta:
        name = "MessageTemplate"

    kind = graphene.Field(MessageKindEnum, required=True)
    channel = graphene.Field(ChannelEnum, required=True)
    subject = graphene.String(required=True, description="Email only; empty for SMS.")
    body = graphene.String(required=True)
    is_default = graphene.Boolean(required=True, description="True: the platform's wording.")


class TemplatePreviewType(graphene.ObjectType):
    class Meta:
        name = "MessageTemplatePreview"

    subject = graphene.String(required=True, description="With sample values.")
    body = graphene.String(required=True, description="With sample values.")
    longest_length = graphene.Int(
        required=True,
        description="The body's length with the longest values (SMS reminders: under 160).",
    )


class ReminderRuleType(graphene.ObjectType):
    class Meta:
        name = "ReminderRule"

    channel = graphene.Field(ChannelEnum, required=True)
    minutes_before = graphene.Int(required=True)
    only_if_unconfirmed = graphene.Boolean(
        required=True, description="Not sent once the patient has confirmed."
    )


class MessagingSettingsType(graphene.ObjectType):
    """The spa's reminder schedule and waitlist settings, and the template variables."""

    class Meta:
        name = "MessagingSettings"

    waitlist_mode = graphene.Field(WaitlistModeEnum, required=True)
    waitlist_hold_minutes = graphene.Int(
        required=True, description="How long an offer is held (one-at-a-time mode)."
    )
    reminder_rules = graphene.List(graphene.NonNull(ReminderRuleType), required=True)
    template_variables = graphene.List(graphene.NonNull(TemplateVariableType), required=True)

    @staticmethod
    def resolve_reminder_rules(root: Any, info: Any) -> Any:
        from tenant_apps.messaging.models import ReminderRule

        return list(ReminderRule.objects.all())

    @staticmethod
    def resolve_template_variables(root: Any, info: Any) -> list[dict[str, str]]:
        return [{"name": name, "description": text} for name, text in VARIABLES.items()]


class ConsentType(graphene.ObjectType):
    """One consent decision, as given."""

    class Meta:
        name = "MessagingConsent"

    channel = graphene.Field(ChannelEnum, required=True)
    purpose = graphene.Field(PurposeEnum, required=True)
    granted = graphene.Boolean(required=True)
    written = graphene.Boolean(required=True, description="Written consent (marketing needs it).")
    source = graphene.Field(MessagingConsentSourceEnum, required=True)
    text_shown = graphene.String(required=True, description="What the patient was shown.")
    recorded_at = graphene.DateTime(required=True)


class ConsentStateType(graphene.ObjectType):
    """Whether the patient may be messaged on a channel for a purpose now."""

    class Meta:
        name = "MessagingConsentState"

    channel = graphene.Field(ChannelEnum, required=True)
    purpose = graphene.Field(PurposeEnum, required=True)
    allowed = graphene.Boolean(required=True)
    reason = graphene.String(
        required=True, description="Why not (opted_out, no_consent, not_written); empty if allowed."
    )
    latest = graphene.Field(ConsentType, description="The decision in force; null if none.")


class ClientConsentsType(graphene.ObjectType):
    class Meta:
        name = "ClientMessagingConsents"

    states = graphene.List(graphene.NonNull(ConsentStateType), required=True)
    history = graphene.List(graphene.NonNull(ConsentType), required=True)


class MessageNode(DjangoObjectType):
    """A message to or from a patient: what it said, where it is, why it was not sent."""

    class Meta:
        model = Message
        name = "Message"
        interfaces = (SpaNode,)
        fields = (
            "client",
            "to_address",
            "subject",
            "body",
            "reason",
            "due_at",
            "sent_at",
            "deferrals",
            "created_at",
        )

    client = graphene.Field(ClientNode, description="Null: a number no patient has.")
    appointment_id = graphene.ID(description="The appointment's global ID, if about one.")
    direction = graphene.Field(DirectionEnum, required=True)
    channel = graphene.Field(ChannelEnum, required=True)
    purpose = graphene.Field(PurposeEnum, required=True)
    kind = graphene.Field(MessageKindEnum, required=True)
    status = graphene.Field(MessageStatusEnum, required=True)
    to_address = graphene.String(required=True, description="The number or address.")
    subject = graphene.String(required=True)
    body = graphene.String(required=True, description="Empty until it is sent.")
    reason = graphene.String(
        required=True,
        description="Why it was not sent (opted_out, no_consent, not_written, cap_day, "
        "cap_week, stale, quiet_hours (moved), too_long, ...) or failed; empty otherwise.",
    )
    due_at = graphene.DateTime(required=True, description="When it is (or was) to go.")
    sent_at = graphene.DateTime()
    deferrals = graphene.Int(required=True, description="Times quiet hours moved it.")
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_appointment_id(root: Message, info: Any) -> str | None:
        return to_global_id("Appointment", root.appointment_id) if root.appointment_id else None


class MessageConnection(CountableConnection):
    class Meta:
        node = MessageNode


class WaitlistWindowType(graphene.ObjectType):
    class Meta:
        name = "WaitlistWindow"

    weekdays = graphene.List(
        graphene.NonNull(graphene.Int), required=True, description="0: Monday."
    )
    start = graphene.String(required=True, description="HH:MM, the location's time.")
    end = graphene.String(required=True, description="HH:MM.")


class WaitlistOfferNode(DjangoObjectType):
    class Meta:
        model = WaitlistOffer
        name = "WaitlistOffer"
        interfaces = (SpaNode,)
        fields = ("provider", "starts_at", "offered_at", "expires_at")

    provider = graphene.Field(StaffMemberNode, required=True)
    status = graphene.Field(OfferStatusEnum, required=True)
    starts_at = graphene.DateTime(required=True)
    offered_at = graphene.DateTime(required=True)
    expires_at = graphene.DateTime(required=True)


class WaitlistEntryNode(DjangoObjectType):
    """A patient waiting for a service, with a provider or anyone, in time windows."""

    class Meta:
        model = WaitlistEntry
        name = "WaitlistEntry"
        interfaces = (SpaNode,)
        fields = ("client", "service", "provider", "location", "earliest", "latest", "created_at")

    client = graphene.Field(ClientNode, required=True)
    service = graphene.Field(ServiceNode, required=True)
    provider = graphene.Field(StaffMemberNode, description="Null: anyone who may perform it.")
    location = graphene.Field(LocationNode, required=True)
    earliest = graphene.Date(required=True)
    latest = graphene.Date(required=True)
    windows = graphene.List(graphene.NonNull(WaitlistWindowType), required=True)
    status = graphene.Field(WaitlistStatusEnum, required=True)
    source = graphene.Field(WaitlistSourceEnum, required=True)
    created_at = graphene.DateTime(required=True)
    offers = graphene.List(graphene.NonNull(WaitlistOfferNode), required=True)

    @staticmethod
    def resolve_windows(root: WaitlistEntry, info: Any) -> list[dict[str, Any]]:
        return [
            {"weekdays": w["weekdays"], "start": w["from"], "end": w["to"]} for w in root.windows
        ]

    @staticmethod
    def resolve_offers(root: WaitlistEntry, info: Any) -> Any:
        return list(root.offers.all())


class WaitlistEntryConnection(CountableConnection):
    class Meta:
        node = WaitlistEntryNode
