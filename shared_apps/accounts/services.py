"""Writes for accounts: login and tokens, invitations, password reset, the team.

Each function takes the spa the request was routed to and never touches another
spa's memberships. Bad input raises ValidationError with a code from
`shared_apps.accounts.graphql.types.AccountErrorCode`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_ratelimit.core import is_ratelimited
from django_tenants.utils import tenant_context

from shared_apps.accounts import emails
from shared_apps.accounts.models import (
    IMPERSONATION_MAX_MINUTES,
    ApiToken,
    Invitation,
    Membership,
    Role,
    User,
    normalize_email,
)
from shared_apps.accounts.secrets import (
    API_TOKEN_PREFIX,
    INVITATION_PREFIX,
    digest,
    new_secret,
)
from shared_apps.billing.services import subscription_seats_changed
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record, impersonation_role
from tenant_apps.profile.services import phone_to_e164
from tenant_apps.staff.services import staff_profile_ensure
from tenants.models import Spa, SpaStatus

# Who may give which role: a manager runs the team but cannot create owners.
ASSIGNABLE_ROLES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(Role.values),
    Role.MANAGER: frozenset({Role.MANAGER, Role.PROVIDER, Role.FRONT_DESK}),
}


def _error(code: str, message: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


# --- Login and tokens ------------------------------------------------------------------------


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
    invalid = _error("INVALID_CREDENTIALS", "The email or password is not right.")
    if not email or not password:
        raise invalid
    user = authenticate(request=request, email=email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise _error("TOO_MANY_ATTEMPTS", "Too many failed sign-ins. Try again in 15 minutes.")
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
        or (token.impersonated_by is not None and not _is_platform_staff(token.impersonated_by))
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


# --- Console impersonation -------------------------------------------------------------------
#
# Platform staff open a spa's API as one of its members, for support: a token of
# that membership marked `impersonated_by`, with a reason, for at most an hour.
# Both audit logs have it: the console's (written by the console view, in the
# same transaction) and the spa's PHI log, where `imp_start` and `imp_end`
# frame it and every read and write made with the token names the staff member
# (tenant_apps.audit.services.impersonation_role). What such a token may not do
# is refused before anything runs: shared_apps/accounts/graphql/impersonation.py.


def _is_platform_staff(user: User) -> bool:
    return user.is_active and user.is_platform_staff


def token_issue_impersonation(
    *,
    membership: Membership,
    staff_user: User,
    reason: str,
    minutes: int,
    request_id: str = "",
    ip: str | None = None,
) -> IssuedToken:
    """Give `staff_user` (platform staff) a token acting as `membership` for
    `minutes` (1 to IMPERSONATION_MAX_MINUTES), and write `imp_start` into the
    spa's audit log, in one transaction. `request_id` and `ip` are the console
    request's, so the spa's entry and the console's can be matched.

    Refused: a member or account that is not active, a spa whose API is not
    open (provisioning, closed), no reason, a duration out of range, a caller
    who is not active platform staff.
    """
    reason = " ".join((reason or "").split())
    if not _is_platform_staff(staff_user):
        raise _error("NOT_PLATFORM_STAFF", "Only platform staff can impersonate members.")
    if not reason:
        raise _error("REASON_REQUIRED", "Say why you need to impersonate this member.", "reason")
    if len(reason) > 500:
        raise _error("REASON_TOO_LONG", "Keep the reason under 500 characters.", "reason")
    if not 1 <= minutes <= IMPERSONATION_MAX_MINUTES:
        raise _error(
            "DURATION_INVALID",
            f"An impersonation lasts 1 to {IMPERSONATION_MAX_MINUTES} minutes.",
            "minutes",
        )
    with transaction.atomic():
        # Re-read under a lock: a member deactivated a moment ago is not impersonated.
        current = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user", "spa")
            .filter(pk=membership.pk)
            .first()
        )
        if current is None or not current.is_active or not current.user.is_active:
            raise _error("MEMBER_INACTIVE", "This member is not active.", "membership")
        if current.spa.status in (SpaStatus.PROVISIONING, SpaStatus.CLOSED):
            raise _error("SPA_NOT_OPEN", "This spa's API is not open.")
        secret = new_secret(API_TOKEN_PREFIX)
        token = ApiToken.objects.create(
            membership=current,
            token_hash=digest(secret),
            expires_at=timezone.now() + timedelta(minutes=minutes),
            user_agent="console impersonation",
            impersonated_by=staff_user,
            impersonation_reason=reason,
        )
        _impersonation_audit(
            token=token, action=AuditAction.IMPERSONATION_START, request_id=request_id, ip=ip
        )
    return IssuedToken(secret=secret, token=token)


def token_end_impersonation(
    *, token: ApiToken, request_id: str = "", ip: str | None = None
) -> ApiToken:
    """End a live impersonation now (whoever of the platform staff asks): the
    token is revoked and `imp_end` written into the spa's audit log, in one
    transaction. One already revoked or expired is refused (IMPERSONATION_ENDED),
    so each impersonation has at most one end."""
    with transaction.atomic():
        current = (
            ApiToken.objects.select_for_update(of=("self",))
            .select_related("membership__user", "membership__spa", "impersonated_by")
            .filter(pk=token.pk, impersonated_by__isnull=False)
            .first()
        )
        if current is None:
            raise _error("NOT_FOUND", "No such impersonation.")
        now = timezone.now()
        if current.revoked_at is not None or current.expires_at <= now:
            raise _error("IMPERSONATION_ENDED", "This impersonation has already ended.")
        current.revoked_at = now
        current.save(update_fields=["revoked_at"])
        _impersonation_audit(
            token=current, action=AuditAction.IMPERSONATION_END, request_id=request_id, ip=ip
        )
    return current


def _impersonation_audit(
    *, token: ApiToken, action: AuditAction, request_id: str, ip: str | None
) -> None:
    """One entry in the impersonated spa's own audit log (its schema), the
    connection put back where it was (the public schema, at the console)
    whatever happens."""
    membership, staff_user_id = token.membership, token.impersonated_by_id
    if staff_user_id is None:
        raise ValueError("not an impersonation token")
    actor = Actor(
        user_id=membership.user_id,
        role=impersonation_role(staff_user_id=staff_user_id, role=membership.role),
        request_id=request_id[:64],
        ip=ip,
    )
    with tenant_context(membership.spa):
        audit_record(actor=actor, action=action, client_ids=[])


# --- Provisioning ----------------------------------------------------------------------------


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
        _send_password_link(spa=spa, user=user, welcome=True)
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
        raise _error(
            "OWNER_INACTIVE",
            "The owner's account or membership is deactivated, or no longer an owner's.",
        )
    if user.has_usable_password():
        raise _error(
            "OWNER_HAS_PASSWORD",
            "The owner has already chosen a password; they can reset it themselves "
            "(Forgot password, on the spa's sign-in page).",
        )
    if membership is None:
        return membership_ensure_owner(spa=spa, email=email).user  # sends the link
    _send_password_link(spa=spa, user=user, welcome=True)
    return user


# --- Invitations -----------------------------------------------------------------------------


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
        raise _error("EMAIL_INVALID", "Enter a valid email address.", "email") from None
    secret = new_secret(INVITATION_PREFIX)
    with transaction.atomic():
        team = _lock_team(spa=spa, actor=invited_by)
        _check_may_assign(actor=invited_by, role=role)
        if any(m.is_active and m.user.email == email for m in team.values()):
            raise _error("ALREADY_MEMBER", "That person is already on the team.", "email")
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
        raise _error("NOT_FOUND", "No such invitation.", "id")
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
            raise _error("INVITATION_INVALID", "This invitation is not valid.", "token")
        if invitation.expires_at <= timezone.now():
            raise _error("INVITATION_EXPIRED", "This invitation has expired.", "token")

        # The invitation is worth what its author may still give: someone removed
        # or demoted since cannot bring people in through an old invitation.
        team = Membership.objects.select_for_update().filter(spa=spa).order_by("pk")
        inviter = next((m for m in team if m.user_id == invitation.invited_by_id), None)
        if (
            inviter is None
            or not inviter.is_active
            or invitation.role not in ASSIGNABLE_ROLES.get(inviter.role, frozenset())
        ):
            raise _error("INVITATION_INVALID", "This invitation is not valid.", "token")

        user = User.objects.filter(email=invitation.email).first()
        if user is None:
            user = _user_create(email=invitation.email, name=name, password=password)
        elif not user.is_active:
            raise _error("INVITATION_INVALID", "This invitation is not valid.", "token")
        membership, created = Membership.objects.get_or_create(
            user=user, spa=spa, defaults={"role": invitation.role}
        )
        if not created:
            if membership.is_active:
                # Already on the team: an invitation never changes a current role.
                raise _error("ALREADY_MEMBER", "You are already on this team.", "token")
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
        errors["name"] = ValidationError("Enter your name.", code="NAME_REQUIRED")
    elif len(name) > 150:
        errors["name"] = ValidationError("The name is too long.", code="NAME_TOO_LONG")
    try:
        validate_password(password or "", User(email=email, name=name))
    except ValidationError as exc:
        errors["password"] = ValidationError(" ".join(exc.messages), code="PASSWORD_TOO_WEAK")
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name)
    user.set_password(password)
    user.save()
    return user


# --- Password reset --------------------------------------------------------------------------


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
        _send_password_link(spa=spa, user=user, welcome=False)


def _send_password_link(*, spa: Spa, user: User, welcome: bool) -> None:
    emails.send_password_reset(
        spa=spa,
        to=user.email,
        uid=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
        welcome=welcome,
    )


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password with an emailed token (single-use: it is bound to the old
    password). Every token of the user, in every spa, is revoked."""
    invalid = _error("RESET_LINK_INVALID", "This link is invalid or has expired.", "token")
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise invalid from None
    if not default_token_generator.check_token(user, token):
        raise invalid
    _password_set(user=user, new_password=new_password)
    return user


def _password_set(*, user: User, new_password: str, keep: ApiToken | None = None) -> None:
    """Validate and set a new password, and revoke every token of the person in
    every spa (but `keep`, the session that made the change)."""
    try:
        validate_password(new_password or "", user)
    except ValidationError as exc:
        raise _error("PASSWORD_TOO_WEAK", " ".join(exc.messages), "new_password") from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens = ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True)
        if keep is not None:
            tokens = tokens.exclude(pk=keep.pk)
        tokens.update(revoked_at=timezone.now())


# --- The signed-in person ------------------------------------------------------------------


def me_update(*, user: User, name: str | None = None, phone: str | None = None) -> User:
    """Change one's own name or phone (E.164; an empty string clears it)."""
    errors: dict[str, ValidationError] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = ValidationError("Enter your name.", code="NAME_REQUIRED")
        elif len(name) > 150:
            errors["name"] = ValidationError("The name is too long.", code="NAME_TOO_LONG")
        else:
            user.name = name
    if phone is not None:
        try:
            user.phone = phone_to_e164(phone) if phone.strip() else ""
        except ValidationError as exc:
            errors["phone"] = exc
    if errors:
        raise ValidationError(errors)
    user.save(update_fields=["name", "phone"])
    return user


def password_change(
    *, request: HttpRequest, token: ApiToken, current_password: str, new_password: str
) -> None:
    """Change one's password; every other token of the person, in every spa, is revoked.

    Never with a console impersonation token (IMPERSONATION_FORBIDDEN): a
    password is the person's own. The API refuses the mutation before it runs;
    this is the same rule where the change is made.
    """
    if token.impersonated_by_id is not None:
        raise _error(
            "IMPERSONATION_FORBIDDEN", "Support sessions cannot change the member's password."
        )
    user = token.membership.user
    # Through authenticate(), so guesses at the current password are throttled
    # like sign-ins (the mutation runs outside the request transaction, so the
    # failure records stand).
    checked = authenticate(request=request, email=user.email, password=current_password)
    if getattr(request, "axes_locked_out", False):
        raise _error("TOO_MANY_ATTEMPTS", "Too many failed attempts. Try again in 15 minutes.")
    if checked is None:
        raise _error(
            "INVALID_CREDENTIALS", "The current password is not right.", "current_password"
        )
    axes_reset(username=user.email)
    _password_set(user=user, new_password=new_password, keep=token)


# --- Team ------------------------------------------------------------------------------------


def _lock_team(*, spa: Spa, actor: Membership) -> dict[int, Membership]:
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
        raise _error("ROLE_NOT_ALLOWED", "Your role no longer allows this.")
    actor.role, actor.is_active = current.role, current.is_active
    return team


def _check_may_assign(*, actor: Membership, role: str) -> None:
    if role not in Role.values:
        raise _error("ROLE_INVALID", "Unknown role.", "role")
    if role not in ASSIGNABLE_ROLES.get(actor.role, frozenset()):
        raise _error("ROLE_NOT_ALLOWED", "You cannot give that role.", "role")


def _member_for_change(*, spa: Spa, actor: Membership, membership_id: int) -> Membership:
    """The member to change, with the whole team locked (for the last-owner rule)."""
    member = _lock_team(spa=spa, actor=actor).get(membership_id)
    if member is None:
        raise _error("NOT_FOUND", "No such member.", "id")
    if member.role == Role.OWNER and actor.role != Role.OWNER:
        raise _error("ROLE_NOT_ALLOWED", "Only an owner can change an owner.", "id")
    return member


def _check_keeps_an_owner(*, spa: Spa, member: Membership) -> None:
    if member.role != Role.OWNER or not member.is_active:
        return
    others = Membership.objects.filter(spa=spa, role=Role.OWNER, is_active=True).exclude(
        pk=member.pk
    )
    if not others.exists():
        raise _error("LAST_OWNER", "A spa must keep at least one active owner.", "id")


def member_change_role(*, spa: Spa, actor: Membership, membership_id: int, role: str) -> Membership:
    with transaction.atomic():
        member = _member_for_change(spa=spa, actor=actor, membership_id=membership_id)
        _check_may_assign(actor=actor, role=role)
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
