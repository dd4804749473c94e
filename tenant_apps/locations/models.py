"""Where the spa works: its locations with their opening hours, and the rooms
and devices at each (resources), of the kinds services can need (resource types).

Staff work at locations (`staff.WorkingHours`) and the calendar books at them
(`scheduling.Appointment`, `scheduling.ResourceBooking`); this app needs neither.
The tables keep the names they had when scheduling held these models.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from tenant_apps.locations.weekly import id_range, weekly_range


class Location(models.Model):
    """A place where the spa sees clients."""

    name = models.CharField(max_length=120)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="State, province or county")
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166-1 alpha-2")
    timezone = models.CharField(max_length=64, help_text="IANA name, e.g. America/New_York")
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "scheduling_location"  # kept from when scheduling held it
        constraints = [
            models.UniqueConstraint(fields=["name"], name="location_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="location_name_not_empty"),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="location_country_iso"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, as `date.isoweekday()` gives them."""

    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7


class LocationHours(models.Model):
    """One opening interval of a location on a weekday, in the location's local time.
    A day may have several (closed over lunch); a day with none is closed."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        db_table = "scheduling_locationhours"  # kept from when scheduling held it
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="locationhours_weekday_iso"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="locationhours_opens_before_close"
            ),
            models.UniqueConstraint(
                fields=["location", "weekday", "opens_at"], name="locationhours_unique_start"
            ),
            ExclusionConstraint(
                name="locationhours_no_overlap",
                expressions=[
                    (id_range("location_id"), RangeOperators.OVERLAPS),
                    (weekly_range("weekday", "opens_at", "closes_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class ResourceKind(models.TextChoices):
    ROOM = "room", "Room"
    DEVICE = "device", "Device"


class ResourceType(models.Model):
    """A kind of room or device a service needs ("Treatment room", "CO2 laser")."""

    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=8, choices=ResourceKind.choices)

    class Meta:
        db_table = "scheduling_resourcetype"  # kept from when scheduling held it
        constraints = [
            models.UniqueConstraint(fields=["name"], name="resourcetype_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values), name="resourcetype_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="resourcetype_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A room or a device at a location ("Treatment room 2", "CO2 laser"), of a type
    services can require. Retired resources become inactive: appointments keep them."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="resources")
    resource_type = models.ForeignKey(
        ResourceType, on_delete=models.PROTECT, related_name="resources"
    )
    name = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "scheduling_resource"  # kept from when scheduling held it
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "location", Lower("name"), name="resource_name_unique_in_location_ci"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="resource_name_not_empty"),
        ]
        indexes = [models.Index(fields=["location", "resource_type"], name="resource_by_type")]

    def __str__(self) -> str:
        return self.name
