"""Forms links sent to patients: on a booking (the job scheduling defers by
name), with the reminder (the periodic job), and from the desk (sendFormsLink,
startTabletForms). Messages go through messaging's outbox to locmem email and
the test SMS backend."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from core.graphql.relay import to_global_id
from shared_apps.accounts.models import Role
from shared_apps.accounts.secrets import digest
from tenant_apps.audit.services import Actor
from tenant_apps.forms.events import appointment_event
from tenant_apps.forms.links import form_request_issue
from tenant_apps.forms.models import FormRequest, RequestChannel
from tenant_apps.forms.reminders import reminder_links_send
from tenant_apps.messaging.models import Message, MessageKind
from tenant_apps.messaging.templates import DEFAULTS, WORST_CASE, render
from tenant_apps.scheduling.services.notify import notify_messaging
from tests.jobs import queued_jobs, run_jobs
from tests.tenant_apps.forms.links_setup import a_setting, a_visit
from tests.tenant_apps.scheduling.factories import on_spa

LINK = re.compile(r"https?://[^\s]+/forms/fill#([A-Za-z0-9_\-]+)")
SEND = """
mutation Send($id: ID!, $channel: FormsLinkChannel!) {
  sendFormsLink(appointmentId: $id, channel: $channel) { expiresAt errors { field code message } }
}
"""
TABLET = """
mutation Tablet($id: ID!) {
  startTabletForms(appointmentId: $id) { url expiresAt errors { field code message } }
}
"""


def test_a_booking_with_forms_outstanding_sends_a_link_by_email(glow, mailoutbox):
    # given a booked appointment whose forms are outstanding
    with on_spa(glow):
        visit = a_visit()
        # when scheduling tells forms of the booking and the jobs run
        notify_messaging(visit.appointment, "booked")
        assert [j["task"] for j in queued_jobs("forms.appointment_event")] == [
            "forms.appointment_event"
        ]
        run_jobs()
        request = FormRequest.objects.get(appointment=visit.appointment)
        message = Message.objects.get(kind=MessageKind.FORM_REQUEST)

    # then one email carries the link, with nothing clinical in it
    assert request.channel == RequestChannel.EMAIL
    assert message.status == "sent"
    sent = [m for m in mailoutbox if "Forms before your visit" in m.subject]
    assert len(sent) == 1
    token = LINK.search(sent[0].body).group(1)
    assert digest(token) == request.token_hash
    assert "Toxin" not in sent[0].body and "intake" not in sent[0].body.lower()
    assert visit.client.last_name not in sent[0].body


def test_a_booking_with_nothing_outstanding_sends_no_link(glow, mailoutbox):
    with on_spa(glow):
        visit = a_visit()
        visit.setting.desk.service.required_forms.all().delete()
        result = appointment_event(
            spa_schema=glow.schema_name, appointment_id=visit.appointment.pk, event="booked"
        )
        run_jobs()
        assert not FormRequest.objects.exists()
        assert not Message.objects.filter(kind=MessageKind.FORM_REQUEST).exists()
    assert result == "nothing"
    assert not [m for m in mailoutbox if "Forms" in m.subject]


def test_a_client_without_a_date_of_birth_gets_no_link(glow, mailoutbox):
    with on_spa(glow):
        visit = a_visit(dob=None)
        assert (
            appointment_event(
                spa_schema=glow.schema_name, appointment_id=visit.appointment.pk, event="booked"
            )
            == "nothing"
        )
        assert not FormRequest.objects.exists()


def test_a_text_link_fits_in_one_sms_and_names_nothing_clinical():
    for kind in (MessageKind.FORM_REQUEST, MessageKind.FORMS_COPY):
        body = render(DEFAULTS[(kind, "sms")].body, WORST_CASE)
        assert len(body) < 160, body
        assert WORST_CASE["forms_link"] in body


def test_a_client_with_only_a_phone_gets_the_link_by_text(glow, settings):
    with on_spa(glow):
        visit = a_visit(email="")
        assert (
            appointment_event(
                spa_schema=glow.schema_name, appointment_id=visit.appointment.pk, event="booked"
            )
            == "sent"
        )
        run_jobs()
        request = FormRequest.objects.get()
        message = Message.objects.get(kind=MessageKind.FORM_REQUEST)
    assert request.channel == RequestChannel.SMS
    assert message.channel == "sms"
    assert len(message.body) < 160
    assert digest(LINK.search(message.body).group(1)) == request.token_hash


def test_the_reminder_job_sends_a_fresh_link_within_the_first_reminders_lead(glow):
    # given (with the default 48-hour first reminder) appointments tomorrow and
    # in five days with forms outstanding, and one tomorrow that got a link
    # an hour ago
    with on_spa(glow):
        setting = a_setting()
        soon = a_visit(setting=setting, starts_in=dt.timedelta(hours=20))
        later = a_visit(setting=setting, starts_in=dt.timedelta(days=5))
        linked = a_visit(setting=setting, starts_in=dt.timedelta(hours=22))
        form_request_issue(
            appointment_id=linked.appointment.pk,
            channel="email",
            actor=Actor.system("test"),
            now=timezone.now() - dt.timedelta(hours=1),
        )

        # when the job runs
        sent = reminder_links_send()

        # then only the appointment tomorrow without a recent link gets one
        assert sent == 1
        assert FormRequest.objects.filter(appointment=soon.appointment).count() == 1
        assert not FormRequest.objects.filter(appointment=later.appointment).exists()
        assert FormRequest.objects.filter(appointment=linked.appointment).count() == 1
        # and running again within 20 hours sends nothing more
        assert reminder_links_send() == 0


def test_a_recent_link_without_an_appointment_does_not_stop_the_reminder_links(glow):
    # given an appointment tomorrow with forms outstanding, and another
    # client's recent link to their intake that names no appointment
    with on_spa(glow):
        setting = a_setting()
        soon = a_visit(setting=setting, starts_in=dt.timedelta(hours=20))
        other = a_visit(setting=setting, starts_in=dt.timedelta(days=5))
        form_request_issue(client_id=other.client.pk, channel="email", actor=Actor.system("test"))

        # when the job runs
        sent = reminder_links_send()

        # then the appointment still gets its link (a NULL among the recent
        # links' appointments must not empty the NOT IN)
        assert sent == 1
        assert FormRequest.objects.filter(appointment=soon.appointment).count() == 1


def test_the_desk_sends_a_link_and_a_new_one_revokes_the_old(glow, signed_in, mailoutbox):
    with on_spa(glow):
        visit = a_visit()
        appointment_id = to_global_id("Appointment", visit.appointment.pk)
    desk = signed_in(glow, Role.FRONT_DESK)

    first = desk.graphql(SEND, {"id": appointment_id, "channel": "EMAIL"})
    second = desk.graphql(SEND, {"id": appointment_id, "channel": "SMS"})

    assert first.data["sendFormsLink"]["errors"] == []
    assert second.data["sendFormsLink"]["errors"] == []
    with on_spa(glow):
        links = list(FormRequest.objects.order_by("id"))
        assert [link.channel for link in links] == ["email", "sms"]
        assert links[0].revoked_at is not None and links[1].revoked_at is None
        assert Message.objects.filter(kind=MessageKind.FORM_REQUEST).count() == 2


def test_sending_a_link_refuses_with_typed_errors(glow, signed_in):
    with on_spa(glow):
        visit = a_visit(phone="")
        no_dob = a_visit(setting=visit.setting, dob=None)
        ids = [to_global_id("Appointment", v.appointment.pk) for v in (visit, no_dob)]
    desk = signed_in(glow, Role.FRONT_DESK)

    def codes(appointment_id: str, channel: str) -> list[str]:
        answer = desk.graphql(SEND, {"id": appointment_id, "channel": channel})
        return [e["code"] for e in answer.data["sendFormsLink"]["errors"]]

    assert codes(ids[0], "SMS") == ["NO_ADDRESS"]
    assert codes(ids[1], "EMAIL") == ["DATE_OF_BIRTH_MISSING"]
    assert codes("bm9wZQ", "EMAIL") == ["NOT_FOUND"]
    with on_spa(glow):
        assert not FormRequest.objects.exists()


def test_a_link_from_another_spas_appointment_id_sends_nothing(glow, radiance, signed_in):
    with on_spa(glow):
        visit = a_visit()
        glow_id = to_global_id("Appointment", visit.appointment.pk)
    answer = signed_in(radiance, Role.FRONT_DESK).graphql(SEND, {"id": glow_id, "channel": "EMAIL"})
    assert [e["code"] for e in answer.data["sendFormsLink"]["errors"]] == ["NOT_FOUND"]
    with on_spa(glow):
        assert not FormRequest.objects.exists()


def test_the_tablet_mode_gives_a_30_minute_link_in_the_fragment(glow, signed_in):
    with on_spa(glow):
        visit = a_visit()
        appointment_id = to_global_id("Appointment", visit.appointment.pk)

    answer = signed_in(glow, Role.FRONT_DESK).graphql(TABLET, {"id": appointment_id})

    payload = answer.data["startTabletForms"]
    assert payload["errors"] == []
    assert payload["url"].startswith(f"https://{glow.slug}.")
    match = LINK.match(payload["url"])
    assert match is not None
    with on_spa(glow):
        request = FormRequest.objects.get()
        assert request.token_hash == digest(match.group(1))
        assert request.channel == RequestChannel.TABLET
        assert request.expires_at - request.created_at == dt.timedelta(minutes=30)
        assert request.created_by_user_id is not None
