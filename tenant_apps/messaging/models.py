"""Patient messaging: consent per channel and purpose, the spa's templates and
reminder schedule, every message (the outbox and the log in one table) and the
waitlist. Contact details and message bodies are PHI: `__str__` shows neither.

Rules that decide whether and when a message goes (consent, quiet hours, caps,
length) live in the pipeline (tenant_apps/messaging/rules.py and sending.py),
not in templates.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class Purpose(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment messages"
    MARKETING = "marketing", "Marketing"


class ConsentSource(models.TextChoices):
    IN_PERSON = "in_person", "In person, at the spa"
    ONLINE_BOOKING = "online_booking", "Online booking form"
    PAPER_FORM = "paper_form", "Signed paper form"
    WEB_FORM = "web_form", "Web form"
    PHONE = "phone", "By phone"
    EMAIL = "email", "By email"
    SMS_REPLY = "sms_reply", "SMS reply (STOP, START)"
    UNSUBSCRIBE_LINK = "unsubscribe_link", "Unsubscribe link in an email"


# Sources that are written consent (a signature or a form the patient filled
# in themselves): what marketing needs.
WRITTEN_SOURCES = (
    ConsentSource.ONLINE_BOOKING,
    ConsentSource.PAPER_FORM,
    ConsentSource.WEB_FORM,
    ConsentSource.EMAIL,
)


class Consent(models.Model):
    """One consent decision for a channel and purpose, as given: the latest for
    (client, channel, purpose) is in force. Appointment messages need no opt-in
    (the patient gave the address to be reached about their visits) but stop at
    an opt-out; marketing needs a written opt-in."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="messaging_consents"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    granted = models.BooleanField()
    source = models.CharField(max_length=16, choices=ConsentSource.choices)
    # What the patient was shown when they decided (or the keyword they sent).
    text_shown = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="messaging_consent_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="messaging_consent_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ConsentSource.values),
                name="messaging_consent_source_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["client", "channel", "purpose", "-recorded_at"],
                name="messaging_consent_latest",
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    @property
    def written(self) -> bool:
        return self.source in WRITTEN_SOURCES


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Booking confirmation"
    REMINDER = "reminder", "Reminder"
    CHANGE = "change", "Change notice"
    CANCELLATION = "cancellation", "Cancellation notice"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
    FORM_REQUEST = "form_request", "Form request"
    # The link to a copy of a signed form (tenant_apps/forms).
    FORMS_COPY = "forms_copy", "Copy of signed forms"
    MARKETING = "marketing", "Marketing"
    OPT_OUT_CONFIRMATION = "opt_out", "Opt-out confirmation"
    REPLY = "reply", "Reply to a text"
    INBOUND = "inbound", "Text received"


class MessageTemplate(models.Model):
    """A spa's own wording for one kind of message on one channel; without one
    the default (tenant_apps/messaging/templates.py) is used."""

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel"], name="messaging_template_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MessageKind.values), name="messaging_template_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="messaging_template_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel}"


class ReminderRule(models.Model):
    """One reminder of the spa's schedule: on a channel, so long before the
    appointment, perhaps only while it is unconfirmed. Created with the
    defaults by migration (48 h email; 24 h SMS if unconfirmed; same-day SMS
    3 h before)."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    minutes_before = models.IntegerField()
    only_if_unconfirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-minutes_before", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "minutes_before"], name="messaging_reminder_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(minutes_before__gte=10, minutes_before__lte=14 * 24 * 60),
                name="messaging_reminder_rule_offset_range",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="messaging_reminder_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.minutes_before} min before"


class WaitlistMode(models.TextChoices):
    ONE_AT_A_TIME = "one_at_a_time", "One at a time, first in line first"
    ALL_AT_ONCE = "all_at_once", "Everyone who fits, at once"


class MessagingSettings(models.Model):
    """The spa's messaging settings. Exactly one row (created by migration)."""

    SINGLETON_ID = 1

    waitlist_mode = models.CharField(
        max_length=16, choices=WaitlistMode.choices, default=WaitlistMode.ONE_AT_A_TIME
    )
    waitlist_hold_minutes = models.IntegerField(default=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="messaging_settings_singleton"),
            models.CheckConstraint(
                condition=Q(waitlist_hold_minutes__gte=5, waitlist_hold_minutes__lte=24 * 60),
                name="messaging_settings_hold_range",
            ),
            models.CheckConstraint(
                condition=Q(waitlist_mode__in=WaitlistMode.values),
                name="messaging_settings_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return "messaging settings"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Handed to the provider"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    SUPPRESSED = "suppressed", "Not sent (a rule)"
    # A send was interrupted after the message was handed over: not sent again
    # (a patient must never get it twice); the delivery callback settles it.
    UNCONFIRMED = "unconfirmed", "Interrupted; not sent again"
    RECEIVED = "received", "Received"


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "To the patient"
    INBOUND = "inbound", "From the patient"


class Message(models.Model):
    """One message to or from a patient: the outbox (a row per message to send,
    written in the transaction that causes it, with a unique key so that a job
    run twice sends once) and the log."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.SET_NULL, null=True, related_name="messages"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, related_name="messages"
    )
    direction = models.CharField(
        max_length=8, choices=Direction.choices, default=Direction.OUTBOUND
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    # What the message is for, made unique: e.g. reminder:<appointment>:<rule>:<start>.
    dedupe_key = models.CharField(max_length=200)
    # The appointment's start this message was written for (a reminder for a
    # moved appointment is stale and not sent).
    for_starts_at = models.DateTimeField(null=True, blank=True)
    to_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    # Why it was not sent (a rule), or why it failed: a code, never PHI.
    reason = models.CharField(max_length=32, blank=True)
    due_at = models.DateTimeField()
    # Wording for a message with no appointment behind it (a waitlist offer's
    # slot and claim link): kept here, in the spa's schema, never in the job's
    # arguments (public, and logged).
    values = models.JSONField(default=dict, blank=True)
    # A reminder that is not sent once the patient has confirmed.
    only_if_unconfirmed = models.BooleanField(default=False)
    # Quiet hours moved it this many times.
    deferrals = models.IntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="messaging_message_dedupe_key"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="messaging_message_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="messaging_message_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MessageKind.values), name="messaging_message_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="messaging_message_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="messaging_message_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(deferrals__gte=0), name="messaging_message_deferrals_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="messaging_message_by_client"),
            models.Index(fields=["status", "due_at"], name="messaging_message_due"),
            models.Index(fields=["provider_id"], name="messaging_message_by_provider"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} ({self.kind}/{self.channel}, {self.status})"


class WaitlistSource(models.TextChoices):
    ONLINE = "online", "Online"
    DESK = "desk", "At the desk"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked from an offer"
    CANCELLED = "cancelled", "Cancelled"


class WaitlistEntry(models.Model):
    """A patient waiting for a service, with a provider or anyone, in time windows:
    `windows` is a list of {"weekdays": [0-6, Monday 0], "from": "HH:MM", "to":
    "HH:MM"} in the location's time, between `earliest` and `latest` (dates)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    # Null: any provider who may perform the service.
    provider = models.ForeignKey(
        "staff.StaffProfile",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_entries",
    )
    location = models.ForeignKey(
        "locations.Location", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    earliest = models.DateField()
    latest = models.DateField()
    windows = models.JSONField(default=list)
    source = models.CharField(max_length=8, choices=WaitlistSource.choices)
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latest__gte=F("earliest")), name="messaging_waitlist_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=WaitlistStatus.values),
                name="messaging_waitlist_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=WaitlistSource.values),
                name="messaging_waitlist_source_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "service", "created_at"], name="messaging_waitlist_open")
        ]

    def __str__(self) -> str:
        return f"waitlist entry {self.pk} ({self.status})"


class OfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    EXPIRED = "expired", "Expired"
    TAKEN = "taken", "Taken by someone else"
    WITHDRAWN = "withdrawn", "Withdrawn (no longer fits)"


class WaitlistOffer(models.Model):
    """A freed slot offered to a waiting patient until `expires_at`."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey("staff.StaffProfile", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # SHA-256 of the claim link's secret (the patient's link; the desk claims by id).
    token_hash = models.CharField(max_length=64)
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["offered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "starts_at", "provider"], name="messaging_offer_once_per_slot"
            ),
            models.UniqueConstraint(fields=["token_hash"], name="messaging_offer_token_unique"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("offered_at")), name="messaging_offer_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values), name="messaging_offer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"waitlist offer {self.pk} ({self.status})"
