"""Signing in, and the API tokens a member's requests carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import timezone

from core.errors import field_error
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.models import ApiToken, Membership, User, normalize_email
from shared_apps.accounts.secrets import API_TOKEN_PREFIX, digest, new_secret
from tenants.models import Spa


@dataclass(frozen=True)
class IssuedToken:
    secret: str  # shown once, never stored
    token: ApiToken


def auth_login(*, request: HttpRequest, spa: Spa, email: str, password: str) -> IssuedToken:
    """Check the credentials and the user's membership of `spa`; issue a token for it.

    Every call goes through authenticate(), which django-axes counts per account
    and per client address; a locked-out caller gets TOO_MANY_ATTEMPTS even with
    the right password.
    """
    email = normalize_email(email)
    invalid = field_error(
        AccountErrorCode.INVALID_CREDENTIALS, "The email or password is not right."
    )
    if not email or not password:
        raise invalid
    user = authenticate(request=request, email=email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise field_error(
            AccountErrorCode.TOO_MANY_ATTEMPTS, "Too many failed sign-ins. Try again in 15 minutes."
        )
    if user is None:
        raise invalid
    membership = Membership.objects.filter(user=user, spa=spa, is_active=True).first()
    if membership is None:
        raise invalid  # the same answer: whether someone works here is not disclosed
    _signed_in(request=request, user=user)
    return token_issue(
        membership=membership, user_agent=request.headers.get("User-Agent", "")[:200]
    )


def _signed_in(*, request: HttpRequest, user: User) -> None:
    """What django.contrib.auth.login() would announce for a session (Django
    records last_login), and this account's failed attempts forgotten: only
    this account's, never those of the client's address (see AXES_RESET_ON_SUCCESS)."""
    user_logged_in.send(sender=type(user), request=request, user=user)
    axes_reset(username=user.email)


def token_issue(*, membership: Membership, user_agent: str = "") -> IssuedToken:
    secret = new_secret(API_TOKEN_PREFIX)
    token = ApiToken.objects.create(
        membership=membership,
        token_hash=digest(secret),
        expires_at=timezone.now() + timedelta(seconds=settings.API_TOKEN_TTL),
        user_agent=user_agent,
    )
    return IssuedToken(secret=secret, token=token)


def token_authenticate(*, secret: str, spa: Spa) -> ApiToken | None:
    """The live token for `secret` on `spa`, with its membership and user (and
    for an impersonation, the staff member), or None.

    One query. A token of another spa, a revoked or expired one, or one whose
    membership or user was deactivated is refused, at once; so is an
    impersonation whose staff member is no longer active platform staff.
    """
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("membership__user", "impersonated_by")
        .filter(token_hash=digest(secret), membership__spa_id=spa.pk)
        .first()
    )
    now = timezone.now()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= now
        or not token.membership.is_active
        or not token.membership.user.is_active
        or (token.impersonated_by is not None and not is_platform_staff(token.impersonated_by))
    ):
        return None
    interval = timedelta(seconds=settings.API_TOKEN_TOUCH_INTERVAL)
    if token.last_used_at is None or now - token.last_used_at > interval:
        # Written at most once per interval, so most requests cost one query.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_revoke_for_membership(*, membership: Membership) -> int:
    """Sign a member out of this spa on every device (console impersonations of
    them included)."""
    return ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def is_platform_staff(user: User) -> bool:
    return user.is_active and user.is_platform_staff
