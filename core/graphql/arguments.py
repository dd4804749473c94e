"""Turning GraphQL arguments into what services take."""

from __future__ import annotations

from enum import Enum
from typing import Any

from core.errors import CommonErrorCode, field_error
from core.graphql.relay import pk_from_global_id


def enum_value(member: Any) -> Any:
    """Enum arguments arrive as enum members (graphene 3); services take the value."""
    return member.value if isinstance(member, Enum) else member


def given_fields(input: Any, *, keep_null: bool = False) -> dict[str, Any]:
    """An input object's fields that were given, enums (and lists of them) as
    their values: what a service's partial update takes (core/updates.py).

    A field given as null is left out (null leaves it as it is), unless
    `keep_null`: for inputs where null clears a field (a client's)."""
    return {
        field: [enum_value(item) for item in value]
        if isinstance(value, list)
        else enum_value(value)
        for field, value in input.items()
        if value is not None or keep_null
    }


def record_pk(global_id: str, type_name: str) -> int:
    """The primary key of the record to change, or NOT_FOUND on `id` (another
    spa's ID, say)."""
    pk = pk_from_global_id(global_id, type_name)
    if pk is None:
        raise field_error(CommonErrorCode.NOT_FOUND, "No such record.", "id")
    return pk
