"""Forms links "with the reminder": every 15 minutes, each spa's appointments
starting within its first reminder's lead (messaging's ReminderRule with the
longest lead) that still have outstanding forms and got no link in the last
20 hours get a fresh one (tenant_apps/forms/events.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone
from procrastinate.contrib.django import app

from shared_apps.jobs.spa import defer_in_each_spa, spa_task
from tenant_apps.forms.events import SYSTEM, forms_link_send_if_outstanding
from tenant_apps.forms.models import FormRequest
from tenant_apps.forms.outstanding_links import TO_FILL, appointments_form_states
from tenant_apps.messaging.models import ReminderRule
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenants.models import Spa, SpaStatus

REMINDER_TASK = "forms.reminder_links"
# A link sent this recently (on booking, by the desk) is not sent again.
RECENT = dt.timedelta(hours=20)
# Spas whose patients hear from them.
LIVE_STATUSES = (SpaStatus.TRIALING, SpaStatus.ACTIVE, SpaStatus.PAST_DUE)


def reminder_links_send(*, now: dt.datetime | None = None) -> int:
    """Send the spa's due reminder links (the connection is on the spa); how many."""
    now = now or timezone.now()
    lead = ReminderRule.objects.aggregate(lead=Max("minutes_before"))["lead"]
    if not lead:
        return 0
    # Links without an appointment are left out: a NULL in a NOT IN list
    # matches nothing, and would stop every reminder link.
    recent = FormRequest.objects.filter(
        created_at__gt=now - RECENT, appointment__isnull=False
    ).values("appointment_id")
    candidates = list(
        Appointment.objects.select_related("client")
        .filter(
            status__in=(AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED),
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(minutes=lead),
        )
        .exclude(pk__in=recent)
        .order_by("starts_at", "id")[:500]
    )
    states = appointments_form_states(appointment_ids=[a.pk for a in candidates], now=now)
    sent = 0
    for appointment in candidates:
        if not any(s.state in TO_FILL for s in states.get(appointment.pk, [])):
            continue
        sent += forms_link_send_if_outstanding(appointment, actor=SYSTEM, now=now) is not None
    return sent


@spa_task(name=REMINDER_TASK)
def reminder_links(*, at: str | None = None) -> int:
    """One spa's run of `reminder_links_send`."""
    return reminder_links_send(now=dt.datetime.fromisoformat(at) if at else None)


@app.periodic(cron="*/15 * * * *", periodic_id="forms_reminder_links")
@app.task(name="forms.reminder_fanout", queue="platform", queueing_lock="forms.reminder_fanout")
def reminder_fanout(timestamp: int) -> int:
    """Every 15 minutes: one `reminder_links` job per live spa."""
    spas = Spa.objects.filter(status__in=LIVE_STATUSES).only("pk", "schema_name")
    return defer_in_each_spa(reminder_links, spas)
