"""Passwords: the emailed reset (and welcome) link, and changing one's own."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_ratelimit.core import is_ratelimited

from core.errors import field_error
from shared_apps.accounts import emails
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.models import ApiToken, User, normalize_email
from tenants.models import Spa


def password_reset_request(*, request: HttpRequest, spa: Spa, email: str) -> None:
    """Email a reset link if `email` belongs to an active member of `spa`. Says
    nothing either way, so it cannot be used to find out who works where, and
    sends at most a few per address and per client address an hour (an inbox
    cannot be flooded); over the limit it silently sends nothing."""
    email = normalize_email(email)
    for group, key, rate in (
        (
            "password-reset:email",
            lambda _group, _request: email,
            settings.RESET_LINK_RATE_PER_EMAIL,
        ),
        ("password-reset:ip", "ip", settings.RESET_LINK_RATE_PER_IP),
    ):
        if is_ratelimited(request, group=group, key=key, rate=rate, increment=True):
            return
    user = User.objects.filter(
        email=email,
        is_active=True,
        memberships__spa=spa,
        memberships__is_active=True,
    ).first()
    if user is not None:
        password_link_send(spa=spa, user=user, welcome=False)


class _SpaPasswordLinkTokens(PasswordResetTokenGenerator):
    """Django's reset tokens (an HMAC of the user's password hash, last sign-in
    and a timestamp), salted with the spa the link was sent for: a link asked
    for on one spa's host is invalid on any other's, with nothing stored."""

    def __init__(self, *, spa: Spa) -> None:
        super().__init__()
        self.key_salt = f"shared_apps.accounts.password-link:spa-{spa.pk}"


def password_link_send(*, spa: Spa, user: User, welcome: bool) -> None:
    emails.send_password_reset(
        spa=spa,
        to=user.email,
        uid=urlsafe_base64_encode(force_bytes(user.pk)),
        token=_SpaPasswordLinkTokens(spa=spa).make_token(user),
        welcome=welcome,
    )


def password_reset_confirm(*, spa: Spa, uid: str, token: str, new_password: str) -> User:
    """Set a new password with an emailed token (single-use: it is bound to the old
    password), on the spa whose host the link was sent for. Every token of the
    user, in every spa, is revoked."""
    invalid = field_error(
        AccountErrorCode.RESET_LINK_INVALID, "This link is invalid or has expired.", "token"
    )
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise invalid from None
    if not _SpaPasswordLinkTokens(spa=spa).check_token(user, token):
        raise invalid
    _password_set(user=user, new_password=new_password)
    return user


def _password_set(*, user: User, new_password: str, keep: ApiToken | None = None) -> None:
    """Validate and set a new password, and revoke every token of the person in
    every spa (but `keep`, the session that made the change)."""
    try:
        validate_password(new_password or "", user)
    except ValidationError as exc:
        raise field_error(
            AccountErrorCode.PASSWORD_TOO_WEAK, " ".join(exc.messages), "new_password"
        ) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens = ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True)
        if keep is not None:
            tokens = tokens.exclude(pk=keep.pk)
        tokens.update(revoked_at=timezone.now())


def password_change(
    *, request: HttpRequest, token: ApiToken, current_password: str, new_password: str
) -> None:
    """Change one's password; every other token of the person, in every spa, is revoked.

    Never with a console impersonation token (IMPERSONATION_FORBIDDEN): a
    password is the person's own. The API refuses the mutation before it runs;
    this is the same rule where the change is made.
    """
    if token.impersonated_by_id is not None:
        raise field_error(
            AccountErrorCode.IMPERSONATION_FORBIDDEN,
            "Support sessions cannot change the member's password.",
        )
    user = token.membership.user
    # Through authenticate(), so guesses at the current password are throttled
    # like sign-ins (the mutation runs outside the request transaction, so the
    # failure records stand).
    checked = authenticate(request=request, email=user.email, password=current_password)
    if getattr(request, "axes_locked_out", False):
        raise field_error(
            AccountErrorCode.TOO_MANY_ATTEMPTS, "Too many failed attempts. Try again in 15 minutes."
        )
    if checked is None:
        raise field_error(
            AccountErrorCode.INVALID_CREDENTIALS,
            "The current password is not right.",
            "current_password",
        )
    axes_reset(username=user.email)
    _password_set(user=user, new_password=new_password, keep=token)
