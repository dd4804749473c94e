"""Reads for accounts, always for one spa."""

from django.db.models import QuerySet
from django.utils import timezone

from shared_apps.accounts.models import Invitation, Membership
from tenants.models import Spa


def member_list(*, spa: Spa, include_inactive: bool = False) -> QuerySet[Membership]:
    members = Membership.objects.filter(spa=spa).select_related("user")
    if not include_inactive:
        members = members.filter(is_active=True)
    return members.order_by("user__name", "user__email", "pk")


def invitation_list_pending(*, spa: Spa) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        spa=spa, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
