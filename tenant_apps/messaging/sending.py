"""The outbox: messages are queued (a row with a unique key, written in the
transaction that causes them, and a job deferred in it), then sent by a job
that applies the rules at send time.

A send job is idempotent. It locks its message and acts only on a queued one;
it marks the message "sending" and commits before handing it to the provider,
then "sent". A job run again (a retry, a worker killed and its job put back)
finds the message sent and does nothing, or finds it "sending" (the worker died
between the hand-over and the commit) and marks it unconfirmed instead of
sending again: a patient never gets a message twice, and the delivery callback
settles whether it went. A worker killed before the hand-over leaves it queued,
and the job put back sends it: nothing is lost.

A failed hand-over: a text that surely never reached Twilio is queued again
and the job retried; one sent without an answer (a read timeout) is
unconfirmed, never sent again; a permanent refusal (opted out, invalid or not
mobile number, a refused email address) fails with its reason. The last step
moves only a message still "sending", so a faster delivery callback stands.
A reminder marked "sending" counts towards the caps at once, and the patient's
row is locked before counting, so two jobs for one patient pass one at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.sms import SmsMaybeSent, SmsNotSent, SmsRefused, send_sms
from shared_apps.accounts.emails import spa_base_url
from shared_apps.jobs.spa import defer_in_spa, defer_in_spa_by_name, spa_task
from shared_apps.sms.services import sms_route_record
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.models import Client
from tenant_apps.messaging import rules
from tenant_apps.messaging.consent import consent_refusal
from tenant_apps.messaging.models import (
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    OfferStatus,
    Purpose,
    WaitlistOffer,
)
from tenant_apps.messaging.templates import render, wording
from tenant_apps.messaging.unsubscribe import UNSUBSCRIBE_FOOTER, unsubscribe_url
from tenant_apps.messaging.waitlist_fit import qualifies
from tenant_apps.profile.models import SpaProfile
from tenant_apps.scheduling.models import HOLDING_STATUSES, Appointment, AppointmentStatus
from tenant_apps.scheduling.services.manage_links import issue_token, manage_url
from tenants.db import connection

logger = logging.getLogger(__name__)

SYSTEM = Actor.system("messaging")
# Kinds that answer the patient's own text at once: no quiet hours, no caps.
REPLIES = (MessageKind.OPT_OUT_CONFIRMATION, MessageKind.REPLY)
# Kinds about an appointment that must still be as it was when they were queued.
ABOUT_A_VISIT = (MessageKind.REMINDER, MessageKind.CONFIRMATION, MessageKind.CHANGE)
# Why a waitlist offer's message did not go: the patient no longer qualifies.
OFFER_UNFIT = "offer_unfit"
SENT_STATUSES = (
    MessageStatus.SENDING,
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.UNCONFIRMED,
)


def message_queue(
    *,
    key: str,
    client: Client | None,
    channel: str,
    kind: str,
    purpose: str = Purpose.APPOINTMENT,
    appointment: Appointment | None = None,
    due_at: dt.datetime | None = None,
    to_address: str = "",
    body: str = "",
    only_if_unconfirmed: bool = False,
    extra: dict[str, str] | None = None,
) -> Message | None:
    """Queue one message under `key` and defer its send job, in the caller's
    transaction; None if a message with that key exists (queued once, ever)."""
    due_at = due_at or timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                client=client,
                appointment=appointment,
                channel=channel,
                purpose=purpose,
                kind=kind,
                dedupe_key=key[:200],
                for_starts_at=appointment.starts_at if appointment is not None else None,
                to_address=to_address,
                body=body,
                due_at=due_at,
                only_if_unconfirmed=only_if_unconfirmed,
                values=extra or {},
            )
    except IntegrityError:
        return None
    defer_in_spa(message_send, run_at=due_at, message_id=message.pk)
    return message


def _offer_id(message: Message) -> int:
    return int(message.dedupe_key.partition(":")[2])


def _offer_end(message: Message, *, now: dt.datetime) -> None:
    """End an offer whose message will not go: its hold runs out now, and the
    waitlist's expiry job offers the slot to the next in line, as when a hold
    ends (tenant_apps/messaging/waitlist.py, which imports this module)."""
    offer_id = _offer_id(message)
    WaitlistOffer.objects.filter(pk=offer_id, status=OfferStatus.OPEN).update(expires_at=now)
    defer_in_spa_by_name("messaging.waitlist_offer_expire", offer_id=offer_id)


@dataclass(frozen=True)
class Decision:
    action: str  # "send", "suppress", "defer"
    reason: str = ""
    at: dt.datetime | None = None


def patient_zone(message: Message) -> tuple[str, str]:
    """The patient's time zone and state. The state from the patient's US
    address, and the zone from that state (a New York spa's Californian patient
    gets no text before 8 in California); without one, the appointment's
    location's state and zone (the patient is near the spa), else the spa's zone."""
    location = message.appointment.location if message.appointment is not None else None
    zone = location.timezone if location is not None else connection.tenant.timezone
    client = message.client
    state = ""
    if client is not None and client.country in ("", "US") and len(client.region.strip()) == 2:
        state = client.region.strip().upper()
        zone = rules.STATE_ZONES.get(state, zone)
    elif location is not None:
        state = location.region
    return zone, state


def decide(message: Message, *, now: dt.datetime) -> Decision:
    """Whether `message` goes now, later (quiet hours) or not at all (a rule)."""
    client = message.client
    if client is None or client.archived_at is not None:
        return Decision("suppress", "no_client")
    address = client.phone if message.channel == Channel.SMS else client.email
    if not (message.to_address or address):
        return Decision("suppress", "no_address")
    appointment = message.appointment
    if message.kind in ABOUT_A_VISIT:
        if appointment is None or appointment.status not in HOLDING_STATUSES:
            return Decision("suppress", "stale")
        if appointment.starts_at != message.for_starts_at or appointment.starts_at <= now:
            return Decision("suppress", "stale")
    if message.kind == MessageKind.CANCELLATION and (
        appointment is None or appointment.starts_at <= now
    ):
        return Decision("suppress", "stale")  # news of a visit already past
    offer = None
    if message.kind == MessageKind.WAITLIST_OFFER:
        offer = (
            WaitlistOffer.objects.select_related(
                "provider", "entry__client", "entry__service", "entry__location"
            )
            .filter(pk=_offer_id(message), status=OfferStatus.OPEN)
            .first()
        )
        if offer is None:
            return Decision("suppress", "stale")
    if message.kind != MessageKind.OPT_OUT_CONFIRMATION:
        refusal = consent_refusal(
            client_id=client.pk, channel=message.channel, purpose=message.purpose
        )
        if refusal:
            return Decision("suppress", refusal)
    if message.kind in REPLIES:
        return Decision("send")
    zone, state = patient_zone(message)
    allowed_at = rules.next_allowed(now, timezone=zone, state=state)
    if allowed_at > now:
        return Decision("defer", at=allowed_at)
    if offer is not None and not qualifies(
        offer.entry, provider=offer.provider, starts_at=offer.starts_at, now=now
    ):
        # Quiet hours may have held it for hours: the slot passed, was taken,
        # or no longer fits the patient.
        return Decision("suppress", OFFER_UNFIT)
    if message.kind == MessageKind.REMINDER:
        if (
            message.only_if_unconfirmed
            and appointment is not None
            and appointment.status == AppointmentStatus.CONFIRMED
        ):
            return Decision("suppress", "confirmed")
        sent = Message.objects.filter(
            client=client, kind=MessageKind.REMINDER, status__in=SENT_STATUSES
        ).exclude(pk=message.pk)
        day_start, day_end = rules.local_day_bounds(now, timezone=zone)
        if sent.filter(sent_at__gte=day_start, sent_at__lt=day_end).count() >= (
            rules.REMINDERS_PER_DAY
        ):
            return Decision("suppress", "cap_day")
        if sent.filter(sent_at__gt=now - dt.timedelta(days=7)).count() >= (
            rules.REMINDERS_PER_WEEK
        ):
            return Decision("suppress", "cap_week")
    return Decision("send")


# Messages about an appointment still to come, whose email links to its page.
_LINKED_KINDS = frozenset({MessageKind.CONFIRMATION, MessageKind.REMINDER, MessageKind.CHANGE})


def _values(message: Message) -> dict[str, str]:
    spa = connection.tenant
    profile = SpaProfile.objects.filter(pk=SpaProfile.SINGLETON_ID).first()
    client = message.client
    assert client is not None
    values = {
        "first_name": (client.preferred_name or client.first_name)[:12],
        "spa_name": spa.name[:24],
        "spa_phone": profile.contact_phone if profile is not None else "",
        "link": f"{spa_base_url(spa)}/booking/",
        "date": "",
        "time": "",
        "location": "",
        "hold_minutes": "",
        "forms_link": "",
    }
    appointment = message.appointment
    if (
        appointment is not None
        and message.channel == Channel.EMAIL
        and message.kind in _LINKED_KINDS
        and appointment.status in HOLDING_STATUSES
        and appointment.starts_at > timezone.now()
    ):
        # The email's link opens this appointment's own page (details, change,
        # cancel) behind a token, instead of any detail in the message. A text
        # keeps the spa's booking page: a 43-character token would not leave a
        # reminder under 160 characters.
        values["link"] = manage_url(spa, issue_token(appointment, email=message.to_address))
    if appointment is not None:
        local = appointment.starts_at.astimezone(ZoneInfo(appointment.location.timezone))
        values["date"] = f"{local:%a %b} {local.day}"
        values["time"] = local.strftime("%I:%M %p").lstrip("0")
        values["location"] = appointment.location.name[:20]
    return values


def _render(message: Message, extra: dict[str, str]) -> tuple[str, str]:
    if message.body:
        return message.subject, message.body
    words = wording(message.kind, message.channel)
    values = {**_values(message), **extra}
    return render(words.subject, values), render(words.body, values)


def _deliver(message: Message) -> str:
    if message.channel == Channel.SMS:
        callback = ""
        if settings.TWILIO_WEBHOOK_BASE_URL:
            callback = (
                f"{settings.TWILIO_WEBHOOK_BASE_URL}/webhooks/twilio/status/"
                f"?spa={connection.schema_name}&message={message.pk}"
            )
        return send_sms(to=message.to_address, body=message.body, status_callback=callback)
    assert message.client_id is not None
    # The patient's own way out (RFC 8058 one-click, and a link in the text).
    unsubscribe = unsubscribe_url(
        spa=connection.tenant, client_id=message.client_id, purpose=message.purpose
    )
    email = EmailMessage(
        message.subject,
        f"{message.body}\n\n{UNSUBSCRIBE_FOOTER} {unsubscribe}\n",
        settings.DEFAULT_FROM_EMAIL,
        [message.to_address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.send(fail_silently=False)
    status = getattr(email, "anymail_status", None)
    return str(getattr(status, "message_id", "") or "")


def _settle(message: Message, status: str, reason: str) -> None:
    """Move `message` from "sending" to `status` (a delivery callback that came
    first keeps its word); queued again, it no longer counts as sent."""
    changes: dict[str, object] = {"status": status, "reason": reason[:32]}
    if status == MessageStatus.QUEUED:
        changes["sent_at"] = None
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            **changes, updated_at=timezone.now()
        )


@spa_task(name="messaging.send", atomic=False)
def message_send(*, message_id: int, at: str | None = None) -> str:
    """Send one queued message if the rules let it go now (see the module).
    `at`: the time to act as of (ISO 8601; tests), default now."""
    now = dt.datetime.fromisoformat(at) if at else timezone.now()
    with transaction.atomic():
        found = Message.objects.filter(pk=message_id).values_list("client_id", "kind").first()
        if found is not None and found[0] is not None:
            # The audit lock first, as every write of a patient's record here.
            audit_record(actor=SYSTEM, action=AuditAction.VIEW, client_ids=[found[0]])
            if found[1] == MessageKind.REMINDER:
                # The patient's row next: reminders for one patient pass the
                # caps one at a time, each seeing the others marked "sending".
                list(Client.objects.select_for_update().filter(pk=found[0]).values_list("pk"))
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("client", "appointment__location")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return "gone"
        if message.status == MessageStatus.SENDING:
            message.status = MessageStatus.UNCONFIRMED
            message.reason = "interrupted"
            message.save(update_fields=["status", "reason", "updated_at"])
            return "unconfirmed"
        if message.status != MessageStatus.QUEUED:
            return "done"
        if message.due_at > now + dt.timedelta(seconds=1):
            # This worker's clock is behind the one that scheduled the job (or
            # the message was moved later): run again when it is due.
            defer_in_spa(message_send, run_at=message.due_at, message_id=message.pk)
            return "early"
        decision = decide(message, now=now)
        if decision.action == "suppress":
            message.status = MessageStatus.SUPPRESSED
            message.reason = decision.reason
            message.save(update_fields=["status", "reason", "updated_at"])
            if decision.reason == OFFER_UNFIT:
                _offer_end(message, now=now)
            return decision.reason
        if decision.action == "defer":
            assert decision.at is not None
            message.due_at = decision.at
            message.deferrals += 1
            message.reason = "quiet_hours"
            message.save(update_fields=["due_at", "deferrals", "reason", "updated_at"])
            defer_in_spa(message_send, run_at=decision.at, message_id=message.pk)
            return "deferred"
        client = message.client
        assert client is not None
        # The address first: rendering an appointment's email issues its page's
        # token, which remembers where the link went (a move made with it sends
        # the next link there).
        if not message.to_address:
            message.to_address = client.phone if message.channel == Channel.SMS else client.email
        message.subject, message.body = _render(message, message.values)
        if (
            message.channel == Channel.SMS
            and message.kind == MessageKind.REMINDER
            and len(message.body) >= rules.SMS_REMINDER_LIMIT
        ):
            message.status = MessageStatus.FAILED
            message.reason = "too_long"
            message.save(update_fields=["status", "reason", "body", "updated_at"])
            return "too_long"
        message.status = MessageStatus.SENDING
        # Counted by the caps from now (sent, or may have been); set again once sent.
        message.sent_at = now if at else timezone.now()
        message.save()
        if message.channel == Channel.SMS:
            # Routed from now on: a STOP to a text whose send is interrupted
            # still finds this spa (shared_apps/sms/models.py).
            sms_route_record(phone=message.to_address, spa_id=connection.tenant.pk, at=now)
    try:
        provider_id = _deliver(message)
    except (SmsNotSent, OSError) as exc:
        # The message surely did not go: queued again, and the job retried
        # with backoff (shared_apps/jobs/spa.py).
        code = exc.code if isinstance(exc, SmsNotSent) else "unreachable"
        _settle(message, MessageStatus.QUEUED, code)
        raise
    except SmsMaybeSent as exc:
        # It may have gone: never sent again; the delivery callback settles it.
        _settle(message, MessageStatus.UNCONFIRMED, exc.code)
        return "unconfirmed"
    except SmsRefused as exc:
        _settle(message, MessageStatus.FAILED, exc.code)
        return exc.code
    except (AnymailRecipientsRefused, AnymailInvalidAddress) as exc:
        code = "refused" if isinstance(exc, AnymailRecipientsRefused) else "invalid_address"
        _settle(message, MessageStatus.FAILED, code)
        return code
    sent_at = now if at else timezone.now()
    with transaction.atomic():
        # Only a row still "sending": a delivery callback that came first
        # ("delivered", "failed") keeps its word, and its provider id.
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.SENT,
            sent_at=sent_at,
            provider_id=provider_id[:64],
            reason="",
            updated_at=sent_at,
        )
    return "sent"
