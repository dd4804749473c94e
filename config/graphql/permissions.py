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

from config.graphql.errors import coded_error
from shared_apps.accounts.models import Membership, Role


@dataclass(frozen=True)
class Permission:
    roles: frozenset[str] | None  # None: anyone, signed in or not
    label: str


ANYONE = Permission(None, "anyone")
MEMBERS = Permission(frozenset(Role.values), "any member of the spa")
MANAGERS = Permission(frozenset({Role.OWNER, Role.MANAGER}), "owners and managers")
FRONT_OFFICE = Permission(
    frozenset({Role.OWNER, Role.MANAGER, Role.FRONT_DESK}), "front desk, managers and owners"
)
OWNERS = Permission(frozenset({Role.OWNER}), "owners")


def check_permission(permission: Permission, info: Any) -> Membership | None:
    """The caller's membership if `permission` lets them in; raises otherwise."""
    membership: Membership | None = getattr(info.context, "membership", None)
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
