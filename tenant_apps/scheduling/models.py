"""The calendar: appointments (their services, the rooms and devices they hold,
their history) and the links patients manage online bookings with.

Where appointments happen (locations, opening hours, rooms and devices) is the
`locations` app; who performs them is `staff`.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from tenant_apps.locations.models import Location, Resource
from tenant_apps.locations.weekly import id_range


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
