"""`manage.py demo` as a newcomer runs it: URLs on the dev server's port, spas on
plans, and the console's figures and 90 days of history to look at."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from demo.billing import HISTORY_DAYS, demo_signed_up, demo_subscription
from demo.spas import DEMO_SPAS
from shared_apps.billing.models import Subscription, SubscriptionStatus
from shared_apps.billing.services import seats_wanted
from shared_apps.console.models import PlatformDay
from shared_apps.console.selectors import platform_history, spa_list_summary
from tenants.models import Spa


def _demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_is_on_plans_with_history_on_the_real_port(db, settings):
    # given the dev server on 8123
    settings.DEBUG = True
    settings.DEV_SERVER_PORT = 8123

    # when the demo runs, then its plans and history are made again (a whole
    # second run takes 20 s more; the calendar's is tested in test_calendar.py)
    first = _demo()
    subscriptions = {
        s.spa.slug: (s.plan.code, s.status, s.seats)
        for s in Subscription.objects.select_related("spa", "plan").filter(
            spa__slug__in=["glow", "radiance"]
        )
    }
    days = list(PlatformDay.objects.order_by("day").values_list("day", "spas", "mrr_cents"))
    for spec in DEMO_SPAS:
        spa = Spa.objects.get(slug=spec["slug"])
        demo_signed_up(spa, days_ago=int(spec["signed_up_days_ago"]))
        demo_subscription(spa, plan_code=str(spec["plan"]))
    call_command("console_metrics", backfill=HISTORY_DAYS, stdout=StringIO())

    # then every URL names the port
    for url in (
        "http://glow.medspa.test:8123/graphql/",
        "http://glow.medspa.test:8123/app/",
        "http://radiance.medspa.test:8123/graphql/",
        "http://radiance.medspa.test:8123/app/",
        "http://medspa.test:8123/graphql/",
        "http://medspa.test:8123/console/",
    ):
        assert url in first, url
    assert ":8000" not in first
    # the demo spas are on plans, billed for their providers, with no Stripe ids
    glow, radiance = Spa.objects.get(slug="glow"), Spa.objects.get(slug="radiance")
    assert subscriptions == {
        "glow": ("growth", SubscriptionStatus.ACTIVE, seats_wanted(spa_id=glow.pk)),
        "radiance": ("starter", SubscriptionStatus.ACTIVE, seats_wanted(spa_id=radiance.pk)),
    }
    assert not Subscription.objects.filter(spa__in=[glow, radiance]).exclude(
        stripe_customer_id=None
    )
    # the console has MRR now and a point for each of the last 90 days, which
    # shows radiance joining
    summary = spa_list_summary()
    assert summary.mrr_cents["usd"] > 0
    today = timezone.now().astimezone(dt.UTC).date()
    history = platform_history(summary=summary, days=HISTORY_DAYS)
    assert [point.day for point in history] == [
        today - dt.timedelta(days=offset) for offset in range(HISTORY_DAYS - 1, -1, -1)
    ]
    assert all(point.mrr_cents > 0 for point in history)
    assert history[0].mrr_cents < history[-1].mrr_cents
    # and doing it again changes nothing
    assert Subscription.objects.filter(spa__in=[glow, radiance]).count() == 2
    assert list(PlatformDay.objects.order_by("day").values_list("day", "spas", "mrr_cents")) == days
