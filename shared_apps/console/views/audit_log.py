"""The console's audit log page: every `ConsoleAuditEntry`, newest first.

Filters by action, staff email (part of it) and spa slug; 50 entries a page.
The pages are keyset pages (`?older=<cursor>` / `?newer=<cursor>`, the cursor
being an entry's time and id) rather than numbered ones: the log only grows,
and a numbered page would count the whole log on every view and shift under
the reader as entries arrive. One query for the entries, whatever the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from shared_apps.console import formatting
from shared_apps.console.access import console_view
from shared_apps.console.context import page
from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry

PAGE_SIZE = 50
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# How an action is coloured: refusals red, the sensitive ones amber.
_TONES = {
    ConsoleAction.SIGN_IN_FAILED: "bad",
    ConsoleAction.VERIFY_FAILED: "bad",
    ConsoleAction.IMPERSONATE: "warn",
    ConsoleAction.IMPERSONATE_END: "warn",
    ConsoleAction.SUSPEND: "warn",
}


@dataclass(frozen=True)
class _Cursor:
    occurred_at: dt.datetime
    pk: int

    @classmethod
    def of(cls, entry: ConsoleAuditEntry) -> str:
        micros = (entry.occurred_at - _EPOCH) // _MICROSECOND
        return f"{micros}.{entry.pk}"

    @classmethod
    def parse(cls, text: str) -> _Cursor | None:
        """A cursor from the address, or None for anything malformed (the
        first page then: a hand-edited address never fails)."""
        micros, _, pk = text.partition(".")
        if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
            return None
        if len(micros) > 17 or len(pk) > 18:
            return None
        return cls(_EPOCH + int(micros) * _MICROSECOND, int(pk))


@dataclass(frozen=True)
class _Filters:
    action: str
    staff: str
    spa: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> _Filters:
        action = request.GET.get("action", "")
        return cls(
            action=action if action in ConsoleAction.values else "",
            staff=request.GET.get("staff", "").strip().lower()[:254],
            spa=request.GET.get("spa", "").strip().lower()[:63],
        )

    @property
    def any(self) -> bool:
        return bool(self.action or self.staff or self.spa)

    def apply(self, entries: QuerySet[ConsoleAuditEntry]) -> QuerySet[ConsoleAuditEntry]:
        if self.action:
            entries = entries.filter(action=self.action)
        if self.staff:
            entries = entries.filter(actor_email__icontains=self.staff)
        if self.spa:
            entries = entries.filter(spa_slug=self.spa)
        return entries

    def url(self, **page: str) -> str:
        values = {"action": self.action, "staff": self.staff, "spa": self.spa, **page}
        query = urlencode({key: value for key, value in values.items() if value})
        return f"{reverse('console:audit')}?{query}" if query else reverse("console:audit")


def _entries_page(
    filters: _Filters, *, older: _Cursor | None, newer: _Cursor | None
) -> tuple[list[ConsoleAuditEntry], bool, bool]:
    """The page's entries (newest first), and whether there are newer and older
    ones beyond it. One query (a row more than the page, to know)."""
    entries = filters.apply(ConsoleAuditEntry.objects.all())
    if newer is not None:
        after = Q(occurred_at__gt=newer.occurred_at) | Q(
            occurred_at=newer.occurred_at, pk__gt=newer.pk
        )
        rows = list(entries.filter(after).order_by("occurred_at", "pk")[: PAGE_SIZE + 1])
        more_newer = len(rows) > PAGE_SIZE
        return list(reversed(rows[:PAGE_SIZE])), more_newer, True
    if older is not None:
        before = Q(occurred_at__lt=older.occurred_at) | Q(
            occurred_at=older.occurred_at, pk__lt=older.pk
        )
        entries = entries.filter(before)
    rows = list(entries.order_by("-occurred_at", "-pk")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], older is not None, len(rows) > PAGE_SIZE


def _row(entry: ConsoleAuditEntry) -> dict[str, Any]:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    return {
        "entry": entry,
        "tone": _TONES.get(entry.action, ""),  # type: ignore[call-overload]
        "exact": formatting.exact(entry.occurred_at),
        "detail": sorted(detail.items()),
    }


@console_view()
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who did what at the console (and every sign-in attempt), newest first."""
    filters = _Filters.from_request(request)
    older = _Cursor.parse(request.GET.get("older", ""))
    newer = None if older is not None else _Cursor.parse(request.GET.get("newer", ""))
    entries, has_newer, has_older = _entries_page(filters, older=older, newer=newer)
    context = {
        "nav": "audit",
        "filters": filters,
        "actions": ConsoleAction.choices,
        "rows": [_row(entry) for entry in entries],
        "newer_url": filters.url(newer=_Cursor.of(entries[0])) if has_newer and entries else "",
        "older_url": filters.url(older=_Cursor.of(entries[-1])) if has_older and entries else "",
        "newest_url": filters.url() if older is not None or newer is not None else "",
        "page_size": PAGE_SIZE,
    }
    return page(request, "console/audit_log.html", context)
