"""The Stripe webhook log: every stored event with its status and error, and
replaying one that failed (or matched no spa).

The list is newest first (by id, which follows arrival), filtered by status
and type, searched by event id or spa slug, and paged by keyset (`before=<id>`):
one query per page however long the log, no COUNT over it.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from shared_apps.billing.models import StripeEvent, StripeEventStatus
from shared_apps.billing.webhooks import HANDLERS
from shared_apps.console import services
from shared_apps.console.access import console_view
from shared_apps.console.context import page
from shared_apps.console.forms import WebhookFilterForm
from shared_apps.console.views.actions import error_text

PAGE_SIZE = 50


@console_view()
def webhook_list(request: HttpRequest) -> HttpResponse:
    """Stored Stripe events, newest first, with filters and a search."""
    form = WebhookFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = StripeEvent.objects.select_related("spa").defer("payload").order_by("-pk")
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("type"):
        rows = rows.filter(type=filters["type"].strip())
    query = (filters.get("q") or "").strip()
    if query:
        rows = rows.filter(Q(event_id=query) | Q(spa__slug=query.lower()))
    if filters.get("before"):
        rows = rows.filter(pk__lt=filters["before"])
    events = list(rows[: PAGE_SIZE + 1])
    older = None
    if len(events) > PAGE_SIZE:
        events = events[:PAGE_SIZE]
        params = request.GET.copy()
        params["before"] = str(events[-1].pk)
        older = f"?{params.urlencode()}"
    newest = None
    if filters.get("before"):
        params = request.GET.copy()
        params.pop("before", None)
        newest = f"?{params.urlencode()}"
    return page(
        request,
        "console/webhook_list.html",
        {
            "form": form,
            "events": events,
            "older_url": older,
            "newest_url": newest,
            "event_types": sorted(HANDLERS),
            "statuses": StripeEventStatus.choices,
            "replayable": services.REPLAYABLE,
            "nav": "webhooks",
        },
    )


@console_view()
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event: its payload, error, attempts, spa; replay if it failed."""
    event = get_object_or_404(StripeEvent.objects.select_related("spa"), pk=pk)
    return page(
        request,
        "console/webhook_detail.html",
        {
            "event": event,
            "payload": json.dumps(event.payload, indent=2, sort_keys=True),
            "replayable": event.status in services.REPLAYABLE,
            "nav": "webhooks",
        },
    )


@console_view(methods=("POST",))
def webhook_replay(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the event again and say how it went."""
    event = get_object_or_404(StripeEvent, pk=pk)
    try:
        receipt = services.console_stripe_event_replay(request=request, event=event)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        label = StripeEventStatus(receipt.status).label.lower()
        if receipt.status == StripeEventStatus.FAILED:
            error = receipt.error[:300]
            messages.error(request, f"Replayed {event.event_id}: it failed again ({error}).")
        elif receipt.status == StripeEventStatus.UNMATCHED:
            messages.warning(request, f"Replayed {event.event_id}: it still matches no spa.")
        else:
            messages.success(request, f"Replayed {event.event_id}: {label}.")
    return HttpResponseRedirect(reverse("console:webhook", args=[pk]))
