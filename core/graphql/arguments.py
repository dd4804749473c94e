"""Turning GraphQL arguments into what services take."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from core.graphql.relay import pk_from_global_id


def enum_value(member: Any) -> Any:
    """Enum arguments arrive as enum members (graphene 3); services take the value."""
    return getattr(member, "value", member)


def given_fields(input: Any) -> dict[str, Any]:
    """An input object's fields that were given and not null, enums as their values."""
    return {field: enum_value(value) for field, value in input.items() if value is not None}


def record_pk(global_id: str, type_name: str) -> int:
    """The primary key of the record to change, or NOT_FOUND on `id` (another
    spa's ID, say)."""
    pk = pk_from_global_id(global_id, type_name)
    if pk is None:
        raise ValidationError({"id": ValidationError("No such record.", code="NOT_FOUND")})
    return pk
