"""The console's background figures: each spa's usage, and the platform's daily
figures that the spa list's chart draws.

Why in the background: a spa's client and appointment counts live in its own
schema, so reading them means switching the connection to each spa in turn. The
spa list answers in a fixed number of queries however many spas there are, so
it reads `SpaUsage` rows instead, which `manage.py console_usage` (hourly,
platform/RUNBOOK.md) refreshes; the page says how old they are. The same goes
for the chart's history: `manage.py console_metrics` (hourly) keeps today's
`PlatformDay` up to date, so the last run of a day leaves that day's closing
figures.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import DatabaseError, transaction
from django.utils import timezone

from shared_apps.billing.models import Subscription
from shared_apps.console.models import PlatformDay, SpaUsage
from shared_apps.console.selectors import spa_list_summary
from tenant_apps.clients.models import Client
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenants.citus import citus_enabled
from tenants.citus import schema_sizes as distributed_schema_sizes
from tenants.db import connection
from tenants.models import Spa, SpaStatus, SpaStatusChange

logger = logging.getLogger(__name__)

# Spas whose schema is there to count: not one being built, not a closed one.
_NOT_COUNTED = (SpaStatus.PROVISIONING, SpaStatus.CLOSED)

# Every relation that takes room: tables (with their indexes and TOAST, through
# pg_total_relation_size) and materialized views. Partitioned parents are empty
# shells whose partitions are tables of the same schema, so they are left out.
_SCHEMA_SIZES = """
SELECT n.nspname, COALESCE(SUM(pg_total_relation_size(c.oid)), 0)
FROM pg_namespace n
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'm')
WHERE n.nspname = ANY(%s)
GROUP BY n.nspname
"""


# --- Usage ---------------------------------------------------------------------------------------


def schema_sizes(*, schema_names: Sequence[str]) -> dict[str, int]:
    """Bytes on disk of each schema (one query for all of them; from the
    public schema, through the catalogs; on Citus a second one reads the
    shards'). A schema that does not exist is missing from the answer."""
    if not schema_names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_SCHEMA_SIZES, [list(schema_names)])
        sizes = {name: int(size) for name, size in cursor.fetchall()}
    if citus_enabled():
        # A distributed schema's tables here are empty shells: its rows are in
        # its shards, on a worker (two queries whatever the number of spas).
        # With a worker down Citus cannot read them: the shells' figures stand.
        try:
            with transaction.atomic():
                sizes.update(distributed_schema_sizes(list(sizes)))
        except DatabaseError:
            logger.warning("shard sizes unreadable (a Citus worker down?); coordinator sizes kept")
    return sizes


def month_bounds(*, now: dt.datetime, timezone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The current month in the spa's timezone, as [start, end) instants: an
    appointment at 23:30 on the 31st in New York is the previous month's even
    though it is already the 1st in UTC."""
    zone = ZoneInfo(timezone_name)
    local = now.astimezone(zone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    # Wall-clock arithmetic (same tzinfo), so the end is the next month's local midnight.
    end = (start.replace(tzinfo=None) + dt.timedelta(days=32)).replace(day=1)
    return start, end.replace(tzinfo=zone)


@dataclass(frozen=True)
class SpaCounts:
    clients: int
    appointments_this_month: int


def _spa_counts(*, spa: Spa, now: dt.datetime) -> SpaCounts:
    """Counted on the spa's schema; the connection is back on the public schema
    afterwards, whatever happens.

    - clients: records not archived (a merged record is archived too);
    - appointments this month: starting in the spa's current month (its own
      timezone), any status but cancelled (no-shows were booked and held time).

    Explicit set_tenant / set_schema_to_public rather than tenant_context (which
    goes back to whatever tenant was set before): this is a platform job, and
    what follows it (writing SpaUsage) belongs on the public schema. Both are
    safe with TENANT_LIMIT_SET_CALLS: each call forgets the cached search_path,
    so the next query sets it again.
    """
    start, end = month_bounds(now=now, timezone_name=spa.timezone)
    connection.set_tenant(spa)
    try:
        # A savepoint of its own: a spa whose schema is broken fails alone
        # (usage_refresh_all goes on with the others).
        with transaction.atomic():
            clients = Client.objects.filter(archived_at__isnull=True).count()
            appointments = (
                Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
                .exclude(status=AppointmentStatus.CANCELLED)
                .count()
            )
    finally:
        connection.set_schema_to_public()
    return SpaCounts(clients=clients, appointments_this_month=appointments)


def _usage_save(usages: Iterable[SpaUsage]) -> None:
    """One upsert for all of them (a spa has at most one row)."""
    SpaUsage.objects.bulk_create(
        list(usages),
        update_conflicts=True,
        unique_fields=["spa"],
        update_fields=["clients", "appointments_this_month", "schema_bytes", "computed_at"],
    )


def spa_usage_refresh(*, spa: Spa, now: dt.datetime | None = None) -> SpaUsage:
    """Compute one spa's usage figures now and store them (its `SpaUsage` row).

    On the spa's schema (search_path set, two counts, in a transaction of
    their own), then back on the public one: its schema's size, the upsert.
    """
    now = now or timezone.now()
    counts = _spa_counts(spa=spa, now=now)
    size = schema_sizes(schema_names=[spa.schema_name]).get(spa.schema_name, 0)
    usage = SpaUsage(
        spa=spa,
        clients=counts.clients,
        appointments_this_month=counts.appointments_this_month,
        schema_bytes=size,
        computed_at=now,
    )
    _usage_save([usage])  # sets usage.pk (PostgreSQL returns it from the upsert)
    return usage


@dataclass
class UsageRefreshReport:
    usages: list[SpaUsage] = field(default_factory=list)
    # Spas whose counts failed (slug, error): their previous figures are kept.
    failed: list[tuple[str, str]] = field(default_factory=list)


def usage_refresh_all(
    *, slugs: Sequence[str] | None = None, now: dt.datetime | None = None
) -> UsageRefreshReport:
    """Refresh the usage of every spa that has a schema in use (not
    provisioning, not closed), or of the spas named.

    Queries: one for the spas, one for every schema's size (grouped by schema
    name), two counts per spa on its schema (plus the search_path switches),
    and one upsert for all the rows. A spa whose counts fail is logged and
    reported; the others are still stored.
    """
    now = now or timezone.now()
    spas = Spa.objects.exclude(status__in=_NOT_COUNTED).order_by("slug")
    if slugs is not None:
        spas = spas.filter(slug__in=slugs)
    spa_list = list(spas)
    sizes = schema_sizes(schema_names=[spa.schema_name for spa in spa_list])
    report = UsageRefreshReport()
    for spa in spa_list:
        try:
            counts = _spa_counts(spa=spa, now=now)
        except DatabaseError as exc:
            logger.exception("usage of spa %s could not be counted", spa.slug)
            report.failed.append((spa.slug, f"{type(exc).__name__}: {exc}".strip()))
            continue
        report.usages.append(
            SpaUsage(
                spa=spa,
                clients=counts.clients,
                appointments_this_month=counts.appointments_this_month,
                schema_bytes=sizes.get(spa.schema_name, 0),
                computed_at=now,
            )
        )
    _usage_save(report.usages)
    return report


# --- Platform days -------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def platform_day_record(*, day: dt.date | None = None) -> PlatformDay:
    """Write (or update) the `PlatformDay` of `day` (today, UTC) with the live
    figures: spa counts by status and MRR by currency, exactly as the top of the
    spa list shows them (shared_apps/console/selectors.py says what counts as
    MRR). Run hourly: each run overwrites today's row, so the day keeps its
    last figures. Never estimated."""
    summary = spa_list_summary()
    row, _created = PlatformDay.objects.update_or_create(
        day=day or _today(),
        defaults={
            "spas": summary.spas,
            "active": summary.active,
            "trialing": summary.trialing,
            "past_due": summary.past_due,
            "suspended": summary.suspended,
            "mrr_cents": summary.mrr_cents,
            "estimated": False,
        },
    )
    return row


@dataclass
class BackfillReport:
    written: list[PlatformDay] = field(default_factory=list)
    # Days that already had figures recorded live: never replaced by estimates.
    kept: list[dt.date] = field(default_factory=list)
    # Days before the first spa existed: nothing to write.
    skipped: list[dt.date] = field(default_factory=list)


def _status_on(*, spa: Spa, changes: Sequence[SpaStatusChange], end: dt.datetime) -> str | None:
    """The spa's status at `end` (exclusive), from its status history; None
    when it did not exist yet. A spa with no history has always had its
    current status."""
    if spa.created_at >= end:
        return None
    before = [change for change in changes if change.created_at < end]
    if before:
        return before[-1].to_status
    if changes:
        return changes[0].from_status
    return str(spa.status)


def platform_days_backfill(*, days: int, today: dt.date | None = None) -> BackfillReport:
    """Reconstruct the `days` days before today (UTC) from the spas' status
    history (`tenants.SpaStatusChange`) and creation dates, as the figures at
    the end of each day, marked `estimated=True`.

    What is estimated: the status history gives each spa's status on each day
    exactly, but nothing records past prices or seat counts. MRR is therefore
    counted for every spa that was active or past due that day (the statuses in
    which a subscription bills), at TODAY's plan price for TODAY's seats of its
    subscription (a spa with no subscription today counts nothing; a spa that
    has since changed plan or seats is counted at what it pays now).

    Days recorded live by `platform_day_record` are kept as they are; days
    before the first spa was created are skipped. Earlier estimates are
    replaced. Three queries to read, one upsert to write, whatever `days` is.
    """
    today = today or _today()
    spas = list(Spa.objects.order_by("pk"))
    history: dict[int, list[SpaStatusChange]] = defaultdict(list)
    for change in SpaStatusChange.objects.order_by("spa_id", "created_at", "pk"):
        history[change.spa_id].append(change)
    prices: dict[int, tuple[str, int]] = {
        subscription.spa_id: (
            subscription.plan.currency,
            subscription.plan.price_for_seats(subscription.seats),
        )
        for subscription in Subscription.objects.select_related("plan")
    }
    wanted = [today - dt.timedelta(days=offset) for offset in range(days, 0, -1)]
    live = set(
        PlatformDay.objects.filter(day__in=wanted, estimated=False).values_list("day", flat=True)
    )
    first_day = min((spa.created_at.astimezone(dt.UTC).date() for spa in spas), default=None)
    report = BackfillReport()
    for day in wanted:
        if day in live:
            report.kept.append(day)
            continue
        if first_day is None or day < first_day:
            report.skipped.append(day)
            continue
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        counts: dict[str, int] = defaultdict(int)
        mrr: dict[str, int] = defaultdict(int)
        for spa in spas:
            status = _status_on(spa=spa, changes=history[spa.pk], end=end)
            if status is None:
                continue
            counts[status] += 1
            if status in (SpaStatus.ACTIVE, SpaStatus.PAST_DUE) and spa.pk in prices:
                currency, cents = prices[spa.pk]
                mrr[currency] += cents
        report.written.append(
            PlatformDay(
                day=day,
                spas=sum(n for status, n in counts.items() if status != SpaStatus.CLOSED),
                active=counts[SpaStatus.ACTIVE],
                trialing=counts[SpaStatus.TRIALING],
                past_due=counts[SpaStatus.PAST_DUE],
                suspended=counts[SpaStatus.SUSPENDED],
                mrr_cents=dict(sorted(mrr.items(), key=lambda item: (-item[1], item[0]))),
                estimated=True,
            )
        )
    PlatformDay.objects.bulk_create(
        report.written,
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=[
            "spas",
            "active",
            "trialing",
            "past_due",
            "suspended",
            "mrr_cents",
            "estimated",
            "computed_at",
        ],
    )
    return report
