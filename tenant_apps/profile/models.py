"""What a spa tells its patients about itself. One row per spa schema."""

from django.db import models
from django.db.models import Q

# Limits of the booking policy: a week's notice, two years ahead, a week's window.
MAX_NOTICE_MINUTES = 7 * 24 * 60
MAX_HORIZON_DAYS = 730
MAX_CANCELLATION_WINDOW_HOURS = 7 * 24
# Divisors of an hour, so offered times read naturally (:00, :15, :30, :45).
SLOT_GRANULARITIES = (5, 10, 15, 20, 30, 60)


class SpaProfile(models.Model):
    """The spa's public face: contact details and booking policy.

    Lives in the spa's schema (the spa edits it; it travels with a schema export).
    Exactly one row, created by migration 0002 (so template clones carry it).
    """

    SINGLETON_ID = 1

    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(
        max_length=20, blank=True, help_text="E.164, e.g. +14155550123"
    )
    website = models.URLField(blank=True)
    booking_policy = models.TextField(blank=True)
    brand_color = models.CharField(max_length=7, blank=True, help_text="#RRGGBB")
    # The rules of online booking (staff booking at the desk is not bound by them).
    online_booking_enabled = models.BooleanField(default=True)
    min_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="Online bookings start at least this long from now."
    )
    booking_horizon_days = models.PositiveIntegerField(
        default=60, help_text="Online bookings start at most this many days ahead."
    )
    cancellation_window_hours = models.PositiveIntegerField(
        default=24,
        help_text="Patients may cancel or reschedule online until this long before the start.",
    )
    slot_granularity_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Offered start times fall on multiples of this since midnight."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="spaprofile_singleton"),
            models.CheckConstraint(
                condition=Q(brand_color="") | Q(brand_color__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="spaprofile_brand_color_hex",
            ),
            models.CheckConstraint(
                condition=Q(min_notice_minutes__lte=MAX_NOTICE_MINUTES),
                name="spaprofile_min_notice_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    booking_horizon_days__gte=1, booking_horizon_days__lte=MAX_HORIZON_DAYS
                ),
                name="spaprofile_horizon_range",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_window_hours__lte=MAX_CANCELLATION_WINDOW_HOURS),
                name="spaprofile_cancellation_window_range",
            ),
            models.CheckConstraint(
                condition=Q(slot_granularity_minutes__in=SLOT_GRANULARITIES),
                name="spaprofile_slot_granularity_valid",
            ),
        ]

    def __str__(self) -> str:
        return "Spa profile"
