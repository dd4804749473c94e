"""Who may run each root query and mutation, declared where it is defined.

    @staticmethod
    @permission(MANAGERS)
    def resolve_invitations(root, info): ...

    class InviteMember(AccountMutation):
        permission = MANAGERS

Every root field of the spa API declares one (a test walks the schema to make
sure); resolvers below the root rely on their root's check. No sign-in answers
UNAUTHENTICATED, a role outside the set FORBIDDEN, as GraphQL errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from core.graphql.errors import coded_error


@dataclass(frozen=True)
class Permission:
    roles: frozenset[str] | None  # None: anyone, signed in or not
    label: str


ANYONE = Permission(None, "anyone")


def roles(*names: str, label: str) -> Permission:
    """A permission for the callers whose membership has one of these role names
    (the names are the domain's: shared_apps/accounts/permissions.py)."""
    return Permission(frozenset(names), label)


def check_permission(permission: Permission, info: Any) -> Any:
    """The caller's membership (any object with a `role` name) if `permission`
    lets them in; raises otherwise."""
    membership = getattr(info.context, "membership", None)
    if permission.roles is None:
        return membership
    if membership is None:
        raise coded_error("Sign in to do this.", "UNAUTHENTICATED")
    if membership.role not in permission.roles:
        raise coded_error("Your role does not allow this.", "FORBIDDEN")
    return membership


def permission(required: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare (and enforce) who may run a root resolver."""

    def decorate(resolver: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(resolver)
        def checked(root: Any, info: Any, **kwargs: Any) -> Any:
            check_permission(required, info)
            return resolver(root, info, **kwargs)

        checked.permission = required  # type: ignore[attr-defined]
        return checked

    return decorate
