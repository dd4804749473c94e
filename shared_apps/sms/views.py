"""Twilio's callbacks to the platform's number, on the root domain: texts from
patients (`/webhooks/twilio/sms/`) and delivery status (`/webhooks/twilio/status/`).

Both are refused (403) unless Twilio's signature (X-Twilio-Signature, checked
with its RequestValidator and our auth token over the exact URL it called and
the form fields) is right. A text is routed to the spa that last texted the
sender (shared_apps/sms/models.py) and handled there at once, in one
transaction; a status names its spa and message in the URL we gave Twilio,
which the signature covers.
"""

from __future__ import annotations

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
from tenant_apps.messaging.inbound import sms_received
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
    route = SmsRoute.objects.select_related("spa").filter(phone=sender).first()
    if route is None or route.spa.status == "closed":
        logger.info("text from a number no spa has texted")
        return _twiml()
    with tenant_context(route.spa), transaction.atomic():
        outcome = sms_received(
            from_phone=sender,
            body=request.POST.get("Body", ""),
            provider_id=request.POST.get("MessageSid", ""),
        )
    connection.set_schema_to_public()
    logger.info("text received", extra={"spa": route.spa.slug, "outcome": outcome})
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
        if message is not None:
            message.status = status
            message.provider_id = request.POST.get("MessageSid", message.provider_id)[:64]
            if status == MessageStatus.FAILED:
                message.reason = f"twilio_{request.POST.get('ErrorCode', '')}"[:32]
            message.sent_at = message.sent_at or timezone.now()
            message.save()
    connection.set_schema_to_public()
    return HttpResponse(status=204)
