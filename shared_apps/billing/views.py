"""POST /webhooks/stripe/ on the root domain: Stripe's events.

| answer | when                                                                          |
| ------ | ----------------------------------------------------------------------------- |
| 200    | processed, a duplicate, a type not acted on, or a customer no spa has (stored) |
| 400    | signature missing or wrong, timestamp outside the tolerance, not an event      |
| 405    | anything but POST                                                             |
| 500    | the handler failed: the event row keeps the error; Stripe retries              |
| 503    | no webhook secret configured: nothing can be verified; Stripe retries          |

Nothing of the body is logged (it names customers); the request log line has
the path and status only.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shared_apps.billing.models import StripeEventStatus
from shared_apps.billing.stripe_gateway import (
    BillingNotConfigured,
    WebhookSignatureInvalid,
    event_verify,
)
from shared_apps.billing.webhooks import stripe_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = event_verify(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
    except WebhookSignatureInvalid as refusal:
        logger.warning("stripe webhook refused: %s", refusal.code)
        return JsonResponse({"error": {"code": refusal.code, "message": str(refusal)}}, status=400)
    except BillingNotConfigured:
        logger.error("stripe webhook received but STRIPE_WEBHOOK_SECRET is not set")
        return JsonResponse(
            {"error": {"code": "NOT_CONFIGURED", "message": "Webhooks are not configured."}},
            status=503,
        )
    receipt = stripe_event_receive(event=event)
    if receipt.status == StripeEventStatus.FAILED:
        # Stripe retries 5xx answers (with backoff, for up to three days).
        return JsonResponse(
            {"error": {"code": "PROCESSING_FAILED", "message": "The event could not be applied."}},
            status=500,
        )
    return JsonResponse(
        {"received": receipt.event_id, "status": receipt.status, "duplicate": receipt.duplicate}
    )
