import graphene

from core.graphql.mutations import error_type
from tenant_apps.profile.errors import ProfileErrorCode
from tenant_apps.profile.models import (
    MAX_CANCELLATION_WINDOW_HOURS,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    SLOT_GRANULARITIES,
)

ProfileErrorCodeEnum, ProfileError = error_type("Profile", ProfileErrorCode)

ONLINE_BOOKING_ENABLED = "Clients may book themselves on the booking page."
MIN_NOTICE = (
    f"Online bookings start at least this many minutes from now (0 to {MAX_NOTICE_MINUTES})."
)
HORIZON = f"Online bookings start at most this many days ahead (1 to {MAX_HORIZON_DAYS})."
CANCELLATION_WINDOW = (
    "Clients may cancel or move an online booking until this many hours before it "
    f"starts (0 to {MAX_CANCELLATION_WINDOW_HOURS})."
)
GRANULARITY = (
    "Offered start times fall on multiples of this many minutes since midnight: "
    f"{', '.join(str(step) for step in SLOT_GRANULARITIES)}."
)


class SpaProfileType(graphene.ObjectType):
    """How patients reach the spa, and its booking policy."""

    class Meta:
        name = "SpaProfile"

    contact_email = graphene.String(required=True)
    contact_phone = graphene.String(required=True, description="E.164, or empty.")
    website = graphene.String(required=True)
    booking_policy = graphene.String(required=True)
    brand_color = graphene.String(required=True, description="#RRGGBB, or empty.")
    online_booking_enabled = graphene.Boolean(required=True, description=ONLINE_BOOKING_ENABLED)
    min_notice_minutes = graphene.Int(required=True, description=MIN_NOTICE)
    booking_horizon_days = graphene.Int(required=True, description=HORIZON)
    cancellation_window_hours = graphene.Int(required=True, description=CANCELLATION_WINDOW)
    slot_granularity_minutes = graphene.Int(required=True, description=GRANULARITY)
