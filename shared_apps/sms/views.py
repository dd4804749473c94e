"""Twilio's callbacks to the platform's number, on the root domain: texts from
patients (`/webhooks/twilio/sms/`) and delivery status (`/webhooks/twilio/status/`).

Both are refused (403) unless Twilio's signature (X-Twilio-Signature, checked
with its RequestValidator and our auth token over the exact URL it called and
the form fields) is right. A text is routed by the spas that texted the
sender (shared_apps/sms/models.py) and handled at once, in one transaction:
STOP and START in every such spa (a STOP answered once, by the latest spa it
opted out at); YES in the one spa that texted the number in the last
CONFIRM_WINDOW, or else answered by the latest spa asking the patient to call;
anything else in the latest spa. A status names its spa and message in the URL we gave Twilio,
which the signature covers.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context
from twilio.request_validator import RequestValidator

from shared_apps.sms.models import SmsRoute
from tenant_apps.messaging.inbound import (
    CONFIRM_WORDS,
    START_WORDS,
    STOP_WORDS,
    keyword,
    sms_opt_out_confirm,
    sms_received,
)
from tenant_apps.messaging.models import Message, MessageStatus
from tenants.db import connection
from tenants.models import Spa

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio's delivery statuses and ours.
DELIVERY = {
    "delivered": MessageStatus.DELIVERED,
    "sent": MessageStatus.SENT,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
}
# How far along a handed-over text is: a callback only moves it further.
_PROGRESS: dict[str, int] = {
    MessageStatus.SENDING: 1,
    MessageStatus.UNCONFIRMED: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.FAILED: 3,
}
# A YES confirms a visit only when one spa alone texted the number this lately.
CONFIRM_WINDOW = dt.timedelta(days=7)


def _signed(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    base = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/") or f"https://{request.get_host()}"
    url = base + request.get_full_path()
    return bool(RequestValidator(token).validate(url, request.POST.dict(), signature))


def _twiml() -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def inbound_sms(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponse(status=403)
    sender = request.POST.get("From", "")
    body = request.POST.get("Body", "")
    provider_id = request.POST.get("MessageSid", "")
    routes = list(
        SmsRoute.objects.select_related("spa")
        .filter(phone=sender)
        .exclude(spa__status="closed")
        .order_by("-last_sent_at", "-id")
    )
    if not routes:
        logger.info("text from a number no spa has texted")
        return _twiml()
    now = timezone.now()
    word = keyword(body)
    may_confirm = True
    if word in STOP_WORDS or word in START_WORDS:
        targets = [route.spa for route in routes]
    elif word in CONFIRM_WORDS:
        recent = [route.spa for route in routes if route.last_sent_at >= now - CONFIRM_WINDOW]
        may_confirm = len(recent) == 1
        targets = recent if may_confirm else [routes[0].spa]
    else:
        targets = [routes[0].spa]
    outcomes: list[tuple[Spa, str]] = []
    with transaction.atomic():
        for spa in targets:
            with tenant_context(spa):
                outcome = sms_received(
                    from_phone=sender,
                    body=body,
                    provider_id=provider_id,
                    may_confirm=may_confirm,
                    now=now,
                )
            outcomes.append((spa, outcome))
        # One confirmation of a STOP: from the latest spa it opted the number out at.
        answering = next((spa for spa, outcome in outcomes if outcome == "stop"), None)
        if answering is not None:
            with tenant_context(answering):
                sms_opt_out_confirm(from_phone=sender, provider_id=provider_id)
    connection.set_schema_to_public()
    for spa, outcome in outcomes:
        logger.info("text received", extra={"spa": spa.slug, "outcome": outcome})
    return _twiml()


@csrf_exempt
@require_POST
def delivery_status(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponse(status=403)
    spa = Spa.objects.filter(schema_name=request.GET.get("spa", "")).first()
    status = DELIVERY.get(request.POST.get("MessageStatus", ""))
    message_id = request.GET.get("message", "")
    if spa is None or status is None or not message_id.isdigit():
        return HttpResponse(status=204)
    with tenant_context(spa), transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=int(message_id)).first()
        # Only forward: callbacks come out of order (and, unsigned by time, may
        # be replayed); a late "sent" never undoes "delivered", nothing undoes
        # a final state, and a message never handed over is not Twilio's to settle.
        if message is not None and _PROGRESS.get(message.status, 99) < _PROGRESS[status]:
            message.status = status
            message.provider_id = request.POST.get("MessageSid", message.provider_id)[:64]
            if status == MessageStatus.FAILED:
                message.reason = f"twilio_{request.POST.get('ErrorCode', '')}"[:32]
            message.sent_at = message.sent_at or timezone.now()
            message.save()
    connection.set_schema_to_public()
    return HttpResponse(status=204)
