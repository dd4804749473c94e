"""Reads for the console's pages (public schema only: never a spa's schema)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Greatest, Lower, Substr
from django.utils import timezone

from shared_apps.accounts.models import ApiToken, Invitation, Membership, Role
from shared_apps.billing.models import Invoice, Plan, StripeEvent, Subscription, SubscriptionStatus
from shared_apps.console.models import PlatformDay, SpaUsage
from tenants.models import Domain, Spa, SpaStatus, SpaStatusChange

# --- Spa list ----------------------------------------------------------------------------------
#
# MRR (monthly recurring revenue) of a spa: its plan's monthly price for its
# seats (Plan.price_for_seats, computed in SQL so the list can sort by it) while
# its subscription is billing: active, past due or unpaid (Stripe still invoices
# those; unpaid money is still owed, and dunning decides whether the spa stays
# open). A trialing subscription counts 0 (the list shows "trial"): it has not
# paid yet, and a trial that converts shows up the day it does. A canceled,
# paused or incomplete subscription, or none at all (a spa made at the console),
# counts nothing. Closed spas count nothing whatever their subscription says.

PAYING_STATUSES = (
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.PAST_DUE,
    SubscriptionStatus.UNPAID,
)

PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100

# Lifecycle order, for sorting by status (rather than alphabetically by code).
_STATUS_ORDER = [
    SpaStatus.PROVISIONING,
    SpaStatus.TRIALING,
    SpaStatus.ACTIVE,
    SpaStatus.PAST_DUE,
    SpaStatus.SUSPENDED,
    SpaStatus.CLOSED,
]


def mrr_cents_expression(prefix: str = "") -> Combinable:
    """`Plan.price_for_seats(seats)` in SQL, for a subscription reached by
    `prefix` ("" on Subscription, "subscription__" on Spa):
    monthly_price_cents + greatest(seats - included_provider_seats, 0) * extra_seat_price_cents."""
    extra_seats = Greatest(
        ExpressionWrapper(
            F(f"{prefix}seats") - F(f"{prefix}plan__included_provider_seats"),
            output_field=IntegerField(),
        ),
        Value(0),
        output_field=IntegerField(),
    )
    return ExpressionWrapper(
        F(f"{prefix}plan__monthly_price_cents")
        + extra_seats * F(f"{prefix}plan__extra_seat_price_cents"),
        output_field=BigIntegerField(),
    )


def _last_activity() -> Subquery:
    """The latest use of any API token of the spa's members: one correlated
    aggregate in the list's query, not a query per row."""
    latest = (
        ApiToken.objects.filter(membership__spa_id=OuterRef("pk"))
        .order_by()
        .values("membership__spa_id")
        .annotate(latest=Max("last_used_at"))
        .values("latest")
    )
    return Subquery(latest)


# Sort keys of the list (GET ?sort=<key> or -<key>): the expressions to order by.
SORTS: dict[str, str] = {
    "name": "name",
    "status": "status",
    "plan": "plan",
    "mrr": "MRR",
    "seats": "seats",
    "created": "created",
    "activity": "last activity",
}
DEFAULT_SORT = "name"


def _order_by(sort: str) -> list[OrderBy]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = DEFAULT_SORT, False
    status_rank = Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(_STATUS_ORDER)),
        default=Value(len(_STATUS_ORDER)),
        output_field=IntegerField(),
    )
    # F and expressions alike (the stubs give F no asc/desc, hence Any).
    keys: dict[str, list[Any]] = {
        "name": [Lower("name")],
        "status": [status_rank],
        "plan": [F("subscription__plan__display_order"), F("subscription__plan__name")],
        "mrr": [F("mrr_cents")],
        "seats": [F("subscription__seats")],
        "created": [F("created_at")],
        "activity": [F("last_activity_at")],
    }
    # Spas with no value (no plan, never used) go last either way; the pk makes
    # the order total, so pages never repeat or skip a spa.
    expressions = [
        expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        for expression in keys[key]
    ]
    expressions.append(F("pk").desc() if descending else F("pk").asc())
    return expressions


def spa_list_search(
    *, search: str = "", status: str = "", plan: str = "", sort: str = DEFAULT_SORT
) -> QuerySet[Spa]:
    """The console's spa list, one SQL query per page (plus the count): each spa
    with its subscription and plan, its usage figures (computed in the
    background: shared_apps/console/usage.py), `mrr_cents` and
    `last_activity_at` annotated.

    `search` matches slug, name, owner email or any domain (case-insensitive,
    contains); `status` is a SpaStatus value; `plan` a plan code, or "none" for
    spas without a subscription. Unknown filter values match nothing; an
    unknown sort falls back to the name.
    """
    spas = Spa.objects.select_related("subscription__plan", "usage").annotate(
        mrr_cents=Case(
            When(
                Q(subscription__status__in=PAYING_STATUSES) & ~Q(status=SpaStatus.CLOSED),
                then=mrr_cents_expression("subscription__"),
            ),
            When(subscription__isnull=False, then=Value(0)),
            default=None,
            output_field=BigIntegerField(),
        ),
        last_activity_at=_last_activity(),
    )
    search = search.strip()[:SEARCH_MAX_LENGTH]
    if search:
        domains = Domain.objects.filter(tenant_id=OuterRef("pk"), domain__icontains=search)
        spas = spas.filter(
            Q(slug__icontains=search)
            | Q(name__icontains=search)
            | Q(owner_email__icontains=search)
            | Exists(domains)
        )
    if status:
        spas = spas.filter(status=status)
    if plan == "none":
        spas = spas.filter(subscription__isnull=True)
    elif plan:
        spas = spas.filter(subscription__plan__code=plan)
    return spas.order_by(*_order_by(sort))


def spa_list_plans() -> QuerySet[Plan]:
    """Every plan (retired ones too: spas may still be on them), for the filter."""
    return Plan.objects.order_by("display_order", "monthly_price_cents", "code")


@dataclass(frozen=True)
class SpaListSummary:
    """The figures at the top of the list, live."""

    spas: int  # not closed (any other status)
    active: int
    trialing: int
    past_due: int
    suspended: int
    # MRR in cents by currency ({"usd": 123400}), largest first.
    mrr_cents: dict[str, int] = field(default_factory=dict)
    # Usage figures: the oldest computation, and spas with none yet.
    usage_oldest_at: dt.datetime | None = None
    usage_missing: int = 0
    computed_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def main_currency(self) -> str:
        return next(iter(self.mrr_cents), "usd")


def spa_list_summary() -> SpaListSummary:
    """Spa counts by status and MRR by currency: two aggregate queries,
    whatever the number of spas."""
    countable = ~Q(status__in=[SpaStatus.CLOSED, SpaStatus.PROVISIONING])
    counts = Spa.objects.aggregate(
        spas=Count("pk", filter=~Q(status=SpaStatus.CLOSED)),
        active=Count("pk", filter=Q(status=SpaStatus.ACTIVE)),
        trialing=Count("pk", filter=Q(status=SpaStatus.TRIALING)),
        past_due=Count("pk", filter=Q(status=SpaStatus.PAST_DUE)),
        suspended=Count("pk", filter=Q(status=SpaStatus.SUSPENDED)),
        usage_oldest_at=Min("usage__computed_at", filter=countable),
        usage_missing=Count("pk", filter=countable & Q(usage__isnull=True)),
    )
    by_currency = (
        Subscription.objects.filter(status__in=PAYING_STATUSES)
        .exclude(spa__status=SpaStatus.CLOSED)
        .values("plan__currency")
        .annotate(cents=Sum(mrr_cents_expression()))
        .order_by("-cents", "plan__currency")
    )
    return SpaListSummary(
        spas=counts["spas"],
        active=counts["active"],
        trialing=counts["trialing"],
        past_due=counts["past_due"],
        suspended=counts["suspended"],
        mrr_cents={row["plan__currency"]: int(row["cents"]) for row in by_currency},
        usage_oldest_at=counts["usage_oldest_at"],
        usage_missing=counts["usage_missing"],
    )


@dataclass(frozen=True)
class HistoryPoint:
    """One day of the chart."""

    day: dt.date
    spas: int
    mrr_cents: int  # in the chart's currency
    estimated: bool = False
    live: bool = False  # today's figure, not yet recorded


def platform_history(
    *, summary: SpaListSummary, days: int = 90, currency: str | None = None
) -> list[HistoryPoint]:
    """The last `days` days of `PlatformDay` (one query), MRR in `currency`
    (the summary's main one by default), with today's live figures from
    `summary` as the last point when no row for today has been recorded yet."""
    currency = currency or summary.main_currency
    today = timezone.now().astimezone(dt.UTC).date()
    rows = PlatformDay.objects.filter(day__gt=today - dt.timedelta(days=days), day__lte=today)
    points = [
        HistoryPoint(
            day=row.day,
            spas=row.spas,
            mrr_cents=int((row.mrr_cents or {}).get(currency, 0)),
            estimated=row.estimated,
        )
        for row in rows.order_by("day")
    ]
    if not points or points[-1].day < today:
        points.append(
            HistoryPoint(
                day=today,
                spas=summary.spas,
                mrr_cents=summary.mrr_cents.get(currency, 0),
                live=True,
            )
        )
    return points


# --- Spa detail --------------------------------------------------------------------------------
#
# One spa's page reads a fixed number of queries whatever the spa's size: the spa
# with its subscription, plan and usage (one join), then one query each for
# domains, members (with their users), open invitations, invoices, status history
# (each change with the console's id of the Stripe event that caused it, by a
# subquery) and recent Stripe events. Long lists are capped, newest first.

DETAIL_MEMBERS_LIMIT = 200
DETAIL_INVITATIONS_LIMIT = 50
DETAIL_INVOICES_LIMIT = 24
DETAIL_STATUS_CHANGES_LIMIT = 50
DETAIL_EVENTS_LIMIT = 20
STRIPE_CAUSE_PREFIX = "stripe:"


@dataclass(frozen=True)
class StatusChangeEntry:
    change: SpaStatusChange
    # The stored StripeEvent behind a `stripe:<event id>` cause (None for other causes).
    event_pk: int | None


@dataclass(frozen=True)
class SpaDetail:
    spa: Spa
    subscription: Subscription | None
    usage: SpaUsage | None
    # Per the list's definition (section above); None without a subscription.
    mrr_cents: int | None
    domains: list[Domain]
    # Owners first, then active before inactive, then by joining date.
    members: list[Membership]
    members_capped: bool
    # Neither accepted nor revoked (expired ones included: they may need resending).
    invitations: list[Invitation]
    invoices: list[Invoice]
    # Newest first.
    status_changes: list[StatusChangeEntry]
    # Newest first, without their payloads.
    events: list[StripeEvent]


def _spa_mrr_cents(spa: Spa, subscription: Subscription | None) -> int | None:
    if subscription is None:
        return None
    if subscription.status in PAYING_STATUSES and spa.status != SpaStatus.CLOSED:
        return subscription.plan.price_for_seats(subscription.seats)
    return 0


def spa_detail_get(*, slug: str) -> SpaDetail | None:
    """Everything the public schema knows about the spa `slug` (None: no such
    spa), in seven queries (see above). The spa's profile lives in its own
    schema: `tenant_apps.profile.selectors.profile_of`."""
    spa = Spa.objects.select_related("subscription__plan", "usage").filter(slug=slug).first()
    if spa is None:
        return None
    subscription = getattr(spa, "subscription", None)
    usage = getattr(spa, "usage", None)
    owners_first = Case(When(role=Role.OWNER, then=Value(0)), default=Value(1))
    members = list(
        Membership.objects.filter(spa=spa)
        .select_related("user")
        .order_by(owners_first, "-is_active", "created_at", "pk")[: DETAIL_MEMBERS_LIMIT + 1]
    )
    invitations = Invitation.objects.filter(
        spa=spa, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")[:DETAIL_INVITATIONS_LIMIT]
    cause_event = StripeEvent.objects.filter(
        event_id=Substr(OuterRef("cause"), len(STRIPE_CAUSE_PREFIX) + 1)
    ).values("pk")[:1]
    status_changes = (
        SpaStatusChange.objects.filter(spa=spa)
        .annotate(
            event_pk=Case(
                When(cause__startswith=STRIPE_CAUSE_PREFIX, then=Subquery(cause_event)),
                default=None,
            )
        )
        .order_by("-created_at", "-pk")[:DETAIL_STATUS_CHANGES_LIMIT]
    )
    events = (
        StripeEvent.objects.filter(spa=spa)
        .defer("payload")
        .order_by("-received_at", "-pk")[:DETAIL_EVENTS_LIMIT]
    )
    return SpaDetail(
        spa=spa,
        subscription=subscription,
        usage=usage,
        mrr_cents=_spa_mrr_cents(spa, subscription),
        domains=list(Domain.objects.filter(tenant=spa).order_by("-is_primary", "domain")),
        members=members[:DETAIL_MEMBERS_LIMIT],
        members_capped=len(members) > DETAIL_MEMBERS_LIMIT,
        invitations=list(invitations),
        invoices=list(
            Invoice.objects.filter(spa=spa).order_by("-stripe_created_at", "-pk")[
                :DETAIL_INVOICES_LIMIT
            ]
        ),
        status_changes=[
            StatusChangeEntry(change=change, event_pk=change.event_pk)  # type: ignore[attr-defined]
            for change in status_changes
        ],
        events=list(events),
    )
