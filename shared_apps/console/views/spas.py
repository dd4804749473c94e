"""The spas: the list (the console's home) and one spa's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shared_apps.billing.models import SubscriptionStatus
from shared_apps.console import charts, formatting, selectors
from shared_apps.console.access import console_view
from shared_apps.console.context import page
from shared_apps.console.models import SpaUsage
from shared_apps.console.views.actions import actions_context
from shared_apps.console.views.impersonation import impersonation_context
from tenant_apps.profile.selectors import profile_of
from tenants.models import Spa, SpaStatus

# --- Spa list ----------------------------------------------------------------------------------

# The list's columns: (sort key or "", label, numeric).
_COLUMNS = [
    ("name", "Spa", False),
    ("status", "Status", False),
    ("plan", "Plan", False),
    ("mrr", "MRR", True),
    ("seats", "Seats", True),
    ("", "Clients", True),
    ("", "Appts this month", True),
    ("", "Data", True),
    ("created", "Created", False),
    ("activity", "Last activity", False),
]
# Sorts whose first click shows the largest or newest first.
_DESCENDING_FIRST = ("mrr", "seats", "created", "activity")


@dataclass(frozen=True)
class _ListParams:
    """What the list was asked for (GET): search, filters, sort."""

    search: str
    status: str
    plan: str
    sort: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> _ListParams:
        sort = request.GET.get("sort", "")
        if sort.lstrip("-") not in selectors.SORTS:
            sort = selectors.DEFAULT_SORT
        return cls(
            search=request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_LENGTH],
            status=request.GET.get("status", ""),
            plan=request.GET.get("plan", ""),
            sort=sort,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.status or self.plan)

    def url(self, **changes: str | int) -> str:
        """This list's address with `changes` (a sort, a page), keeping the rest;
        empty values and defaults are left out (a new sort goes back to page 1)."""
        values: dict[str, Any] = {
            "q": self.search,
            "status": self.status,
            "plan": self.plan,
            "sort": self.sort,
            **changes,
        }
        if values["sort"] == selectors.DEFAULT_SORT:
            values["sort"] = ""
        if values.get("page") == 1:
            values["page"] = ""
        query = urlencode({key: value for key, value in values.items() if value})
        return f"?{query}" if query else reverse("console:spas")


def _headers(params: _ListParams) -> list[dict[str, Any]]:
    """Each column's label and, when it sorts, the link that sorts by it (the
    other way round when it is the current sort) and the current direction."""
    current = params.sort.lstrip("-")
    descending = params.sort.startswith("-")
    headers = []
    for key, label, numeric in _COLUMNS:
        header: dict[str, Any] = {"label": label, "numeric": numeric, "url": "", "sorted": ""}
        if key == current:
            header["sorted"] = "descending" if descending else "ascending"
            header["url"] = params.url(sort=key if descending else f"-{key}")
        elif key:
            header["url"] = params.url(sort=f"-{key}" if key in _DESCENDING_FIRST else key)
        headers.append(header)
    return headers


@dataclass(frozen=True)
class _SpaRow:
    spa: Spa
    plan_name: str
    subscription_status: str  # shown under the plan unless it is active
    mrr: str  # "$1,234.00", "trial", or "" (nothing billed)
    mrr_note: str  # the subscription's status, for the cell's title
    seats: int | None
    usage: SpaUsage | None
    usage_computed: str
    activity: str
    activity_exact: str


def _row(spa: Any, *, now: dt.datetime) -> _SpaRow:
    """One line of the list, from a spa of `selectors.spa_list_search`."""
    subscription = getattr(spa, "subscription", None)
    usage = getattr(spa, "usage", None)
    mrr, note, plan_name, shown_status, seats = "", "No subscription", "", "", None
    if subscription is not None:
        note = subscription.get_status_display()
        plan_name = subscription.plan.name
        seats = subscription.seats
        if subscription.status == SubscriptionStatus.TRIALING:
            mrr = "trial"
        elif spa.mrr_cents and spa.status != SpaStatus.CLOSED:
            mrr = formatting.money(spa.mrr_cents, subscription.plan.currency)
        if subscription.status != SubscriptionStatus.ACTIVE:
            shown_status = note
    return _SpaRow(
        spa=spa,
        plan_name=plan_name,
        subscription_status=shown_status,
        mrr=mrr,
        mrr_note=note,
        seats=seats,
        usage=usage,
        usage_computed=(
            f"Computed {formatting.ago(usage.computed_at, now=now)}"
            f" ({formatting.exact(usage.computed_at)})"
            if usage is not None
            else ""
        ),
        activity=formatting.ago(spa.last_activity_at, now=now),
        activity_exact=formatting.exact(spa.last_activity_at),
    )


@console_view()
def spa_list(request: HttpRequest) -> HttpResponse:
    """Every spa: search, filters by status and plan, sortable columns, 50 a
    page; the platform's figures and their history at the top.

    A fixed number of queries whatever the number of spas: the figures (two
    aggregates), the chart's days (one), the plans (one), the count and the
    page (one each). Nothing here reads a spa's schema: usage figures come from
    `SpaUsage`, computed in the background (shared_apps/console/usage.py).
    """
    params = _ListParams.from_request(request)
    now = timezone.now()
    summary = selectors.spa_list_summary()
    currency = summary.main_currency
    history = selectors.platform_history(summary=summary, currency=currency)
    spas = selectors.spa_list_search(
        search=params.search, status=params.status, plan=params.plan, sort=params.sort
    )
    listing = Paginator(spas, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "spas",
        "params": params,
        "statuses": SpaStatus.choices,
        "plans": list(selectors.spa_list_plans()),
        "headers": _headers(params),
        "listing": listing,
        "rows": [_row(spa, now=now) for spa in listing],
        "previous_url": (
            params.url(page=listing.previous_page_number()) if listing.has_previous() else ""
        ),
        "next_url": params.url(page=listing.next_page_number()) if listing.has_next() else "",
        "summary": summary,
        "mrr": [formatting.money(cents, code) for code, cents in summary.mrr_cents.items()]
        or [formatting.money(0, currency)],
        "usage_oldest": formatting.ago(summary.usage_oldest_at, now=now),
        "usage_oldest_exact": formatting.exact(summary.usage_oldest_at),
        "history": [
            {
                "day": point.day,
                "spas": point.spas,
                "mrr": formatting.money(point.mrr_cents, currency),
                "estimated": point.estimated,
                "live": point.live,
            }
            for point in reversed(history)
        ],
        "chart": charts.spas_and_mrr_chart(history, currency=currency),
        "currency": currency.upper(),
    }
    return page(request, "console/spa_list.html", context)


@console_view()
def spa_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One spa on one page: profile, addresses, people, billing, history, usage and
    Stripe events, then the action and impersonation panels. A fixed number of
    queries whatever the spa's size (selectors.spa_detail_get, plus one in the
    spa's schema for its profile); patient data is never read."""
    detail = selectors.spa_detail_get(slug=slug)
    if detail is None:
        raise Http404("No spa has that slug.")
    spa = detail.spa
    webhook_url = _webhook_url_builder()
    dashboard = _stripe_dashboard()
    subscription = detail.subscription
    context: dict[str, Any] = {
        "nav": "spas",
        "spa": spa,
        "detail": detail,
        "profile": profile_of(spa=spa),
        "platform_url": f"http://{spa.slug}.{settings.ROOT_DOMAIN}/graphql/",
        "mrr": _mrr_label(detail),
        "active_members": sum(1 for m in detail.members if m.is_active),
        "now": timezone.now(),
        "stripe_customer_url": (
            f"{dashboard}customers/{subscription.stripe_customer_id}"
            if subscription is not None and subscription.stripe_customer_id
            else ""
        ),
        "stripe_subscription_url": (
            f"{dashboard}subscriptions/{subscription.stripe_subscription_id}"
            if subscription is not None and subscription.stripe_subscription_id
            else ""
        ),
        "invoice_rows": [
            {
                "invoice": invoice,
                "amount_due": formatting.money(invoice.amount_due_cents, invoice.currency),
                "amount_paid": formatting.money(invoice.amount_paid_cents, invoice.currency),
                "stripe_url": f"{dashboard}invoices/{invoice.stripe_invoice_id}",
            }
            for invoice in detail.invoices
        ],
        "history_rows": [
            {
                "change": entry.change,
                "event_url": webhook_url(entry.event_pk) if webhook_url and entry.event_pk else "",
            }
            for entry in detail.status_changes
        ],
        "event_rows": [
            {
                "event": event,
                "url": webhook_url(event.pk) if webhook_url else "",
                "stripe_url": f"{dashboard}events/{event.event_id}",
            }
            for event in detail.events
        ],
    }
    # The panels' own contexts (other modules), merged last: their keys are theirs.
    context.update(actions_context(request, spa))
    context.update(impersonation_context(request, spa))
    return page(request, "console/spa_detail.html", context)


def _mrr_label(detail: selectors.SpaDetail) -> str:
    """The header's MRR: money, "trial" while trialing, "none" without a subscription."""
    subscription = detail.subscription
    if subscription is None or detail.mrr_cents is None:
        return "none"
    if detail.mrr_cents == 0 and subscription.status == SubscriptionStatus.TRIALING:
        return "trial"
    return formatting.money(detail.mrr_cents, subscription.plan.currency)


def _stripe_dashboard() -> str:
    """Stripe's dashboard, in its test mode when the platform runs on a test key
    (test objects are only found there)."""
    test_key = settings.STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_"))
    return "https://dashboard.stripe.com/test/" if test_key else "https://dashboard.stripe.com/"


def _webhook_url_builder() -> Callable[[int], str] | None:
    """The console's page of one Stripe event, if this build has the webhook log."""
    try:
        reverse("console:webhook", args=[1])
    except NoReverseMatch:
        return None
    return lambda pk: reverse("console:webhook", args=[pk])
