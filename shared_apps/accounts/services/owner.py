"""A spa's first owner: their account and membership, and their welcome link."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from core.errors import field_error
from shared_apps.accounts.errors import OwnerErrorCode
from shared_apps.accounts.models import Membership, Role, User, normalize_email
from shared_apps.accounts.services.passwords import password_link_send
from tenants.models import Spa


def membership_ensure_owner(*, spa: Spa, email: str) -> Membership:
    """The spa's first owner: the user with this email (created without a password
    if new), with an owner membership. Idempotent. A new user is sent a link to
    choose a password."""
    # get_or_create re-reads on a unique violation: the same owner may be
    # provisioning two spas at once.
    user, _ = User.objects.get_or_create(
        email=normalize_email(email), defaults={"password": make_password(None)}
    )
    membership, _ = Membership.objects.get_or_create(
        user=user, spa=spa, defaults={"role": Role.OWNER}
    )
    if not user.has_usable_password():
        password_link_send(spa=spa, user=user, welcome=True)
    return membership


def owner_welcome_resend(*, spa: Spa) -> User:
    """Send the spa's owner (the account of `spa.owner_email`) a fresh welcome link
    to choose a password, when the first was lost or has expired. For the console
    (its codes, OWNER_*, are not in the API's enum).

    An owner without an account or membership yet gets both, as provisioning
    gives them (`membership_ensure_owner`, which sends the link). Refused for an
    owner who has chosen a password (a reset is theirs to ask for: "forgot
    password" on the spa's sign-in page), and for a deactivated account or
    membership, or one that is no longer an owner's (taking someone back is the
    team's decision). The email goes when the caller's transaction commits.
    """
    email = normalize_email(spa.owner_email)
    user = User.objects.filter(email=email).first()
    if user is None:
        return membership_ensure_owner(spa=spa, email=email).user
    membership = Membership.objects.filter(spa=spa, user=user).first()
    if not user.is_active or (
        membership is not None and (not membership.is_active or membership.role != Role.OWNER)
    ):
        raise field_error(
            OwnerErrorCode.OWNER_INACTIVE,
            "The owner's account or membership is deactivated, or no longer an owner's.",
        )
    if user.has_usable_password():
        raise field_error(
            OwnerErrorCode.OWNER_HAS_PASSWORD,
            "The owner has already chosen a password; they can reset it themselves "
            "(Forgot password, on the spa's sign-in page).",
        )
    if membership is None:
        return membership_ensure_owner(spa=spa, email=email).user  # sends the link
    password_link_send(spa=spa, user=user, welcome=True)
    return user
