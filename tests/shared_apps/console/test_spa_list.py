"""The console's home: the spa list, its figures and its chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.console.models import PlatformDay
from shared_apps.console.selectors import spa_list_search
from tenants.models import Domain, Spa, SpaStatus
from tests.conftest import HostClient
from tests.shared_apps.console.records import spa_make

# What the list page costs, whatever the number of spas: the session, its user and
# its OTP device (3); the page's own reads (6: the figures' two aggregates, the
# chart's days, the plans, the count, the page of spas); the session's save for
# the idle timeout (3: savepoint, update, release).
LIST_QUERIES = 12


def slugs_in(response) -> list[str]:
    return [row.spa.slug for row in response.context["rows"]]


def text_of(response) -> str:
    return response.content.decode()


def test_anonymous_people_are_sent_to_sign_in(db):
    response = HostClient(settings.ROOT_DOMAIN).get("/console/?q=glow")

    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")


def test_the_page_costs_the_same_queries_for_3_spas_as_for_30_and_never_reads_a_schema(console):
    def load() -> list[str]:
        console.get("/console/")  # warm: the first request after sign-in differs (session)
        with CaptureQueriesContext(connection) as captured:
            response = console.get("/console/?sort=-activity")
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    plans = ["starter", "growth", "pro", None]
    for i in range(3):
        spa_make(
            f"few-{i}",
            plan=plans[i % 4],
            seats=i + 1,
            usage={"clients": i},
            last_used_at=timezone.now(),
        )
    with_3 = load()
    for i in range(3, 30):
        spa_make(
            f"few-{i}",
            plan=plans[i % 4],
            seats=i + 1,
            usage={"clients": i} if i % 2 else None,
            last_used_at=timezone.now() if i % 3 else None,
        )
    with_30 = load()

    assert len(with_30) == len(with_3) == LIST_QUERIES, "\n".join(with_30)
    schemas = [spa.schema_name for spa in Spa.objects.all()]
    for sql in with_30:
        assert not any(schema in sql for schema in schemas), sql
        if "search_path" in sql.lower():
            assert re.search(r"search_path\s*=\s*'?public'?\s*$", sql, re.I), sql


def test_search_matches_slug_name_owner_email_and_domain_ignoring_case(console):
    lumiere = spa_make("lumiere", name="Lumière Skin Studio", owner_email="dana@lumiere.example")
    spa_make("velvet", name="Velvet Rooms", owner_email="ops@velvet.example")
    Domain.objects.create(domain="book.skinbar.example", tenant=lumiere, verified_at=None)

    assert slugs_in(console.get("/console/", {"q": "LUMI"})) == ["lumiere"]
    assert slugs_in(console.get("/console/", {"q": "skin studio"})) == ["lumiere"]
    assert slugs_in(console.get("/console/", {"q": "ops@VELVET"})) == ["velvet"]
    assert slugs_in(console.get("/console/", {"q": "skinbar.example"})) == ["lumiere"]
    assert slugs_in(console.get("/console/", {"q": "radiance.medspa"})) == ["radiance"]

    response = console.get("/console/", {"q": "nothing-like-it"})
    assert response.context["rows"] == []
    assert "No spa matches “nothing-like-it”" in text_of(response)


def test_filters_by_status(console):
    spa_make("sleepy", status=SpaStatus.SUSPENDED)
    spa_make("newcomer", status=SpaStatus.TRIALING)

    assert slugs_in(console.get("/console/", {"status": "suspended"})) == ["sleepy"]
    assert slugs_in(console.get("/console/", {"status": "trialing"})) == ["newcomer"]
    assert slugs_in(console.get("/console/", {"status": "active"})) == ["glow", "radiance"]
    assert slugs_in(console.get("/console/", {"status": "no-such-status"})) == []


def test_filters_by_plan_or_no_subscription(console):
    spa_make("small", plan="starter")
    spa_make("big", plan="pro")

    assert slugs_in(console.get("/console/", {"plan": "starter"})) == ["small"]
    assert slugs_in(console.get("/console/", {"plan": "pro", "status": "active"})) == ["big"]
    assert slugs_in(console.get("/console/", {"plan": "none"})) == ["glow", "radiance"]
    assert slugs_in(console.get("/console/", {"plan": "growth"})) == []


@pytest.mark.parametrize("seats", [1, 2, 3, 12, 20])
def test_the_mrr_annotation_matches_price_for_seats(db, seats):
    for code in ("starter", "growth", "pro"):
        spa_make(f"p-{code}-{seats}", plan=code, seats=seats)

    for spa in spa_list_search(search=f"-{seats}"):
        if spa.slug.endswith(f"-{seats}"):
            assert spa.mrr_cents == spa.subscription.plan.price_for_seats(seats)


def test_sorting_by_mrr_both_ways_with_spas_without_one_last(console):
    # starter: $149 for 2 seats, +$49 a seat; growth: $299 for 5; pro: $599 for 12.
    spa_make("m-starter-4", plan="starter", seats=4)  # 149 + 2 * 49 = $247.00
    spa_make("m-growth", plan="growth", seats=5)  # $299.00
    spa_make("m-pro", plan="pro", seats=1)  # $599.00
    spa_make("m-trial", plan="pro", seats=3, subscription_status=SubscriptionStatus.TRIALING)
    spa_make("m-none")

    ascending = console.get("/console/", {"q": "m-", "sort": "mrr"})
    descending = console.get("/console/", {"q": "m-", "sort": "-mrr"})

    assert slugs_in(ascending) == ["m-trial", "m-starter-4", "m-growth", "m-pro", "m-none"]
    assert slugs_in(descending) == ["m-pro", "m-growth", "m-starter-4", "m-trial", "m-none"]
    page = text_of(descending)
    assert "$247.00" in page and "$599.00" in page
    assert '<span class="badge trialing">trial</span>' in page
    # The MRR header sorts the other way, keeping the search; the others keep it too.
    headers = {h["label"]: h for h in descending.context["headers"]}
    assert headers["MRR"]["sorted"] == "descending"
    assert headers["MRR"]["url"] == "?q=m-&sort=mrr"
    assert headers["Seats"]["url"] == "?q=m-&sort=-seats"
    assert headers["Spa"]["url"] == "?q=m-"
    assert 'aria-sort="descending"' in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["s-alpha", "s-bravo", "s-charlie"]),
        ("-name", ["s-charlie", "s-bravo", "s-alpha"]),
        ("status", ["s-bravo", "s-alpha", "s-charlie"]),
        ("plan", ["s-charlie", "s-alpha", "s-bravo"]),
        ("-seats", ["s-alpha", "s-charlie", "s-bravo"]),
        ("created", ["s-charlie", "s-alpha", "s-bravo"]),
        ("-activity", ["s-bravo", "s-alpha", "s-charlie"]),
        ("nonsense", ["s-alpha", "s-bravo", "s-charlie"]),
    ],
)
def test_every_column_sorts(console, sort, expected):
    now = timezone.now()
    spa_make(
        "s-alpha",
        status=SpaStatus.ACTIVE,
        plan="growth",
        seats=9,
        created_at=now - dt.timedelta(days=5),
        last_used_at=now - dt.timedelta(days=2),
    )
    spa_make(
        "s-bravo",
        status=SpaStatus.TRIALING,
        plan="pro",
        seats=1,
        created_at=now - dt.timedelta(days=1),
        last_used_at=now - dt.timedelta(hours=1),
    )
    spa_make(
        "s-charlie",
        status=SpaStatus.SUSPENDED,
        plan="starter",
        seats=3,
        created_at=now - dt.timedelta(days=9),
    )

    assert slugs_in(console.get("/console/", {"q": "s-", "sort": sort})) == expected


def test_pages_of_fifty_keep_the_search_and_sort(console):
    for i in range(55):
        spa_make(f"bulk-{i:02}")

    first = console.get("/console/", {"q": "bulk", "sort": "-name"})
    second = console.get("/console/", {"q": "bulk", "sort": "-name", "page": 2})

    assert len(first.context["rows"]) == 50
    assert slugs_in(first)[0] == "bulk-54"
    assert "1\u201350 of 55" in text_of(first)
    assert first.context["next_url"] == "?q=bulk&sort=-name&page=2"
    assert slugs_in(second) == [f"bulk-{i:02}" for i in range(4, -1, -1)]
    assert "51\u201355 of 55" in text_of(second)
    assert second.context["previous_url"] == "?q=bulk&sort=-name"
    # Past the end: the last page, not an error.
    assert slugs_in(console.get("/console/", {"q": "bulk", "page": 9}))[-1] == "bulk-54"


def test_the_figures_at_the_top_count_spas_by_status_and_mrr_by_currency(console):
    spa_make("f-a", plan="starter", seats=2)  # $149.00
    spa_make("f-b", plan="growth", seats=7)  # 299 + 2 * 39 = $377.00
    spa_make(
        "f-c",
        status=SpaStatus.PAST_DUE,
        plan="pro",
        seats=12,
        subscription_status=SubscriptionStatus.PAST_DUE,
    )  # $599.00
    spa_make("f-d", status=SpaStatus.TRIALING, plan="pro", subscription_status="trialing")
    spa_make("f-e", status=SpaStatus.TRIALING)
    spa_make("f-f", status=SpaStatus.SUSPENDED, plan="starter", subscription_status="canceled")
    spa_make("f-g", status=SpaStatus.CLOSED, plan="pro")  # closed: counts nowhere
    euro = Plan.objects.create(code="euro", name="Euro", currency="eur", monthly_price_cents=10000)
    spa = spa_make("f-h")
    Subscription.objects.create(spa=spa, plan=euro, status="active", seats=1)

    response = console.get("/console/")

    summary = response.context["summary"]
    assert (summary.active, summary.trialing, summary.past_due, summary.suspended) == (
        2 + 3,  # glow and radiance, f-a, f-b, f-h
        2,
        1,
        1,
    )
    assert summary.spas == 2 + 7
    assert summary.mrr_cents == {"usd": 14900 + 37700 + 59900, "eur": 10000}
    assert response.context["mrr"] == ["$1,125.00", "€100.00"]
    page = text_of(response)
    assert '<div class="value">$1,125.00</div>' in page
    assert '<div class="value">€100.00</div>' in page


def test_last_activity_reads_as_time_ago_with_the_exact_moment_in_a_title(console):
    used = timezone.now() - dt.timedelta(hours=3, minutes=5)
    spa_make("busy", last_used_at=used)
    spa_make("quiet")

    page = text_of(console.get("/console/", {"q": "busy"}))
    assert f'title="{used.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC">3\xa0hours ago' in page

    quiet = text_of(console.get("/console/", {"q": "quiet"}))
    assert '<span class="muted">never</span>' in quiet


def test_usage_figures_come_from_spa_usage_or_say_they_are_not_computed_yet(console):
    spa_make(
        "counted",
        usage={"clients": 321, "appointments_this_month": 45, "schema_bytes": 3 * 1024**2},
    )
    spa_make("uncounted")

    counted = text_of(console.get("/console/", {"q": "counted", "sort": "name"}))

    assert ">321</td>" in counted and ">45</td>" in counted and "3.0\xa0MB" in counted
    # "counted" matches both spas; only the uncounted one has no figures.
    assert counted.count('colspan="3">not yet computed</td>') == 1
    assert "3 spas not yet computed" in counted  # glow, radiance, uncounted


def test_the_chart_draws_the_recorded_days_and_today_live(console):
    today = timezone.now().astimezone(dt.UTC).date()
    spa_make("chart-a", plan="growth", seats=5)
    for offset, spas, cents, estimated in [
        (3, 1, 0, True),
        (2, 2, 29900, True),
        (1, 3, 29900, False),
    ]:
        PlatformDay.objects.create(
            day=today - dt.timedelta(days=offset),
            spas=spas,
            active=spas,
            trialing=0,
            past_due=0,
            suspended=0,
            mrr_cents={"usd": cents},
            estimated=estimated,
        )
    PlatformDay.objects.create(  # older than 90 days: not drawn
        day=today - dt.timedelta(days=120),
        spas=9,
        active=9,
        trialing=0,
        past_due=0,
        suspended=0,
        mrr_cents={"usd": 1},
    )

    response = console.get("/console/")

    history = response.context["history"]
    assert [row["day"] for row in history] == [today - dt.timedelta(days=n) for n in range(4)]
    assert history[0]["live"] and history[0]["spas"] == 3  # glow, radiance, chart-a
    assert history[0]["mrr"] == "$299.00"
    page = text_of(response)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<polyline") == 4  # two series, each estimated (dashed) then recorded
    assert 'stroke-dasharray="5 4"' in svg
    assert "Spas (not closed)" in svg and "MRR" in svg
    assert "style=" not in page  # the CSP allows no inline style
    assert f"<td>{today:%Y-%m-%d}</td>" in page and "live (now)" in page


def test_with_no_history_the_chart_shows_todays_point_and_says_how_to_fill_it(console):
    response = console.get("/console/")

    assert len(response.context["history"]) == 1
    page = text_of(response)
    assert "<circle" in page
    assert "console_metrics" in page and "--backfill 90" in page


# --- In a browser ------------------------------------------------------------------------------


def test_the_list_in_a_browser_draws_its_chart_and_sorts_within_the_csp(
    committing, chromium, live_server_on_spa_hosts
):
    # given staff, and some recorded days (committed: the live server must see them)
    from shared_apps.console.staff import staff_enroll, staff_grant
    from tests.factories import PASSWORD
    from tests.shared_apps.console.conftest import sign_in_in_browser, totp_now

    user = staff_grant(email="lister@platform.example", password=PASSWORD)
    code = totp_now(staff_enroll(user=user).device)
    today = timezone.now().astimezone(dt.UTC).date()
    days = [today - dt.timedelta(days=n) for n in (3, 2, 1)]
    for n, day in enumerate(days):
        PlatformDay.objects.create(
            day=day,
            spas=n + 1,
            active=n + 1,
            trialing=0,
            past_due=0,
            suspended=0,
            mrr_cents={"usd": 10000 * n},
            estimated=n < 2,
        )
    live = live_server_on_spa_hosts

    def steps(page) -> dict[str, object]:
        sign_in_in_browser(page, live.root("/console/"), email=user.email, code=code)
        page.wait_for_url("**/console/")
        chart = page.locator(".chart svg")
        box = chart.bounding_box()
        page.click("text=The figures, day by day")
        rows = page.locator(".chart details tbody tr").count()
        page.click("th >> text=Status")
        page.wait_for_url("**/console/?sort=status")
        return {
            "chart_width": box["width"] if box else 0,
            "lines": page.locator(".chart svg polyline").count(),
            "rows": rows,
            "first": page.locator("tbody tr td a").first.inner_text(),
        }

    try:
        seen = chromium.run(steps)
    finally:
        PlatformDay.objects.filter(day__in=days).delete()

    assert seen["chart_width"] > 300
    assert seen["lines"] == 4  # two series, each estimated then recorded
    assert seen["rows"] == 4  # three recorded days and today, live
    assert seen["first"] in ("Glow Aesthetics", "Radiance Med Spa")
