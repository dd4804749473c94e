"""Where the spa works: locations with their opening hours, and the kinds of room
or device a service can need (the rooms and devices themselves come with the
calendar).

Locations live here, not in an app of their own: every scheduling rule (opening
hours, the location's timezone, which rooms it has) reads them, and nothing
outside scheduling needs more than a foreign key to them.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Lower

from tenant_apps.scheduling.weekly import id_range, weekly_range


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


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# The statuses that hold their time: cancelled and no-show appointments free it.
HOLDING_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.COMPLETED,
)

FREEING_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)

# Where each status may go next. Completed, cancelled and no-show are final; a
# checked-in client who leaves untreated is cancelled with a reason.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.BOOKED: frozenset(
        {
            AppointmentStatus.CONFIRMED,
            AppointmentStatus.CHECKED_IN,
            AppointmentStatus.CANCELLED,
            AppointmentStatus.NO_SHOW,
        }
    ),
    AppointmentStatus.CONFIRMED: frozenset(
        {AppointmentStatus.CHECKED_IN, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}
    ),
    AppointmentStatus.CHECKED_IN: frozenset(
        {AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED}
    ),
    AppointmentStatus.COMPLETED: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
    AppointmentStatus.NO_SHOW: frozenset(),
}

# Statuses from which the time and the provider may still change.
RESCHEDULABLE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)


class AppointmentSource(models.TextChoices):
    STAFF = "staff", "Booked by staff"
    ONLINE = "online", "Booked online"


def _blocked_span(start: str, end: str) -> Func:
    return Func(F(start), F(end), function="tstzrange")


class Appointment(models.Model):
    """A client's visit: one provider performs one or more services back to back.

    `starts_at`/`ends_at` are what the client sees; `blocked_from`/`blocked_until`
    add the first service's preparation and the last one's clean-up, and are the
    provider's busy span. The exclusion constraint makes double booking a
    provider impossible whatever the application does: two overlapping spans of
    one provider cannot both hold their time (`int8range(id, id, '[]') &&` acts
    as equality without btree_gist).
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="appointments"
    )
    provider = models.ForeignKey(
        "staff.StaffProfile", on_delete=models.PROTECT, related_name="appointments"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    source = models.CharField(max_length=8, choices=AppointmentSource.choices)
    # True while the status holds the time (HOLDING_STATUSES); a constraint keeps it so.
    holds_time = models.BooleanField(default=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    notes = models.TextField(blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The public user id of whoever booked it (null: booked online or by the system).
    booked_by_user_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            ExclusionConstraint(
                name="appointment_provider_no_overlap",
                expressions=[
                    (id_range("provider_id"), RangeOperators.OVERLAPS),
                    (_blocked_span("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                ],
                # On a boolean, not `status IN (...)`: PostgreSQL deparses an IN list
                # over varchar in a form that reads back differently, so a template
                # clone's index predicate would not match a migrated one's.
                condition=Q(holds_time=True),
            ),
            models.CheckConstraint(
                condition=Q(holds_time=True, status__in=HOLDING_STATUSES)
                | Q(holds_time=False, status__in=FREEING_STATUSES),
                name="appointment_holds_time_follows_status",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_at"), blocked_until__gte=F("ends_at")),
                name="appointment_blocked_span_covers",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values),
                name="appointment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=AppointmentSource.values),
                name="appointment_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=AppointmentStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=AppointmentStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="appointment_cancelled_at_iff_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["location", "starts_at"], name="appointment_by_location"),
            models.Index(fields=["provider", "starts_at"], name="appointment_by_provider"),
            models.Index(fields=["client", "starts_at"], name="appointment_by_client"),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk} at {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentService(models.Model):
    """One service of an appointment, at its own time within the sequence. The
    price and duration are copied at booking: later catalog changes do not
    rewrite what the client was quoted."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="appointment_lines"
    )
    position = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    price_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["appointment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "position"], name="appointmentservice_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointmentservice_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.starts_at:%H:%M}"


class ResourceBooking(models.Model):
    """A room or device held by an appointment, from the preparation of the first
    service that uses it to the clean-up of the last. `holds_time` mirrors the
    appointment's status (a constraint cannot look into another table); the
    services keep the two in step in one transaction."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="resource_bookings"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    holds_time = models.BooleanField(default=True)

    class Meta:
        ordering = ["appointment", "resource"]
        constraints = [
            ExclusionConstraint(
                name="resourcebooking_no_overlap",
                expressions=[
                    (id_range("resource_id"), RangeOperators.OVERLAPS),
                    (_blocked_span("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                ],
                condition=Q(holds_time=True),
            ),
            models.UniqueConstraint(
                fields=["appointment", "resource"], name="resourcebooking_once_per_appointment"
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gt=F("blocked_from")),
                name="resourcebooking_starts_before_end",
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "blocked_until"], name="resourcebooking_by_resource")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} for appointment {self.appointment_id}"


class AppointmentEventKind(models.TextChoices):
    BOOKED = "booked", "Booked"
    RESCHEDULED = "rescheduled", "Rescheduled"
    STATUS_CHANGED = "status_changed", "Status changed"
    NOTES_CHANGED = "notes_changed", "Notes changed"


class AppointmentEvent(models.Model):
    """The history of an appointment: who booked it, every move (with the time,
    provider and rooms it had before) and every status change."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=16, choices=AppointmentEventKind.choices)
    occurred_at = models.DateTimeField(auto_now_add=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_role = models.CharField(max_length=32)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    # Before a move: starts_at, ends_at, provider_id, location_id, resource_ids.
    previous = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["appointment", "occurred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AppointmentEventKind.values),
                name="appointmentevent_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"


class ManageToken(models.Model):
    """A single-use link a patient gets by email to cancel or reschedule an
    online booking. Only the SHA-256 of the token is stored; using it marks it
    used, and a reschedule sends a fresh one."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="manage_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # The address typed on the booking form, where this link went: a reschedule
    # sends the next link there too (not to the client record's address, which
    # the person booking may not know and must not learn).
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="managetoken_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Manage token for appointment {self.appointment_id}"
