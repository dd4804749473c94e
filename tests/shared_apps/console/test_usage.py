"""Usage figures, computed in the background for the spa list (usage.py)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError
from django.test.utils import CaptureQueriesContext

from shared_apps.console.models import SpaUsage
from shared_apps.console.usage import month_bounds, spa_usage_refresh, usage_refresh_all
from tenant_apps.scheduling.models import AppointmentStatus
from tenants.db import connection
from tenants.models import Spa
from tests.shared_apps.console.records import spa_make
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.scheduling.factories import AppointmentFactory, on_spa

UTC = dt.UTC
# 22:00 on 28 February in New York (glow's timezone) is already 1 March in UTC:
# glow's "this month" is February.
NOW = dt.datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


def glow_records() -> None:
    """On glow's schema: 3 clients and an archived one; appointments around
    glow's February, of which 3 count."""
    clients = ClientFactory.create_batch(3)
    ClientFactory(archived_at=NOW)
    for starts_at, status in [
        (dt.datetime(2026, 2, 1, 5, 30, tzinfo=UTC), AppointmentStatus.COMPLETED),  # Feb 1 00:30 NY
        (dt.datetime(2026, 3, 1, 4, 0, tzinfo=UTC), AppointmentStatus.BOOKED),  # Feb 28 23:00 NY
        (dt.datetime(2026, 2, 14, 15, 0, tzinfo=UTC), AppointmentStatus.NO_SHOW),
        (dt.datetime(2026, 2, 15, 15, 0, tzinfo=UTC), AppointmentStatus.CANCELLED),  # not counted
        (dt.datetime(2026, 2, 1, 4, 30, tzinfo=UTC), AppointmentStatus.COMPLETED),  # Jan 31 NY
        (dt.datetime(2026, 3, 1, 5, 30, tzinfo=UTC), AppointmentStatus.BOOKED),  # Mar 1 NY
    ]:
        AppointmentFactory(client=clients[0], starts_at=starts_at, status=status)


def schema_size(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(format('%%I.%%I', schemaname, tablename)::regclass))"
            " FROM pg_tables WHERE schemaname = %s",
            [schema],
        )
        return int(cursor.fetchone()[0])


def test_month_bounds_follow_the_spas_timezone_across_dst():
    start, end = month_bounds(now=NOW, timezone_name="America/New_York")
    assert start == dt.datetime(2026, 2, 1, 5, 0, tzinfo=UTC)  # EST
    assert end == dt.datetime(2026, 3, 1, 5, 0, tzinfo=UTC)

    march = dt.datetime(2026, 3, 20, tzinfo=UTC)
    start, end = month_bounds(now=march, timezone_name="America/New_York")
    assert start == dt.datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # still EST on the 1st
    assert end == dt.datetime(2026, 4, 1, 4, 0, tzinfo=UTC)  # EDT by April


def assert_same_size(stored: int, measured: int) -> None:
    """The stored figure is the schema's size, read again: equal, but for the
    free-space and visibility-map pages autovacuum may add to a table between
    the two reads (seen once on a loaded machine)."""
    assert abs(stored - measured) <= 3 * 8192, (stored, measured)


@pytest.mark.spa("glow")
def test_refreshing_a_spa_counts_its_clients_its_months_appointments_and_its_size():
    glow_records()
    glow = Spa.objects.get(slug="glow")
    connection.set_schema_to_public()

    usage = spa_usage_refresh(spa=glow, now=NOW)

    assert connection.schema_name == "public"
    assert (usage.clients, usage.appointments_this_month) == (3, 3)
    assert usage.schema_bytes > 0
    assert_same_size(usage.schema_bytes, schema_size(glow.schema_name))
    stored = SpaUsage.objects.get(spa=glow)
    assert (stored.clients, stored.appointments_this_month, stored.computed_at) == (3, 3, NOW)


@pytest.mark.spa("glow")
def test_a_second_refresh_updates_the_same_row():
    glow = Spa.objects.get(slug="glow")
    connection.set_schema_to_public()
    spa_usage_refresh(spa=glow, now=NOW)
    with on_spa(glow):
        ClientFactory()

    usage = spa_usage_refresh(spa=glow, now=NOW + dt.timedelta(hours=1))

    assert SpaUsage.objects.filter(spa=glow).count() == 1
    assert usage.clients == 1
    assert SpaUsage.objects.get(spa=glow).computed_at == NOW + dt.timedelta(hours=1)


def test_refreshing_every_spa_reads_all_sizes_at_once_and_stores_one_row_each(glow, radiance):
    with on_spa(glow):
        glow_records()
    spa_make("building", status="provisioning")  # no schema to count yet
    spa_make("gone", status="closed")

    with CaptureQueriesContext(connection) as captured:
        report = usage_refresh_all(now=NOW)

    assert [usage.spa.slug for usage in report.usages] == ["glow", "radiance"]
    assert report.failed == []
    sizes = [q for q in captured.captured_queries if "pg_total_relation_size" in q["sql"]]
    assert len(sizes) == 1
    usages = {u.spa.slug: u for u in SpaUsage.objects.select_related("spa")}
    assert set(usages) == {"glow", "radiance"}
    assert (usages["glow"].clients, usages["glow"].appointments_this_month) == (3, 3)
    assert (usages["radiance"].clients, usages["radiance"].appointments_this_month) == (0, 0)
    assert_same_size(usages["radiance"].schema_bytes, schema_size(radiance.schema_name))
    assert connection.schema_name == "public"


def test_a_spa_whose_schema_fails_is_reported_and_the_connection_is_back_on_public(glow):
    ghost = spa_make("ghost")  # a row whose schema does not exist

    report = usage_refresh_all(now=NOW)

    assert [slug for slug, _error in report.failed] == ["ghost"]
    assert "ghost" not in {u.spa.slug for u in report.usages}
    assert {"glow", "radiance"} <= {u.spa.slug for u in report.usages}
    assert connection.schema_name == "public"
    assert not SpaUsage.objects.filter(spa=ghost).exists()
    with pytest.raises(ProgrammingError):
        spa_usage_refresh(spa=ghost)
    assert connection.schema_name == "public"
    # The test's transaction is still usable: the failure was rolled back to a savepoint.
    assert Spa.objects.filter(slug="glow").exists()


def test_console_usage_prints_each_spas_figures(glow):
    with on_spa(glow):
        ClientFactory.create_batch(2)
    out = StringIO()

    call_command("console_usage", "glow", stdout=out)

    printed = out.getvalue()
    assert printed.startswith("glow: 2 clients, 0 appointments this month, ")
    assert "Usage refreshed for 1 spa in " in printed
    assert SpaUsage.objects.get(spa=glow).clients == 2


def test_console_usage_refuses_unknown_spas(db):
    with pytest.raises(CommandError, match="No such spa: nowhere"):
        call_command("console_usage", "glow", "nowhere", stdout=StringIO())


def test_console_usage_fails_naming_the_spas_it_could_not_count(db):
    spa_make("ghost")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="could not be counted for: ghost"):
        call_command("console_usage", stdout=out, stderr=err)

    assert "ghost: FAILED" in err.getvalue()
    assert "glow: " in out.getvalue() and "radiance: " in out.getvalue()
