"""How a service refuses: one `ValidationError` shape, codes from the domain's enum.

Each domain lists its codes once, as an `ErrorCode` enum in its `errors.py`
(`tenant_apps/catalog/errors.py`, ...). Services raise `field_error(...)` with a
member of it; the API builds its GraphQL enum from the same class
(`core/graphql/mutations.py`, `error_type`), so a code the API does not know
cannot be raised without mypy saying so.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError


class ErrorCode(StrEnum):
    """The base of every domain's error codes. Members are their own names."""


class CommonErrorCode(ErrorCode):
    """Codes core itself raises (`core/graphql/arguments.py`, `record_pk`): each
    domain enum that can meet them lists them too."""

    NOT_FOUND = "NOT_FOUND"


def field_error(code: ErrorCode, message: str, field: str | None = None) -> ValidationError:
    """A refusal with `code` (the API's `errors[].code`) and a message for people,
    on the argument `field` (snake_case; the API shows it camelCase) or on none."""
    error = ValidationError(message, code=str(code))
    return ValidationError({field: error}) if field else error
