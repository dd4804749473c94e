"""Inviting people to a spa's team, and joining it through an invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from shared_apps.accounts import emails
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.models import Invitation, Membership, Role, User, normalize_email
from shared_apps.accounts.secrets import INVITATION_PREFIX, digest, new_secret
from shared_apps.accounts.services.team import ASSIGNABLE_ROLES, role_check_assignable, team_lock
from shared_apps.billing.services import subscription_seats_changed
from tenant_apps.staff.services import staff_profile_ensure
from tenants.models import Spa


@dataclass(frozen=True)
class IssuedInvitation:
    secret: str
    invitation: Invitation


def invitation_create(
    *, spa: Spa, invited_by: Membership, email: str, role: str
) -> IssuedInvitation:
    """Invite someone to a role in `spa`; they get an emailed, single-use link."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise field_error(
            AccountErrorCode.EMAIL_INVALID, "Enter a valid email address.", "email"
        ) from None
    secret = new_secret(INVITATION_PREFIX)
    with transaction.atomic():
        team = team_lock(spa=spa, actor=invited_by)
        role_check_assignable(actor=invited_by, role=role)
        if any(m.is_active and m.user.email == email for m in team.values()):
            raise field_error(
                AccountErrorCode.ALREADY_MEMBER, "That person is already on the team.", "email"
            )
        # A new invitation replaces any pending one for the same person.
        Invitation.objects.filter(
            spa=spa, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            spa=spa,
            email=email,
            role=role,
            token_hash=digest(secret),
            invited_by=invited_by.user,
            expires_at=timezone.now() + timedelta(seconds=settings.INVITATION_TTL),
        )
        emails.send_invitation(
            spa=spa,
            to=email,
            role_label=Role(role).label,
            secret=secret,
            inviter_name=invited_by.user.name,
        )
    return IssuedInvitation(secret=secret, invitation=invitation)


def invitation_revoke(*, spa: Spa, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(spa=spa, pk=invitation_id).first()
    if invitation is None:
        raise field_error(AccountErrorCode.NOT_FOUND, "No such invitation.", "id")
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_accept(*, spa: Spa, secret: str, name: str, password: str) -> Membership:
    """Join `spa` through an invitation. A new person also chooses a name and a
    password; someone who already has an account keeps theirs."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(spa=spa, token_hash=digest(secret or ""))
            .first()
        )
        if invitation is None or invitation.accepted_at or invitation.revoked_at:
            raise field_error(
                AccountErrorCode.INVITATION_INVALID, "This invitation is not valid.", "token"
            )
        if invitation.expires_at <= timezone.now():
            raise field_error(
                AccountErrorCode.INVITATION_EXPIRED, "This invitation has expired.", "token"
            )

        # The invitation is worth what its author may still give: someone removed
        # or demoted since cannot bring people in through an old invitation.
        team = Membership.objects.select_for_update().filter(spa=spa).order_by("pk")
        inviter = next((m for m in team if m.user_id == invitation.invited_by_id), None)
        if (
            inviter is None
            or not inviter.is_active
            or invitation.role not in ASSIGNABLE_ROLES.get(inviter.role, frozenset())
        ):
            raise field_error(
                AccountErrorCode.INVITATION_INVALID, "This invitation is not valid.", "token"
            )

        user = User.objects.filter(email=invitation.email).first()
        if user is None:
            user = _user_create(email=invitation.email, name=name, password=password)
        elif not user.is_active:
            raise field_error(
                AccountErrorCode.INVITATION_INVALID, "This invitation is not valid.", "token"
            )
        membership, created = Membership.objects.get_or_create(
            user=user, spa=spa, defaults={"role": invitation.role}
        )
        if not created:
            if membership.is_active:
                # Already on the team: an invitation never changes a current role.
                raise field_error(
                    AccountErrorCode.ALREADY_MEMBER, "You are already on this team.", "token"
                )
            membership.role = invitation.role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active", "updated_at"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if membership.role == Role.PROVIDER:
            # The request runs on the spa's schema, where the staff profile lives.
            staff_profile_ensure(user_id=user.pk, display_name=user.name, is_provider=True)
            # Billed seats follow the active providers (sent to Stripe on commit).
            subscription_seats_changed(spa=spa)
    return membership


def _user_create(*, email: str, name: str, password: str) -> User:
    name = (name or "").strip()
    errors: dict[str, ValidationError] = {}
    if not name:
        errors["name"] = field_error(AccountErrorCode.NAME_REQUIRED, "Enter your name.")
    elif len(name) > 150:
        errors["name"] = field_error(AccountErrorCode.NAME_TOO_LONG, "The name is too long.")
    try:
        validate_password(password or "", User(email=email, name=name))
    except ValidationError as exc:
        errors["password"] = field_error(AccountErrorCode.PASSWORD_TOO_WEAK, " ".join(exc.messages))
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name)
    user.set_password(password)
    user.save()
    return user
