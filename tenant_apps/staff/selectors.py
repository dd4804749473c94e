"""Reads of staff profiles. Lists fetch the related rows a page shows with one
query per relation, whatever the page size."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from tenant_apps.staff.models import StaffProfile, TimeOff, WorkingHours

# The attribute a list's prefetch leaves the upcoming time off in.
UPCOMING_TIME_OFF = "upcoming_time_off"


def time_off_upcoming(*, staff: StaffProfile) -> QuerySet[TimeOff]:
    """A staff member's time off that has not ended yet, soonest first."""
    return TimeOff.objects.filter(staff=staff, ends_at__gt=timezone.now()).order_by("starts_at")


def staff_list(
    *,
    providers_only: bool = False,
    active: bool | None = None,
    location_id: int | None = None,
    with_credentials: bool = False,
    with_working_hours: bool = False,
    with_upcoming_time_off: bool = False,
) -> QuerySet[StaffProfile]:
    """Staff profiles: providers only, active or inactive ones, or those who work
    at a location, with the related rows asked for."""
    staff = StaffProfile.objects.all()
    if providers_only:
        staff = staff.filter(is_provider=True)
    if active is not None:
        staff = staff.filter(is_active=active)
    if location_id is not None:
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT under the keyset order.
        staff = staff.filter(
            Exists(WorkingHours.objects.filter(staff=OuterRef("pk"), location_id=location_id))
        )
    if with_credentials:
        staff = staff.prefetch_related("credentials")
    if with_working_hours:
        staff = staff.prefetch_related(
            Prefetch("working_hours", queryset=WorkingHours.objects.select_related("location"))
        )
    if with_upcoming_time_off:
        staff = staff.prefetch_related(
            Prefetch(
                "time_off",
                queryset=TimeOff.objects.filter(ends_at__gt=timezone.now()).order_by("starts_at"),
                to_attr=UPCOMING_TIME_OFF,
            )
        )
    return staff
