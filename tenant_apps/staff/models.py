"""The people who work in the spa: staff profiles, credentials, working hours, time off."""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from tenant_apps.locations.models import Location, Weekday
from tenant_apps.locations.weekly import id_range, weekly_range


class CredentialKind(models.TextChoices):
    """Professional credentials a provider holds and a service may require."""

    RN = "RN", "Registered nurse"
    NP = "NP", "Nurse practitioner"
    PA = "PA", "Physician assistant"
    MD = "MD", "Physician"
    AESTHETICIAN = "AESTHETICIAN", "Licensed aesthetician"


class StaffProfile(models.Model):
    """Someone who works in the spa, as the spa's own records know them.

    `user_id` is the public schema's user id, a plain integer: a spa schema holds
    no foreign key out of itself (docs/ARCHITECTURE.md section 2), so services check it.
    """

    user_id = models.BigIntegerField(unique=True)
    display_name = models.CharField(max_length=120)
    is_provider = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(display_name=""), name="staffprofile_display_name_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(user_id__gt=0), name="staffprofile_user_id_positive"
            ),
        ]
        indexes = [models.Index(fields=["display_name", "id"], name="staffprofile_by_name")]

    def __str__(self) -> str:
        return self.display_name


class Credential(models.Model):
    """A licence a staff member holds: one per kind."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=16, choices=CredentialKind.choices)
    licence_number = models.CharField(max_length=64)
    issuing_region = models.CharField(max_length=100, help_text="State or region, e.g. CA")
    expires_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "kind"], name="credential_one_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=CredentialKind.values), name="credential_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(licence_number=""), name="credential_licence_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(issuing_region=""), name="credential_region_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.licence_number}"


class WorkingHours(models.Model):
    """One interval a staff member works at a location every week, in the
    location's local wall time. Nobody works two places at once: a person's
    intervals never overlap, whatever the location."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="workinghours_weekday_iso"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="workinghours_starts_before_end"
            ),
            ExclusionConstraint(
                name="workinghours_no_overlap",
                expressions=[
                    (id_range("staff_id"), RangeOperators.OVERLAPS),
                    (weekly_range("weekday", "starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        indexes = [models.Index(fields=["location", "staff"], name="workinghours_by_location")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class TimeOffKind(models.TextChoices):
    TIME_OFF = "time_off", "Time off"
    BLOCKED = "blocked", "Blocked"


class TimeOff(models.Model):
    """A span when a staff member cannot be booked: leave, or time blocked for
    training or admin. The reason is a short label for the team, never PHI."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="time_off")
    kind = models.CharField(max_length=8, choices=TimeOffKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="timeoff_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TimeOffKind.values), name="timeoff_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["staff", "ends_at"], name="timeoff_by_staff_end")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"
