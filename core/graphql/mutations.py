"""The base of every spa API mutation (docs/ARCHITECTURE.md section 5).

A mutation declares `permission` (and, if so, `read_only_safe` and
`autocommit`) and implements `perform(root, info, membership, **arguments)`,
calling a service. The base checks the permission first, and
turns a ValidationError from the service into the payload's
`errors: [{field, code, message}]` (codes from the domain's enum), marking the
request so the view rolls the transaction back: nothing half-written.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import graphene
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from graphene.utils.str_converters import to_camel_case
from graphene_django.constants import MUTATION_ERRORS_FLAG

from core.errors import ErrorCode
from core.graphql.permissions import Permission, check_permission

logger = logging.getLogger("graphql.errors")

# The code used when a service raises one the domain's enum does not list.
FALLBACK_CODE = "INVALID"


def error_type(
    domain: str, codes: type[ErrorCode] | list[str]
) -> tuple[type[graphene.Enum], type[graphene.ObjectType]]:
    """A domain's error code enum (from its `ErrorCode` class, core/errors.py) and
    `{field, code, message}` error type."""
    names = [str(code) for code in codes]
    code_enum = graphene.Enum(
        f"{domain}ErrorCode", [(code, code) for code in [*names, FALLBACK_CODE]]
    )

    class DomainError(graphene.ObjectType):
        class Meta:
            name = f"{domain}Error"

        field = graphene.String(description="The argument at fault (camelCase), or null.")
        code = graphene.Field(code_enum, required=True)
        message = graphene.String(required=True, description="For people; branch on `code`.")

    return code_enum, DomainError


class UnknownErrorCode(Exception):
    """A service refused with a code its API's enum does not list (raised where
    GRAPHQL_STRICT_ERROR_CODES is on: tests and DEBUG)."""


def errors_from(
    exc: ValidationError, codes: frozenset[str], *, where: str = ""
) -> list[dict[str, Any]]:
    """The payload's `{field, code, message}` errors of a refusal. A code not in
    `codes` (the enum of `where`, a mutation) is a bug: it is logged and reported
    as INVALID, and raises UnknownErrorCode under GRAPHQL_STRICT_ERROR_CODES."""
    pairs: list[tuple[str | None, ValidationError]] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = None if field == NON_FIELD_ERRORS else to_camel_case(field)
            pairs += [(name, error) for error in errors]
    else:
        pairs = [(None, error) for error in exc.error_list]
    return [
        {
            "field": field,
            "code": error.code if error.code in codes else _unknown(error.code, where),
            "message": error.messages[0],
        }
        for field, error in pairs
    ]


def _unknown(code: str | None, where: str) -> str:
    logger.error(
        "error code %r is not in the enum of %s; reported as %s", code, where, FALLBACK_CODE
    )
    if settings.GRAPHQL_STRICT_ERROR_CODES:
        raise UnknownErrorCode(f"{where or 'a mutation'} refused with {code!r}, not in its enum")
    return FALLBACK_CODE


class SpaMutation(graphene.Mutation):
    class Meta:
        abstract = True

    permission: ClassVar[Permission]
    error_codes: ClassVar[frozenset[str]]
    # Runs on a suspended (read-only) spa, which refuses every other mutation
    # with SPA_SUSPENDED: signing in and out, paying.
    read_only_safe: ClassVar[bool] = False
    # Runs outside the request transaction, each write committing by itself, and
    # only alongside other such mutations: a sign-in, whose failed attempts
    # (django-axes' records) must stand although the mutation reports an error.
    # The view reads both from the schema (core/graphql/view.py).
    autocommit: ClassVar[bool] = False

    @classmethod
    def perform(cls, root: Any, info: Any, membership: Any, **arguments: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def resolve_errors(root: Any, info: Any) -> list[dict[str, Any]]:
        return getattr(root, "errors", None) or []

    @classmethod
    def mutate(cls, root: Any, info: Any, **arguments: Any) -> Any:
        membership = check_permission(cls.permission, info)
        try:
            return cls.perform(root, info, membership, **arguments)
        except ValidationError as exc:
            setattr(info.context, MUTATION_ERRORS_FLAG, True)
            # A service may attach more to the refusal (the likely duplicates of a
            # client being created): it goes into the payload beside the errors.
            extra = getattr(exc, "payload", {})
            return cls(errors=errors_from(exc, cls.error_codes, where=cls.__name__), **extra)  # type: ignore[call-arg]
