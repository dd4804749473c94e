"""Sending patients their forms links: on a booking (the job scheduling defers
by name, tenant_apps/scheduling/services/notify.py) and when the desk asks
(`forms_link_send`). A link goes through messaging's outbox
(tenant_apps/messaging/sending.py), in the transaction that issues it: the
message names the spa and carries the link, nothing clinical."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import field_error
from shared_apps.jobs.spa import spa_task
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.forms.link_errors import FormLinkErrorCode
from tenant_apps.forms.links import client_can_verify, form_request_issue, link_url
from tenant_apps.forms.models import FormRequest, RequestChannel
from tenant_apps.messaging.models import Channel, MessageKind
from tenant_apps.messaging.sending import message_queue
from tenant_apps.scheduling.models import Appointment
from tenants.db import connection

EVENT_TASK = "forms.appointment_event"
SYSTEM = Actor.system("forms")


def link_channel(appointment: Appointment) -> str | None:
    """Where a link goes unasked: email when the client has an address (the
    longer message explains the date-of-birth check), else a text."""
    client = appointment.client
    if client.email:
        return RequestChannel.EMAIL
    if client.phone:
        return RequestChannel.SMS
    return None


def forms_link_send(
    *,
    appointment_id: int,
    channel: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> FormRequest:
    """Issue a link for the appointment's outstanding forms (revoking older
    ones) and queue its message on `channel` (email or sms). NO_ADDRESS when the
    client has none for it; the errors of `form_request_issue` otherwise."""
    now = now or timezone.now()
    if channel not in (RequestChannel.EMAIL, RequestChannel.SMS):
        raise field_error(
            FormLinkErrorCode.CHANNEL_INVALID, "Send a link by email or text.", "channel"
        )
    appointment = (
        Appointment.objects.select_related("client").filter(pk=appointment_id).first()
        if appointment_id is not None
        else None
    )
    if appointment is None:
        raise field_error(FormLinkErrorCode.NOT_FOUND, "No such appointment.", "appointment_id")
    client = appointment.client
    address = client.email if channel == RequestChannel.EMAIL else client.phone
    if not address:
        raise field_error(
            FormLinkErrorCode.NO_ADDRESS,
            "The client has no "
            + ("email address." if channel == RequestChannel.EMAIL else "mobile number."),
            "channel",
        )
    request, token = form_request_issue(
        appointment_id=appointment.pk, channel=channel, actor=actor, now=now
    )
    message_queue(
        key=f"forms:{request.pk}:{channel}",
        client=client,
        appointment=appointment,
        channel=Channel.EMAIL if channel == RequestChannel.EMAIL else Channel.SMS,
        kind=MessageKind.FORM_REQUEST,
        due_at=now,
        extra={"forms_link": link_url(spa=connection.tenant, token=token)},
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client.pk])
    return request


def forms_link_send_if_outstanding(
    appointment: Appointment, *, actor: Actor, now: dt.datetime
) -> FormRequest | None:
    """A link for the appointment if forms are outstanding and it can reach and
    be opened by the client; None otherwise (nothing sent)."""
    channel = link_channel(appointment)
    if channel is None or not client_can_verify(appointment.client):
        return None
    try:
        return forms_link_send(appointment_id=appointment.pk, channel=channel, actor=actor, now=now)
    except ValidationError as exc:
        if _codes(exc) <= {
            FormLinkErrorCode.NOTHING_OUTSTANDING,
            FormLinkErrorCode.APPOINTMENT_CLOSED,
        }:
            return None
        raise


def _codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {str(e.code) for errors in exc.error_dict.values() for e in errors}
    return {str(e.code) for e in exc.error_list}


@spa_task(name=EVENT_TASK)
def appointment_event(*, appointment_id: int, event: str) -> str:
    """On a booking, a link to the forms still outstanding (if any)."""
    if event != "booked":
        return "ignored"
    appointment = Appointment.objects.select_related("client").filter(pk=appointment_id).first()
    if appointment is None:
        return "gone"
    request = forms_link_send_if_outstanding(appointment, actor=SYSTEM, now=timezone.now())
    return "sent" if request is not None else "nothing"
