"""Spa jobs: deferred in the transaction of the write that causes them, run in
their own spa's schema and nowhere else."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import transaction

from core import sms
from shared_apps.jobs.spa import NotASpaSchema, defer_in_spa
from tenant_apps.audit.services import Actor
from tenant_apps.messaging.events import appointment_event
from tenant_apps.messaging.models import Channel, Message, MessageKind, MessageStatus
from tenant_apps.messaging.sending import message_queue, message_send
from tenant_apps.scheduling.models import Appointment, ManageToken
from tenant_apps.scheduling.services.booking import appointment_book
from tenants.db import connection
from tenants.models import Spa, SpaStatus
from tests.jobs import queued_jobs, run_jobs
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.messaging.clock import noon_zone
from tests.tenant_apps.scheduling.factories import a_desk

DESK = Actor(user_id=1, role="front_desk")


def tomorrow_at(desk, hour: int) -> dt.datetime:
    from zoneinfo import ZoneInfo

    day = dt.date.today() + dt.timedelta(days=3)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(desk.location.timezone))


def book(desk, *, hour: int = 10, client: int = 0) -> Appointment:
    return appointment_book(
        actor=DESK,
        client_id=desk.clients[client].pk,
        provider_id=desk.providers[0].pk,
        location_id=desk.location.pk,
        service_ids=[desk.service.pk],
        starts_at=tomorrow_at(desk, hour),
    )


@pytest.mark.spa("glow")
def test_a_booking_defers_its_job_in_its_own_transaction_and_a_rollback_takes_it_back():
    desk = a_desk(clients=2)
    before = len(queued_jobs())

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        book(desk, client=0)
        # Inside the booking's transaction the jobs are there, uncommitted.
        assert [job["task"] for job in queued_jobs()[before:]] == [
            "messaging.appointment_event",
            "forms.appointment_event",
        ]
        raise Undo

    assert len(queued_jobs()) == before
    assert run_jobs() == []
    assert not Message.objects.exists()
    assert not Appointment.objects.exists()


@pytest.mark.spa("glow")
def test_a_committed_booking_queues_a_confirmation_and_reminders_that_send_once(mailoutbox):
    desk = a_desk(clients=1)
    appointment = book(desk, client=0)

    ran = run_jobs()

    assert ran[0] == ("messaging.appointment_event", None)
    kinds = sorted(Message.objects.values_list("kind", "channel"))
    assert kinds == [
        (MessageKind.CONFIRMATION, "email"),
        (MessageKind.CONFIRMATION, "sms"),
        (MessageKind.REMINDER, "email"),
        (MessageKind.REMINDER, "sms"),
        (MessageKind.REMINDER, "sms"),
    ]
    # The job run twice queues nothing twice.
    appointment_event(
        spa_schema=connection.schema_name, appointment_id=appointment.pk, event="booked"
    )
    assert Message.objects.count() == 5


def test_jobs_of_two_spas_run_each_in_its_own_schema(glow, radiance):
    seen: dict[str, list[str]] = {}
    for spa in (glow, radiance):
        connection.set_tenant(spa)
        desk = a_desk(clients=1, timezone=spa.timezone)
        book(desk, client=0)
    connection.set_schema_to_public()

    for task, _ in run_jobs():
        seen.setdefault(task, [])

    for spa in (glow, radiance):
        connection.set_tenant(spa)
        messages = list(Message.objects.select_related("appointment"))
        # Each spa's messages are for its own appointments, written in its schema.
        assert len(messages) == 5
        assert {m.appointment.location.timezone for m in messages} == {spa.timezone}
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT args->>'spa_schema' FROM public.procrastinate_jobs "
            "WHERE task_name LIKE 'messaging.%%'"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == ["spa_glow", "spa_radiance"]
    # No messaging table exists in public for a job to write to by mistake.
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.messaging_message')")
        assert cursor.fetchone()[0] is None


def test_a_job_naming_no_spa_schema_is_refused_not_run(glow):
    for schema in ("public", "_spa_template", "pg_catalog"):
        with pytest.raises(NotASpaSchema):
            appointment_event(spa_schema=schema, appointment_id=1, event="booked")
    with pytest.raises(NotASpaSchema):
        defer_in_spa(appointment_event, appointment_id=1, event="booked")  # on public


def test_a_job_for_a_spa_that_is_gone_does_nothing(glow):
    assert appointment_event(spa_schema="spa_gone_long_ago", appointment_id=1, event="x") is None


@pytest.mark.spa("glow")
def test_a_job_for_a_closed_spa_does_nothing(glow, caplog):
    sms.outbox.clear()
    client = ClientFactory.create(region="", country="US")
    message = message_queue(
        key="closed:1", client=client, channel=Channel.SMS, kind=MessageKind.FORM_REQUEST
    )
    assert message is not None
    Spa.objects.filter(pk=glow.pk).update(status=SpaStatus.CLOSED)
    caplog.set_level(logging.INFO, logger="shared_apps.jobs.spa")

    assert message_send(spa_schema=glow.schema_name, message_id=message.pk) is None

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert sms.outbox == []
    skipped = [r for r in caplog.records if r.getMessage() == "job for a closed spa skipped"]
    assert [(r.levelno, r.task) for r in skipped] == [(logging.INFO, "messaging.send")]
    assert client.first_name not in caplog.text and client.phone not in caplog.text


@pytest.mark.spa("glow")
def test_an_appointment_email_links_to_its_own_page_behind_a_token_and_a_text_does_not(
    mailoutbox,
):
    import re

    from tenant_apps.messaging.models import Channel
    from tenant_apps.online_booking.services.links import manage_token_view

    # where it is about noon, so quiet hours hold neither message back
    desk = a_desk(clients=1, timezone=noon_zone())
    appointment = book(desk, client=0)
    run_jobs()
    confirmation = Message.objects.get(kind=MessageKind.CONFIRMATION, channel=Channel.EMAIL)
    text = Message.objects.get(kind=MessageKind.CONFIRMATION, channel=Channel.SMS)

    found = re.search(r"/booking/manage#([A-Za-z0-9_-]{40,})", confirmation.body)
    assert found, confirmation.body
    # The token opens exactly this appointment (the manage page's own check),
    # and remembers the address it went to (where a move sends the next link).
    assert manage_token_view(actor=DESK, secret=found.group(1)).pk == appointment.pk
    token = ManageToken.objects.get(appointment=appointment)
    assert token.email == confirmation.to_address == desk.clients[0].email != ""
    assert desk.service.name not in confirmation.body  # no detail of the visit itself
    assert "/booking/manage" not in text.body and "/booking/" in text.body
