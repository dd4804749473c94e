"""The team: who may give which role, changing a member's role, (de)activating them."""

from __future__ import annotations

from django.db import transaction

from core.errors import field_error
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.models import Membership, Role
from shared_apps.accounts.services.tokens import tokens_revoke_for_membership
from shared_apps.billing.services import subscription_seats_changed
from tenant_apps.staff.services import staff_profile_ensure
from tenants.models import Spa

# Who may give which role: a manager runs the team but cannot create owners.
ASSIGNABLE_ROLES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(Role.values),
    Role.MANAGER: frozenset({Role.MANAGER, Role.PROVIDER, Role.FRONT_DESK}),
}


def team_lock(*, spa: Spa, actor: Membership) -> dict[int, Membership]:
    """Lock every membership of the spa (a team is small; changes to it are rare)
    and check the actor as the database has it now, not as the request loaded it:
    someone demoted or removed a moment ago can no longer act."""
    team = {
        member.pk: member
        for member in Membership.objects.select_for_update()
        .select_related("user")
        .filter(spa=spa)
        .order_by("pk")
    }
    current = team.get(actor.pk)
    if current is None or not current.is_active or current.role not in ASSIGNABLE_ROLES:
        raise field_error(AccountErrorCode.ROLE_NOT_ALLOWED, "Your role no longer allows this.")
    actor.role, actor.is_active = current.role, current.is_active
    return team


def role_check_assignable(*, actor: Membership, role: str) -> None:
    if role not in Role.values:
        raise field_error(AccountErrorCode.ROLE_INVALID, "Unknown role.", "role")
    if role not in ASSIGNABLE_ROLES.get(actor.role, frozenset()):
        raise field_error(AccountErrorCode.ROLE_NOT_ALLOWED, "You cannot give that role.", "role")


def _member_for_change(*, spa: Spa, actor: Membership, membership_id: int) -> Membership:
    """The member to change, with the whole team locked (for the last-owner rule)."""
    member = team_lock(spa=spa, actor=actor).get(membership_id)
    if member is None:
        raise field_error(AccountErrorCode.NOT_FOUND, "No such member.", "id")
    if member.role == Role.OWNER and actor.role != Role.OWNER:
        raise field_error(
            AccountErrorCode.ROLE_NOT_ALLOWED, "Only an owner can change an owner.", "id"
        )
    return member


def _check_keeps_an_owner(*, spa: Spa, member: Membership) -> None:
    if member.role != Role.OWNER or not member.is_active:
        return
    others = Membership.objects.filter(spa=spa, role=Role.OWNER, is_active=True).exclude(
        pk=member.pk
    )
    if not others.exists():
        raise field_error(
            AccountErrorCode.LAST_OWNER, "A spa must keep at least one active owner.", "id"
        )


def member_change_role(*, spa: Spa, actor: Membership, membership_id: int, role: str) -> Membership:
    with transaction.atomic():
        member = _member_for_change(spa=spa, actor=actor, membership_id=membership_id)
        role_check_assignable(actor=actor, role=role)
        if role != Role.OWNER:
            _check_keeps_an_owner(spa=spa, member=member)
        previous = member.role
        member.role = role
        member.save(update_fields=["role", "updated_at"])
        if role == Role.PROVIDER:
            staff_profile_ensure(
                user_id=member.user_id, display_name=member.user.name, is_provider=True
            )
        if Role.PROVIDER in (previous, role) and previous != role and member.is_active:
            subscription_seats_changed(spa=spa)
    return member


def member_set_active(
    *, spa: Spa, actor: Membership, membership_id: int, active: bool
) -> Membership:
    """Deactivate (their tokens stop working at once) or reactivate a member."""
    with transaction.atomic():
        member = _member_for_change(spa=spa, actor=actor, membership_id=membership_id)
        if not active:
            _check_keeps_an_owner(spa=spa, member=member)
            tokens_revoke_for_membership(membership=member)
        changed = member.is_active != active
        member.is_active = active
        member.save(update_fields=["is_active", "updated_at"])
        if changed and member.role == Role.PROVIDER:
            subscription_seats_changed(spa=spa)
    return member
