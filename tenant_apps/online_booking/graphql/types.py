"""The public booking API's types: what a patient may see, and nothing else.

These are their own small types, not the spa API's: no client, no notes, no
busy time, no staff fields beyond a provider's display name. IDs are opaque
and bound to the spa (core/graphql/relay.py): one minted on another spa's
host is NOT_FOUND here.
"""

from __future__ import annotations

import datetime as dt

import graphene

from core.graphql.mutations import error_type
from core.graphql.relay import to_global_id
from tenant_apps.messaging.models import OfferStatus
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.online_booking.selectors import booking_reference
from tenant_apps.online_booking.services.links import changeable_until
from tenant_apps.scheduling.models import AppointmentStatus
from tenant_apps.scheduling.selectors.availability import booking_policy

BookingErrorCodeEnum, BookingError = error_type("Booking", BookingErrorCode)

# Type names the IDs carry.
LOCATION_ID, SERVICE_ID, PROVIDER_ID, CATEGORY_ID = "Location", "Service", "Provider", "Category"

AppointmentStatusEnum = graphene.Enum(
    "AppointmentStatus",
    [(value.upper(), value) for value in AppointmentStatus.values],
    description="Where the appointment is: booked, confirmed by the spa, checked in, "
    "completed, cancelled, or missed.",
)


class PublicSpa(graphene.ObjectType):
    """The spa whose booking page this is, and its online booking policy."""

    class Meta:
        name = "Spa"

    name = graphene.String(required=True)
    timezone = graphene.String(required=True, description="IANA timezone of the spa.")
    contact_email = graphene.String(required=True, description="May be empty.")
    contact_phone = graphene.String(required=True, description="E.164, or empty.")
    website = graphene.String(required=True, description="May be empty.")
    booking_policy = graphene.String(
        required=True, description="The spa's policy in its own words; may be empty."
    )
    brand_color = graphene.String(required=True, description="#RRGGBB, or empty.")
    online_booking_enabled = graphene.Boolean(
        required=True, description="False: availability and book answer ONLINE_BOOKING_DISABLED."
    )
    min_notice_minutes = graphene.Int(
        required=True, description="Bookings start at least this long from now."
    )
    booking_horizon_days = graphene.Int(
        required=True, description="Bookings start at most this many days ahead."
    )
    cancellation_window_hours = graphene.Int(
        required=True,
        description="A booking may be cancelled or moved online until this long before it starts.",
    )
    slot_granularity_minutes = graphene.Int(
        required=True, description="Offered starts fall on multiples of this past the hour."
    )


class PublicLocation(graphene.ObjectType):
    """An open location of the spa."""

    class Meta:
        name = "Location"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    address_line1 = graphene.String(required=True, description="May be empty.")
    address_line2 = graphene.String(required=True, description="May be empty.")
    city = graphene.String(required=True, description="May be empty.")
    region = graphene.String(required=True, description="State, province or county; may be empty.")
    postal_code = graphene.String(required=True, description="May be empty.")
    country = graphene.String(required=True, description="ISO 3166-1 alpha-2 code, e.g. US.")
    timezone = graphene.String(
        required=True, description="IANA name: `availability` takes dates in it."
    )
    phone = graphene.String(required=True, description="E.164, or empty.")

    @staticmethod
    def resolve_id(root, info):
        return to_global_id(LOCATION_ID, root.pk)


class PublicServiceCategory(graphene.ObjectType):
    """A heading of the menu."""

    class Meta:
        name = "ServiceCategory"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True, description="May be empty.")

    @staticmethod
    def resolve_id(root, info):
        return to_global_id(CATEGORY_ID, root.pk)


class PublicService(graphene.ObjectType):
    """A treatment on the online menu."""

    class Meta:
        name = "Service"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True, description="May be empty.")
    category = graphene.Field(PublicServiceCategory, required=True)
    duration_minutes = graphene.Int(required=True, description="Time with the client.")
    price_cents = graphene.Int(required=True, description="The price in the currency's cents.")
    currency = graphene.String(required=True, description="ISO 4217 code, e.g. USD.")
    requires_forms = graphene.Boolean(
        required=True,
        description="True: it needs medical forms, so booking it asks for `dateOfBirth` "
        "(the forms link emailed after booking asks for it).",
    )

    @staticmethod
    def resolve_id(root, info):
        return to_global_id(SERVICE_ID, root.pk)

    @staticmethod
    def resolve_requires_forms(root, info):
        # Annotated by the menu's one query (selectors.bookable_service_list).
        return bool(root.requires_forms)


class PublicProvider(graphene.ObjectType):
    """Who performs the services."""

    class Meta:
        name = "Provider"

    id = graphene.ID(required=True, description="Pass as `providerId` to book this provider.")
    display_name = graphene.String(required=True)

    @staticmethod
    def resolve_id(root, info):
        return to_global_id(PROVIDER_ID, root.pk)


class Slot(graphene.ObjectType):
    """A start that can be booked, with a provider free then."""

    starts_at = graphene.DateTime(required=True, description="Pass as `startsAt` to book it.")
    ends_at = graphene.DateTime(required=True, description="When the last service ends.")
    provider = graphene.Field(PublicProvider, required=True)


class Availability(graphene.ObjectType):
    slots = graphene.List(
        graphene.NonNull(Slot), required=True, description="By start, then provider."
    )
    truncated = graphene.Boolean(
        required=True, description="True: there were more; ask again for fewer days."
    )


class BookedService(graphene.ObjectType):
    """One service of a booking, at its time in the sequence."""

    service_id = graphene.ID(
        required=True,
        description="The service: with `serviceIds` in this order, `availability` finds "
        "the times the booking may move to.",
    )
    name = graphene.String(required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    price_cents = graphene.Int(required=True, description="As quoted when booked.")
    currency = graphene.String(required=True)

    @staticmethod
    def resolve_service_id(root, info):
        return to_global_id(SERVICE_ID, root.service_id)

    @staticmethod
    def resolve_name(root, info):
        return root.service.name


class PublicAppointment(graphene.ObjectType):
    """A booking as its patient sees it. Nothing about the client record."""

    class Meta:
        name = "Appointment"

    reference = graphene.String(required=True, description="A code to quote to the spa.")
    status = graphene.Field(AppointmentStatusEnum, required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    location = graphene.Field(PublicLocation, required=True)
    provider = graphene.Field(PublicProvider, required=True)
    services = graphene.List(graphene.NonNull(BookedService), required=True)
    changeable_until = graphene.DateTime(
        required=True,
        description="Until then it may be cancelled or moved online (the cancellation window).",
    )

    @staticmethod
    def resolve_reference(root, info):
        return booking_reference(root.pk)

    @staticmethod
    def resolve_status(root, info):
        return AppointmentStatus(root.status).value

    @staticmethod
    def resolve_services(root, info):
        return root.lines.select_related("service").order_by("position")

    @staticmethod
    def resolve_changeable_until(root, info):
        return changeable_until(root, profile=booking_policy())


WaitlistOfferStatusEnum = graphene.Enum(
    "WaitlistOfferStatus",
    [
        ("OPEN", "open"),
        ("CLAIMED", "claimed"),
        ("EXPIRED", "expired"),
        ("TAKEN", "taken"),
        ("WITHDRAWN", "withdrawn"),
    ],
    description="OPEN: it may be claimed until `expiresAt`; CLAIMED: booked with this "
    "link; EXPIRED: the hold ended; TAKEN: someone else claimed the time first; "
    "WITHDRAWN: it no longer fits the waitlist entry.",
)


class PublicWaitlistOffer(graphene.ObjectType):
    """A freed time offered from the waitlist, as its claim link shows it.
    Nothing about the client record."""

    class Meta:
        name = "WaitlistOffer"

    status = graphene.Field(WaitlistOfferStatusEnum, required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True, description="When the service ends.")
    expires_at = graphene.DateTime(required=True, description="Until then it may be claimed.")
    service_name = graphene.String(required=True)
    location = graphene.Field(PublicLocation, required=True)
    provider = graphene.Field(PublicProvider, required=True)

    @staticmethod
    def resolve_status(root, info):
        return OfferStatus(root.shown_status).value

    @staticmethod
    def resolve_ends_at(root, info):
        return root.starts_at + dt.timedelta(minutes=root.entry.service.duration_minutes)

    @staticmethod
    def resolve_service_name(root, info):
        return root.entry.service.name

    @staticmethod
    def resolve_location(root, info):
        return root.entry.location
