"""Console impersonation: platform staff opening a spa's API as one of its members.

Platform staff open a spa's API as one of its members, for support: a token of
that membership marked `impersonated_by`, with a reason, for at most an hour.
Both audit logs have it: the console's (written by the console view, in the
same transaction) and the spa's PHI log, where `imp_start` and `imp_end`
frame it and every read and write made with the token names the staff member
(tenant_apps.audit.services.impersonation_role). What such a token may not do
is refused before anything runs: shared_apps/accounts/graphql/impersonation.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from core.errors import field_error
from shared_apps.accounts.errors import ImpersonationErrorCode
from shared_apps.accounts.models import IMPERSONATION_MAX_MINUTES, ApiToken, Membership, User
from shared_apps.accounts.secrets import API_TOKEN_PREFIX, digest, new_secret
from shared_apps.accounts.services.tokens import IssuedToken, is_platform_staff
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record, impersonation_role
from tenants.models import SpaStatus


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
    if not is_platform_staff(staff_user):
        raise field_error(
            ImpersonationErrorCode.NOT_PLATFORM_STAFF,
            "Only platform staff can impersonate members.",
        )
    if not reason:
        raise field_error(
            ImpersonationErrorCode.REASON_REQUIRED,
            "Say why you need to impersonate this member.",
            "reason",
        )
    if len(reason) > 500:
        raise field_error(
            ImpersonationErrorCode.REASON_TOO_LONG,
            "Keep the reason under 500 characters.",
            "reason",
        )
    if not 1 <= minutes <= IMPERSONATION_MAX_MINUTES:
        raise field_error(
            ImpersonationErrorCode.DURATION_INVALID,
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
            raise field_error(
                ImpersonationErrorCode.MEMBER_INACTIVE, "This member is not active.", "membership"
            )
        if current.spa.status in (SpaStatus.PROVISIONING, SpaStatus.CLOSED):
            raise field_error(ImpersonationErrorCode.SPA_NOT_OPEN, "This spa's API is not open.")
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
            raise field_error(ImpersonationErrorCode.NOT_FOUND, "No such impersonation.")
        now = timezone.now()
        if current.revoked_at is not None or current.expires_at <= now:
            raise field_error(
                ImpersonationErrorCode.IMPERSONATION_ENDED, "This impersonation has already ended."
            )
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
