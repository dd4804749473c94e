"""Demo messaging for the current spa: consent as patients gave it, one template
of the spa's own, a history of messages sent (and some not, with why), and a
waitlist. Idempotent: a spa with any consent recorded is left as it is.

New bookings made by the calendar seeding defer their messaging jobs as any
booking does; the worker `bin/demo` starts sends them (the console backends
print them)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tenant_apps.audit.services import Actor
from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location
from tenant_apps.messaging.consent import consent_record
from tenant_apps.messaging.models import (
    Channel,
    Consent,
    ConsentSource,
    Message,
    MessageKind,
    MessageStatus,
    MessageTemplate,
    Purpose,
    WaitlistEntry,
)
from tenant_apps.scheduling.models import Appointment

MARKETING_TEXT = {
    Channel.EMAIL: "Yes, email me news and offers from the spa. I can unsubscribe at any time.",
    Channel.SMS: "Yes, text me offers from the spa (up to 4 a month). Reply STOP to opt out.",
}


def seed_messaging(*, spa_name: str) -> int:
    """Consent, a template, a message history and a waitlist; how many messages made."""
    if Consent.objects.exists():
        return 0
    rng = random.Random(spa_name)  # noqa: S311 (made-up history, the same on every run)
    actor = Actor.system("demo")
    now = timezone.now()
    clients = list(Client.objects.order_by("pk"))
    for n, client in enumerate(clients):
        when = now - dt.timedelta(days=rng.randint(20, 400))
        if rng.random() < 0.55:
            consent_record(
                actor=actor,
                client_id=client.pk,
                channel=Channel.EMAIL,
                purpose=Purpose.MARKETING,
                granted=True,
                source=rng.choice([ConsentSource.ONLINE_BOOKING, ConsentSource.WEB_FORM]),
                text_shown=MARKETING_TEXT[Channel.EMAIL],
                now=when,
            )
        if rng.random() < 0.3:
            consent_record(
                actor=actor,
                client_id=client.pk,
                channel=Channel.SMS,
                purpose=Purpose.MARKETING,
                granted=True,
                source=ConsentSource.PAPER_FORM,
                text_shown=MARKETING_TEXT[Channel.SMS],
                now=when,
            )
        if n % 13 == 5:  # a few texted STOP
            for purpose in Purpose.values:
                consent_record(
                    actor=actor,
                    client_id=client.pk,
                    channel=Channel.SMS,
                    purpose=purpose,
                    granted=False,
                    source=ConsentSource.SMS_REPLY,
                    text_shown="STOP",
                    now=when + dt.timedelta(days=3),
                )
    MessageTemplate.objects.get_or_create(
        kind=MessageKind.REMINDER,
        channel=Channel.SMS,
        defaults={
            "body": "{{ spa_name }}: see you {{ date }} at {{ time }}. Reply C to confirm. "
            "{{ link }}"
        },
    )
    made = 0
    past = Appointment.objects.filter(starts_at__lt=now).select_related("client")
    for appointment in past.order_by("starts_at")[:60]:
        client = appointment.client
        sms_ok = (
            bool(client.phone)
            and not Consent.objects.filter(
                client=client, channel=Channel.SMS, granted=False
            ).exists()
        )
        due = appointment.starts_at - dt.timedelta(hours=24)
        Message.objects.get_or_create(
            dedupe_key=f"demo:reminder:{appointment.pk}",
            defaults={
                "client": client,
                "appointment": appointment,
                "channel": Channel.SMS,
                "purpose": Purpose.APPOINTMENT,
                "kind": MessageKind.REMINDER,
                "for_starts_at": appointment.starts_at,
                "to_address": client.phone,
                "body": f"{spa_name[:24]}: see you soon. Reply C to confirm.",
                "status": MessageStatus.DELIVERED if sms_ok else MessageStatus.SUPPRESSED,
                "reason": "" if sms_ok else "opted_out",
                "due_at": due,
                "sent_at": due if sms_ok else None,
                "provider_id": f"SMdemo{appointment.pk:08d}" if sms_ok else "",
            },
        )
        made += 1
    services = list(Service.objects.filter(is_active=True, is_bookable_online=True)[:3])
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    if services and location is not None:
        today = timezone.localdate()
        for n, client in enumerate(clients[-4:]):
            WaitlistEntry.objects.create(
                client=client,
                service=services[n % len(services)],
                location=location,
                earliest=today,
                latest=today + dt.timedelta(days=21),
                windows=[{"weekdays": [0, 1, 2, 3, 4], "from": "09:00", "to": "12:00"}]
                if n % 2
                else [],
                source="online" if n % 2 else "desk",
            )
    return made
