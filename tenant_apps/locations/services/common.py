"""What the writes of locations and resources share: finding the row a request
names, and checking a name unique in the spa."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from core.errors import field_error
from tenant_apps.locations.errors import LocationErrorCode

M = TypeVar("M", bound=Model)


def row(queryset: QuerySet[M], pk: int | None) -> M | None:
    """The row with primary key `pk`, or None (also for a None `pk`: an ID that
    named nothing in this spa)."""
    return None if pk is None else queryset.filter(pk=pk).first()


def not_found(field: str, what: str) -> ValidationError:
    return field_error(LocationErrorCode.NOT_FOUND, f"No such {what}.", field)


def clean_name(
    value: str,
    *,
    among: QuerySet[Any],
    exclude_pk: int | None,
    taken: str = "That name is already used.",
) -> str:
    """A name, trimmed, that no other row of `among` carries (ignoring case, as
    the database's unique constraints do): the spa's locations or resource
    types, or the resources of one location."""
    name = (value or "").strip()
    limit = among.model._meta.get_field("name").max_length or 0
    if not name:
        raise field_error(LocationErrorCode.NAME_REQUIRED, "Enter a name.")
    if len(name) > limit:
        raise field_error(
            LocationErrorCode.NAME_TOO_LONG, f"Keep the name under {limit} characters."
        )
    # Case-insensitive: "Downtown" and "downtown" on one calendar would confuse everyone.
    same_name = among.filter(name__iexact=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise field_error(LocationErrorCode.NAME_TAKEN, taken)
    return name
