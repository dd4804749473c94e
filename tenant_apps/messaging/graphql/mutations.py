"""Messaging's mutations in the spa API: managers set templates, the reminder
schedule and waitlist settings; the front office records consent and keeps the
waitlist (and claims an offer for a patient at the desk)."""

from __future__ import annotations

import graphene

from core.errors import field_error
from core.graphql.arguments import enum_value
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import FRONT_OFFICE, MANAGERS, MEMBERS
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.messaging import selectors, services, waitlist
from tenant_apps.messaging.consent import consent_record
from tenant_apps.messaging.errors import MessagingErrorCode
from tenant_apps.messaging.graphql.types import (
    ChannelEnum,
    ClientConsentsType,
    MessageKindEnum,
    MessageTemplateType,
    MessagingConsentSourceEnum,
    MessagingError,
    MessagingSettingsType,
    PurposeEnum,
    TemplatePreviewType,
    WaitlistEntryNode,
    WaitlistModeEnum,
)
from tenant_apps.messaging.models import WaitlistSource
from tenant_apps.scheduling.graphql.types import AppointmentNode

_ERRORS = "Why nothing was changed; empty on success."
MAX_TEXT_SHOWN = 5000


class MessagingMutation(SpaMutation):
    class Meta:
        abstract = True

    error_codes = frozenset(MessagingErrorCode)
    errors = graphene.List(graphene.NonNull(MessagingError), required=True, description=_ERRORS)


class TemplateArguments:
    kind = MessageKindEnum(required=True)
    channel = ChannelEnum(required=True)
    subject = graphene.String(description="Email only.")
    body = graphene.String(required=True, description="With {{ variable }} placeholders.")


class PreviewMessageTemplate(MessagingMutation):
    """Render a template with sample values (nothing is saved)."""

    permission = MEMBERS

    Arguments = TemplateArguments
    preview = graphene.Field(TemplatePreviewType, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, kind, channel, body, subject=None):
        preview = services.template_preview(
            kind=enum_value(kind), channel=enum_value(channel), subject=subject or "", body=body
        )
        return cls(preview=preview)


class SaveMessageTemplate(MessagingMutation):
    """Use the spa's own wording for a kind of message on a channel."""

    permission = MANAGERS

    Arguments = TemplateArguments
    template = graphene.Field(MessageTemplateType, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, kind, channel, body, subject=None):
        saved = services.template_save(
            kind=enum_value(kind),
            channel=enum_value(channel),
            subject=subject or "",
            body=body,
            user_id=membership.user_id,
        )
        return cls(
            template={
                "kind": saved.kind,
                "channel": saved.channel,
                "subject": saved.subject,
                "body": saved.body,
                "is_default": False,
            }
        )


class ResetMessageTemplate(MessagingMutation):
    """Go back to the platform's wording for a kind of message on a channel."""

    permission = MANAGERS

    class Arguments:
        kind = MessageKindEnum(required=True)
        channel = ChannelEnum(required=True)

    templates = graphene.List(graphene.NonNull(MessageTemplateType))

    @classmethod
    def perform(cls, root, info, membership, kind, channel):
        services.template_reset(kind=enum_value(kind), channel=enum_value(channel))
        return cls(templates=selectors.message_template_list())


class ReminderRuleInput(graphene.InputObjectType):
    channel = ChannelEnum(required=True)
    minutes_before = graphene.Int(required=True, description="10 minutes to 14 days.")
    only_if_unconfirmed = graphene.Boolean(default_value=False)


class SetReminderSchedule(MessagingMutation):
    """Replace the reminder schedule (an empty list: no reminders)."""

    permission = MANAGERS

    class Arguments:
        rules = graphene.List(graphene.NonNull(ReminderRuleInput), required=True)

    settings = graphene.Field(MessagingSettingsType)

    @classmethod
    def perform(cls, root, info, membership, rules):
        services.reminder_schedule_set(
            rules_given=[
                services.RuleSpec(
                    channel=enum_value(rule.channel),
                    minutes_before=rule.minutes_before,
                    only_if_unconfirmed=bool(rule.only_if_unconfirmed),
                )
                for rule in rules
            ]
        )
        return cls(settings=selectors.messaging_settings())


class UpdateMessagingSettings(MessagingMutation):
    """Change how freed slots are offered to the waitlist."""

    permission = MANAGERS

    class Arguments:
        waitlist_mode = WaitlistModeEnum()
        waitlist_hold_minutes = graphene.Int(description="5 minutes to 24 hours.")

    settings = graphene.Field(MessagingSettingsType)

    @classmethod
    def perform(cls, root, info, membership, waitlist_mode=None, waitlist_hold_minutes=None):
        settings = services.messaging_settings_update(
            waitlist_mode=enum_value(waitlist_mode), waitlist_hold_minutes=waitlist_hold_minutes
        )
        return cls(settings=settings)


class RecordMessagingConsent(MessagingMutation):
    """Record a client's decision for a channel and purpose, with how it was given
    and the text they were shown."""

    permission = FRONT_OFFICE

    class Arguments:
        client_id = graphene.ID(required=True)
        channel = ChannelEnum(required=True)
        purpose = PurposeEnum(required=True)
        granted = graphene.Boolean(required=True)
        source = MessagingConsentSourceEnum(required=True)
        text_shown = graphene.String(required=True)

    consents = graphene.Field(ClientConsentsType)

    @classmethod
    def perform(
        cls, root, info, membership, client_id, channel, purpose, granted, source, text_shown
    ):
        pk = pk_from_global_id(client_id, "Client")
        if pk is None or not Client.objects.filter(pk=pk, archived_at__isnull=True).exists():
            raise field_error(MessagingErrorCode.NOT_FOUND, "No such client.", "client_id")
        text = text_shown.strip()
        if not text or len(text) > MAX_TEXT_SHOWN or "\x00" in text:
            raise field_error(
                MessagingErrorCode.VALUE_INVALID,
                f"Give the text shown, up to {MAX_TEXT_SHOWN} characters.",
                "text_shown",
            )
        consent_record(
            actor=Actor.of_request(info.context),
            client_id=pk,
            channel=enum_value(channel),
            purpose=enum_value(purpose),
            granted=granted,
            source=enum_value(source),
            text_shown=text,
        )
        return cls(consents=selectors.client_consents(client_id=pk))


class WaitlistWindowInput(graphene.InputObjectType):
    weekdays = graphene.List(graphene.NonNull(graphene.Int), description="0: Monday; default all.")
    start = graphene.String(required=True, description="HH:MM, the location's time.")
    end = graphene.String(required=True, description="HH:MM.")


class AddToWaitlist(MessagingMutation):
    """Put a client on the waitlist for a service at a location."""

    permission = FRONT_OFFICE

    class Arguments:
        client_id = graphene.ID(required=True)
        service_id = graphene.ID(required=True)
        location_id = graphene.ID(required=True)
        provider_id = graphene.ID(description="Null: anyone who may perform it.")
        earliest = graphene.Date(required=True)
        latest = graphene.Date(required=True)
        windows = graphene.List(graphene.NonNull(WaitlistWindowInput))

    entry = graphene.Field(WaitlistEntryNode)

    @classmethod
    def perform(
        cls,
        root,
        info,
        membership,
        client_id,
        service_id,
        location_id,
        earliest,
        latest,
        provider_id=None,
        windows=None,
    ):
        provider = pk_from_global_id(provider_id, "StaffMember") if provider_id else None
        if provider_id and provider is None:
            raise field_error(MessagingErrorCode.NOT_FOUND, "No such provider.", "provider_id")
        entry = waitlist.waitlist_add(
            actor=Actor.of_request(info.context),
            client_id=pk_from_global_id(client_id, "Client"),
            service_id=pk_from_global_id(service_id, "Service"),
            location_id=pk_from_global_id(location_id, "Location"),
            provider_id=provider,
            earliest=earliest,
            latest=latest,
            windows=[
                {"weekdays": w.weekdays or list(range(7)), "from": w.start, "to": w.end}
                for w in windows or []
            ],
            source=WaitlistSource.DESK,
        )
        return cls(entry=entry)


class CancelWaitlistEntry(MessagingMutation):
    """Take a client off the waitlist (their open offers are withdrawn)."""

    permission = FRONT_OFFICE

    class Arguments:
        id = graphene.ID(required=True)

    entry = graphene.Field(WaitlistEntryNode)

    @classmethod
    def perform(cls, root, info, membership, id):
        entry = waitlist.waitlist_cancel(
            actor=Actor.of_request(info.context), entry_id=pk_from_global_id(id, "WaitlistEntry")
        )
        return cls(entry=entry)


class ClaimWaitlistOffer(MessagingMutation):
    """Book an open offer for its patient (at the desk): through the booking
    service, every rule holds; SLOT_TAKEN if someone was first."""

    permission = FRONT_OFFICE

    class Arguments:
        id = graphene.ID(required=True, description="The offer's ID.")

    appointment = graphene.Field(AppointmentNode)

    @classmethod
    def perform(cls, root, info, membership, id):
        appointment = waitlist.waitlist_claim(
            actor=Actor.of_request(info.context),
            offer_id=pk_from_global_id(id, "WaitlistOffer"),
        )
        return cls(appointment=appointment)


class MessagingMutations(graphene.ObjectType):
    preview_message_template = PreviewMessageTemplate.Field()
    save_message_template = SaveMessageTemplate.Field()
    reset_message_template = ResetMessageTemplate.Field()
    set_reminder_schedule = SetReminderSchedule.Field()
    update_messaging_settings = UpdateMessagingSettings.Field()
    record_messaging_consent = RecordMessagingConsent.Field()
    add_to_waitlist = AddToWaitlist.Field()
    cancel_waitlist_entry = CancelWaitlistEntry.Field()
    claim_waitlist_offer = ClaimWaitlistOffer.Field()
