"""The console's audit log page: newest first, filters, keyset pages, and a
constant number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from shared_apps.console.views.audit_log import PAGE_SIZE


def _entry(action=ConsoleAction.SUSPEND, *, email="ops@platform.example", spa="glow", **fields):
    return ConsoleAuditEntry.objects.create(
        actor_email=email, action=action, spa_slug=spa, spa_id=1 if spa else None, **fields
    )


def _ids(response) -> list[int]:
    """The entries a page shows, by the marker each row carries."""
    return [int(pk) for pk in re.findall(r'data-entry="(\d+)"', response.content.decode())]


def _link(response, label: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)">{re.escape(label)}</a>', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def test_the_log_is_listed_newest_first_with_what_each_entry_says(console):
    older = _entry(ConsoleAction.SUSPEND, reason="Chargeback", detail={"from": "active"})
    newer = _entry(ConsoleAction.IMPERSONATE, reason="Ticket 12", detail={"token_id": 7})

    response = console.get("/console/audit/?staff=ops@platform.example")

    assert response.status_code == 200
    assert _ids(response) == [newer.pk, older.pk]
    page = response.content.decode()
    assert "Started impersonating a member" in page and "Ticket 12" in page
    assert "<code>token_id</code>: 7" in page
    assert 'href="/console/spas/glow/"' in page
    assert 'aria-current="page">Audit log' in page


def test_the_nav_links_to_the_log(console):
    assert 'href="/console/audit/"' in console.get("/console/").content.decode()


def test_filters_by_action_staff_and_spa(console):
    suspend = _entry(ConsoleAction.SUSPEND, email="anna@platform.example", spa="glow")
    impersonate = _entry(ConsoleAction.IMPERSONATE, email="anna@platform.example", spa="radiance")
    other = _entry(ConsoleAction.SUSPEND, email="ben@platform.example", spa="radiance")

    by_action = console.get("/console/audit/?action=suspend&staff=platform.example")
    by_staff = console.get("/console/audit/?staff=ANNA@")
    by_spa = console.get("/console/audit/?spa=radiance")
    combined = console.get("/console/audit/?action=suspend&spa=radiance")

    assert _ids(by_action) == [other.pk, suspend.pk]
    assert _ids(by_staff) == [impersonate.pk, suspend.pk]
    assert _ids(by_spa) == [other.pk, impersonate.pk]
    assert _ids(combined) == [other.pk]
    assert 'value="suspend" selected' in combined.content.decode()


def test_an_unknown_action_or_a_broken_cursor_shows_the_first_page(console):
    entry = _entry(email="solo@platform.example")

    for query in ("action=nonsense", "older=abc", "older=1.2.3", "newer=99999999999999999999.1"):
        response = console.get(f"/console/audit/?staff=solo@&{query}")
        assert response.status_code == 200, query
        assert entry.pk in _ids(response), query


def test_pages_of_fifty_go_older_and_back_newer(console):
    # given more than two pages of entries (all at the same instant: the id breaks ties)
    entries = [_entry(email="pager@platform.example") for _ in range(2 * PAGE_SIZE + 7)]
    newest_first = [e.pk for e in reversed(entries)]

    first = console.get("/console/audit/?staff=pager@")
    second = console.get(_link(first, "Older →"))
    third = console.get(_link(second, "Older →"))
    back = console.get(_link(third, "← Newer"))

    assert _ids(first) == newest_first[:PAGE_SIZE]
    assert _link(first, "← Newer") is None
    assert _ids(second) == newest_first[PAGE_SIZE : 2 * PAGE_SIZE]
    assert "staff=pager%40" in _link(second, "Older →")  # the filter is kept
    assert _ids(third) == newest_first[2 * PAGE_SIZE :]
    assert _link(third, "Older →") is None
    assert _ids(back) == _ids(second)
    assert _link(back, "Newest") is not None


@pytest.mark.parametrize("filters", ["", "?action=suspend&staff=count@&spa=glow"])
def test_a_page_costs_the_same_number_of_queries_however_many_entries(console, filters):
    _entry(email="count@platform.example")
    console.get(f"/console/audit/{filters}")  # warm: the session's first save
    with CaptureQueriesContext(connection) as few:
        console.get(f"/console/audit/{filters}")

    for _ in range(PAGE_SIZE + 10):
        _entry(email="count@platform.example")
    with CaptureQueriesContext(connection) as many:
        response = console.get(f"/console/audit/{filters}")

    assert len(_ids(response)) == PAGE_SIZE
    assert len(many) == len(few)
