"""Relay connections with keyset (cursor) pagination (docs/ARCHITECTURE.md section 5).

A page is one query, whatever its position: `WHERE (keys) > (cursor's keys)
ORDER BY keys LIMIT n + 1`, never OFFSET. Every ordering ends with a unique key
(the primary key), so the order is total and a cursor points between two rows
exactly. The ordering keys must be NOT NULL columns or annotations.

A cursor records the ordering it was made for; using it with another ordering is
refused (CURSOR_INVALID) rather than silently skipping rows. `totalCount` runs a
COUNT only when the query selects it.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import graphene
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from graphene import relay

from core.graphql.errors import coded_error


@dataclass(frozen=True)
class Keyset:
    """A total order for a connection: model fields or annotations, `-` for
    descending, ending with a unique one (normally "id")."""

    name: str
    keys: tuple[str, ...]

    def order_by(self, *, reverse: bool = False) -> list[str]:
        if not reverse:
            return list(self.keys)
        return [key[1:] if key.startswith("-") else f"-{key}" for key in self.keys]


class CountableConnection(relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(
        required=True,
        description="How many rows match, over every page. Costs a count: ask only when shown.",
    )

    @staticmethod
    def resolve_total_count(root: Any, info: Any) -> int:
        return root.matching.count()


def paginate(
    queryset: QuerySet[Any],
    *,
    connection_type: type[CountableConnection],
    keyset: Keyset,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> CountableConnection:
    """One page of `queryset` in `keyset` order, as a connection instance."""
    size, backward = _page_size(first, last)
    matching = queryset
    for cursor, forward in ((after, True), (before, False)):
        if cursor is not None:
            try:
                queryset = queryset.filter(
                    _beyond(keyset, _decode(cursor, keyset), forward=forward)
                )
            except (ValueError, TypeError, DjangoValidationError):
                # Values of the wrong type for their key: a cursor edited by hand.
                raise _invalid_cursor() from None
    rows = list(queryset.order_by(*keyset.order_by(reverse=backward))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    edges = [_Edge(row, keyset) for row in rows]
    page_info = relay.PageInfo(
        # Paging forward, there is a previous page whenever we came from a cursor
        # (its row at least); backward, the same holds for the next page.
        has_next_page=more if not backward else before is not None,
        has_previous_page=more if backward else after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.matching = matching  # type: ignore[attr-defined]
    return connection


class _Edge:
    """A row of the page and its cursor, encoded only when read: a query reads
    the cursors of every edge or, more often, only pageInfo's two."""

    __slots__ = ("_cursor", "_keyset", "node")

    def __init__(self, node: Any, keyset: Keyset) -> None:
        self.node = node
        self._keyset = keyset
        self._cursor: str | None = None

    @property
    def cursor(self) -> str:
        if self._cursor is None:
            self._cursor = _encode(self._keyset, self.node)
        return self._cursor


def _page_size(first: int | None, last: int | None) -> tuple[int, bool]:
    limit = settings.GRAPHQL_MAX_PAGE_SIZE
    if (first is None) == (last is None):
        raise coded_error("Pass either `first` or `last`.", "PAGINATION_INVALID")
    size = first if first is not None else last
    assert size is not None
    if not 0 < size <= limit:
        raise coded_error(f"Ask for between 1 and {limit} rows.", "PAGINATION_INVALID")
    return size, last is not None


def _beyond(keyset: Keyset, values: Sequence[Any], *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the position `values` in keyset order."""
    condition = Q()
    equal: dict[str, Any] = {}
    for key, value in zip(keyset.keys, values, strict=True):
        field = key.lstrip("-")
        ascending = not key.startswith("-")
        lookup = "gt" if ascending == forward else "lt"
        condition |= Q(**equal, **{f"{field}__{lookup}": value})
        equal[field] = value
    return condition


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _encode(keyset: Keyset, row: Any) -> str:
    values = [_plain(getattr(row, key.lstrip("-"))) for key in keyset.keys]
    raw = json.dumps([keyset.name, values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _invalid_cursor() -> Exception:
    return coded_error(
        "This cursor is not valid for this list and ordering. Start again from the first page.",
        "CURSOR_INVALID",
    )


def _decode(cursor: str, keyset: Keyset) -> list[Any]:
    invalid = _invalid_cursor()
    if len(cursor) > 2000:
        raise invalid
    try:
        name, values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError):
        raise invalid from None
    if (
        name != keyset.name
        or not isinstance(values, list)
        or len(values) != len(keyset.keys)
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values)
    ):
        raise invalid
    return values
