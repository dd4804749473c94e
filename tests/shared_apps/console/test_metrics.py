"""The platform's daily figures (PlatformDay): recorded live, or backfilled
from status history."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from shared_apps.console.models import PlatformDay
from shared_apps.console.usage import platform_day_record, platform_days_backfill
from tenants.models import SpaStatus, SpaStatusChange
from tests.shared_apps.console.records import spa_make

TODAY = timezone.now().astimezone(dt.UTC).date()


def at(days_ago: int, minutes: int = 0) -> dt.datetime:
    """Noon (UTC) `days_ago` days before today."""
    noon = dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12), tzinfo=dt.UTC)
    return noon + dt.timedelta(minutes=minutes)


def changed(spa, frm: str, to: str, when: dt.datetime) -> None:
    SpaStatusChange.objects.create(
        spa=spa, from_status=frm, to_status=to, cause="test", created_at=when
    )


@pytest.fixture
def history(db) -> None:
    """Three spas with a past (glow and radiance were made today):
    - amber: trial from 10 days ago, active from 7, past due from 4, suspended
      from 3; starter, 4 seats today ($247.00);
    - birch: active since it was made 5 days ago (no history); growth, 5 seats ($299.00);
    - cedar: active from 8 days ago, closed 6 days ago; pro, 1 seat ($599.00).
    """
    amber = spa_make(
        "amber",
        status=SpaStatus.SUSPENDED,
        plan="starter",
        seats=4,
        subscription_status="unpaid",
        created_at=at(10),
    )
    changed(amber, "provisioning", "trialing", at(10, 1))
    changed(amber, "trialing", "active", at(7))
    changed(amber, "active", "past_due", at(4))
    changed(amber, "past_due", "suspended", at(3))
    spa_make("birch", plan="growth", seats=5, created_at=at(5))
    cedar = spa_make(
        "cedar",
        status=SpaStatus.CLOSED,
        plan="pro",
        subscription_status="canceled",
        created_at=at(8),
    )
    changed(cedar, "provisioning", "active", at(8, 1))
    changed(cedar, "active", "closed", at(6))


def figures(day: dt.date) -> tuple:
    row = PlatformDay.objects.get(day=day)
    return (row.spas, row.active, row.trialing, row.past_due, row.suspended, row.mrr_cents)


def test_recording_today_stores_the_live_figures_and_updates_them_later(db):
    spa_make("one", plan="growth", seats=6)  # 299 + 39 = $338.00
    spa_make("two", status=SpaStatus.TRIALING, plan="pro", subscription_status="trialing")

    row = platform_day_record()

    assert row.day == TODAY and not row.estimated
    # glow and radiance (active, no subscription), one, two.
    assert figures(TODAY) == (4, 3, 1, 0, 0, {"usd": 33800})

    spa_make("three", status=SpaStatus.PAST_DUE, plan="starter", subscription_status="past_due")
    platform_day_record()

    assert PlatformDay.objects.filter(day=TODAY).count() == 1
    assert figures(TODAY) == (5, 3, 1, 1, 0, {"usd": 33800 + 14900})


def test_backfill_rebuilds_each_day_from_status_history_at_todays_prices(history):
    PlatformDay.objects.create(  # recorded live: kept
        day=TODAY - dt.timedelta(days=2),
        spas=99,
        active=99,
        trialing=0,
        past_due=0,
        suspended=0,
        mrr_cents={"usd": 1},
    )
    PlatformDay.objects.create(  # an earlier estimate: replaced
        day=TODAY - dt.timedelta(days=5),
        spas=7,
        active=7,
        trialing=0,
        past_due=0,
        suspended=0,
        mrr_cents={},
        estimated=True,
    )

    report = platform_days_backfill(days=12)

    days_ago = lambda n: TODAY - dt.timedelta(days=n)  # noqa: E731
    assert report.skipped == [days_ago(12), days_ago(11)]  # before amber was made
    assert report.kept == [days_ago(2)]
    assert [row.day for row in report.written] == [
        days_ago(n) for n in (10, 9, 8, 7, 6, 5, 4, 3, 1)
    ]
    # (spas not closed, active, trialing, past due, suspended, MRR)
    assert figures(days_ago(10)) == (1, 0, 1, 0, 0, {})
    assert figures(days_ago(9)) == (1, 0, 1, 0, 0, {})
    assert figures(days_ago(8)) == (2, 1, 1, 0, 0, {"usd": 59900})
    assert figures(days_ago(7)) == (2, 2, 0, 0, 0, {"usd": 24700 + 59900})
    assert figures(days_ago(6)) == (1, 1, 0, 0, 0, {"usd": 24700})
    assert figures(days_ago(5)) == (2, 2, 0, 0, 0, {"usd": 24700 + 29900})
    assert figures(days_ago(4)) == (2, 1, 0, 1, 0, {"usd": 24700 + 29900})
    assert figures(days_ago(3)) == (2, 1, 0, 0, 1, {"usd": 29900})
    assert figures(days_ago(2)) == (99, 99, 0, 0, 0, {"usd": 1})
    assert all(
        PlatformDay.objects.get(day=days_ago(n)).estimated for n in (10, 9, 8, 7, 6, 5, 4, 3, 1)
    )
    assert not PlatformDay.objects.filter(day__lt=days_ago(10)).exists()


def test_console_metrics_records_today(db):
    out = StringIO()

    call_command("console_metrics", stdout=out)

    assert out.getvalue() == (
        f"Recorded {TODAY:%Y-%m-%d}: 2 spas (2 active, 0 trialing, 0 past due, 0 suspended),"
        " MRR none.\n"
    )
    assert PlatformDay.objects.filter(day=TODAY, estimated=False).exists()


def test_console_metrics_backfills_then_records_today(history):
    out = StringIO()

    call_command("console_metrics", "--backfill", "12", stdout=out)

    lines = out.getvalue().splitlines()
    first, last = TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=1)
    assert lines[0] == (
        f"Backfilled 10 days ({first:%Y-%m-%d} to {last:%Y-%m-%d}), estimated from status"
        " history at today's prices and seats."
    )
    assert lines[1] == "Skipped 2 days before the first spa existed."
    # glow, radiance, amber (suspended), birch; amber's subscription is unpaid: still owed.
    assert lines[2] == (
        f"Recorded {TODAY:%Y-%m-%d}: 4 spas (3 active, 0 trialing, 0 past due, 1 suspended),"
        " MRR $546.00."
    )
    assert PlatformDay.objects.count() == 11


def test_console_metrics_refuses_a_negative_backfill(db):
    with pytest.raises(CommandError, match="--backfill takes 0 to"):
        call_command("console_metrics", "--backfill", "-3", stdout=StringIO())
