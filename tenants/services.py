"""Writes to spas and domains: status changes and custom domains.

Provisioning is in tenants/provisioning.py. Every function here raises
`django.core.exceptions.ValidationError` with a stable code for bad input, and
forgets cached routes when it changes one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import field_error
from tenants.errors import TenancyErrorCode
from tenants.models import Domain, Spa, SpaStatus, SpaStatusChange
from tenants.routing import invalidate_routing
from tenants.validators import normalize_hostname, platform_hosts, validate_hostname

# The statuses a spa may move to from each status. Provisioning ends only through
# spa_provision (tenants/provisioning.py); closed is final (a closed spa comes
# back only by restore).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    SpaStatus.PROVISIONING: frozenset(),
    SpaStatus.TRIALING: frozenset(
        {SpaStatus.ACTIVE, SpaStatus.PAST_DUE, SpaStatus.SUSPENDED, SpaStatus.CLOSED}
    ),
    SpaStatus.ACTIVE: frozenset({SpaStatus.PAST_DUE, SpaStatus.SUSPENDED, SpaStatus.CLOSED}),
    SpaStatus.PAST_DUE: frozenset({SpaStatus.ACTIVE, SpaStatus.SUSPENDED, SpaStatus.CLOSED}),
    SpaStatus.SUSPENDED: frozenset(
        {SpaStatus.ACTIVE, SpaStatus.TRIALING, SpaStatus.PAST_DUE, SpaStatus.CLOSED}
    ),
    SpaStatus.CLOSED: frozenset(),
}
PROVISIONED_STATUSES = (SpaStatus.TRIALING, SpaStatus.ACTIVE)


def platform_subdomain(slug: str) -> str:
    return f"{slug}.{settings.ROOT_DOMAIN}"


# --- Lifecycle -------------------------------------------------------------------------------


def spa_set_status(*, spa: Spa, status: str, reason: str = "", cause: str = "console") -> Spa:
    """Move a spa to another status (suspend, reactivate, close, ...) if the move is allowed.

    Nothing is deleted by any status: a suspended spa is read-only, a closed one
    answers 410 and keeps its schema until it is exported and dropped. The change
    is recorded (`SpaStatusChange`) with its `cause`: `console` for a person at
    the console or the `spa` command, `stripe:<event id>` or `billing:<rule>` for
    billing (shared_apps/billing/dunning.py).
    """
    if status not in SpaStatus.values:
        raise field_error(TenancyErrorCode.STATUS_INVALID, "Unknown status.", "status")
    with transaction.atomic():
        locked = Spa.objects.select_for_update().get(pk=spa.pk)
        if locked.status == status:
            return locked
        if status not in ALLOWED_TRANSITIONS[locked.status]:
            raise field_error(
                TenancyErrorCode.STATUS_TRANSITION_INVALID,
                f"A {locked.get_status_display().lower()} spa cannot become {status}.",
                "status",
            )
        SpaStatusChange.objects.create(
            spa=locked,
            from_status=locked.status,
            to_status=status,
            cause=(cause or "console")[:120],
            reason=reason[:255],
        )
        locked.status = status
        locked.status_reason = reason[:255]
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        invalidate_routing()
    return locked


# --- Domains ---------------------------------------------------------------------------------


def domain_add(*, spa: Spa, domain: str, primary: bool = False, verified: bool = False) -> Domain:
    """Attach a custom domain to a spa. It routes once verified (`domain_verify`)."""
    host = _clean_custom_domain(domain, spa=spa)
    try:
        with transaction.atomic():
            created = Domain(
                tenant=spa,
                domain=host,
                is_primary=primary,
                verified_at=timezone.now() if verified else None,
            )
            created.save()
            invalidate_routing()
    except IntegrityError:
        raise field_error(
            TenancyErrorCode.DOMAIN_TAKEN, "That domain belongs to a spa already.", "domain"
        ) from None
    return created


def domain_verify(*, domain: Domain) -> Domain:
    """Mark a domain verified, once its DNS points at the platform (checked by the caller)."""
    with transaction.atomic():
        Domain.objects.filter(pk=domain.pk).update(verified_at=timezone.now())
        invalidate_routing()
    domain.refresh_from_db()
    return domain


def domain_move(*, domain: Domain, to_spa: Spa) -> Domain:
    """Give a custom domain to another spa; requests for it go there from now on."""
    if domain.domain == platform_subdomain(domain.tenant.slug):
        raise field_error(
            TenancyErrorCode.DOMAIN_RESERVED, "A spa's own subdomain cannot move.", "domain"
        )
    _clean_custom_domain(domain.domain, spa=to_spa)
    previous = domain.tenant
    with transaction.atomic():
        domain.tenant = to_spa
        domain.is_primary = False
        domain.save()
        _ensure_primary_domain(previous)
        invalidate_routing()
    return domain


def domain_remove(*, domain: Domain) -> None:
    if domain.domain == platform_subdomain(domain.tenant.slug):
        raise field_error(
            TenancyErrorCode.DOMAIN_RESERVED, "A spa's own subdomain cannot be removed.", "domain"
        )
    with transaction.atomic():
        domain.delete()
        _ensure_primary_domain(domain.tenant)
        invalidate_routing()


def _ensure_primary_domain(spa: Spa) -> None:
    """A spa without a primary domain gets its platform subdomain back as primary."""
    if not Domain.objects.filter(tenant=spa, is_primary=True).exists():
        Domain.objects.filter(domain=platform_subdomain(spa.slug)).update(is_primary=True)


def _clean_custom_domain(domain: str, *, spa: Spa) -> str:
    try:
        host = normalize_hostname(domain)
        validate_hostname(host)
    except ValidationError as exc:
        raise ValidationError({"domain": exc}) from None
    root = settings.ROOT_DOMAIN
    if host in platform_hosts() or (
        host.endswith(f".{root}") and host != platform_subdomain(spa.slug)
    ):
        raise ValidationError(
            {
                "domain": field_error(
                    TenancyErrorCode.DOMAIN_RESERVED,
                    "Addresses under the platform's domain are given by spa slugs.",
                )
            }
        )
    return host
