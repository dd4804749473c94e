"""Reads for accounts, always for one spa."""

from django.db.models import F, QuerySet
from django.utils import timezone

from shared_apps.accounts.models import ApiToken, Invitation, Membership
from tenants.models import Spa


def member_list(*, spa: Spa, include_inactive: bool = False) -> QuerySet[Membership]:
    """The team with each person's account, by name then email (annotated as
    `person_name` and `person_email` for keyset pagination)."""
    members = (
        Membership.objects.filter(spa=spa)
        .select_related("user")
        .annotate(person_name=F("user__name"), person_email=F("user__email"))
    )
    if not include_inactive:
        members = members.filter(is_active=True)
    return members.order_by("person_name", "person_email", "pk")


def member_get(*, spa: Spa, membership_id: int | None) -> Membership | None:
    if membership_id is None:
        return None
    return Membership.objects.filter(spa=spa, pk=membership_id).select_related("user").first()


def invitation_list_pending(*, spa: Spa) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        spa=spa, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-pk")


def invitation_get(*, spa: Spa, invitation_id: int | None) -> Invitation | None:
    """One of the spa's pending invitations, or None."""
    if invitation_id is None:
        return None
    return invitation_list_pending(spa=spa).filter(pk=invitation_id).first()


def impersonation_list_active(*, spa: Spa) -> QuerySet[ApiToken]:
    """The spa's live console impersonations (not revoked, not expired), soonest
    to expire first, with the member and the staff member: one query."""
    return (
        ApiToken.objects.filter(
            membership__spa=spa,
            impersonated_by__isnull=False,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("membership__user", "impersonated_by")
        .order_by("expires_at", "pk")
    )


def impersonation_get(*, token_id: int) -> ApiToken | None:
    """One console impersonation (live or not) with its spa, member and staff
    member, or None (an ordinary sign-in token is not one)."""
    return (
        ApiToken.objects.filter(pk=token_id, impersonated_by__isnull=False)
        .select_related("membership__user", "membership__spa", "impersonated_by")
        .first()
    )
