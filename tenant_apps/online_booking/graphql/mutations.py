"""Mutations of the public booking API: book, and cancel or move a booking with
its manage link. Anyone may run them; each answers `errors: [{field, code,
message}]` (BookingErrorCode) and the booking, never anything about the client
record. Rate limited per client address (tenant_apps/online_booking/throttling.py), and booking
also per email address typed."""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from django_ratelimit.core import is_ratelimited

from core.errors import field_error
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import ANYONE
from tenant_apps.online_booking import selectors
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.online_booking.graphql.types import (
    LOCATION_ID,
    PROVIDER_ID,
    SERVICE_ID,
    BookingError,
    PublicAppointment,
)
from tenant_apps.online_booking.services.booking import online_actor, online_book
from tenant_apps.online_booking.services.changes import online_cancel, online_reschedule
from tenant_apps.online_booking.services.waitlist import online_waitlist_claim, online_waitlist_join


class BookInput(graphene.InputObjectType):
    location_id = graphene.ID(required=True)
    service_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="1 to 5 services, performed back to back in this order.",
    )
    starts_at = graphene.DateTime(
        required=True, description="A start `availability` offered, with its UTC offset."
    )
    provider_id = graphene.ID(description="A provider `availability` offered; null: any free one.")
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    email = graphene.String(required=True, description="Where the confirmation and link go.")
    phone = graphene.String(
        required=True, description="With a country code, or national for the location's country."
    )
    notes = graphene.String(description="For the spa (what you would like, questions).")
    date_of_birth = graphene.Date(
        description="Required when a chosen service `requiresForms` (DATE_OF_BIRTH_REQUIRED): "
        "the forms link asks for it. Not in the future, at most 120 years ago. Kept for a new "
        "client, filled for a known one without one, never replacing one on file; the answer "
        "is the same either way."
    )


class BookingMutation(SpaMutation):
    class Meta:
        abstract = True

    permission = ANYONE
    error_codes = frozenset(BookingErrorCode)
    errors = graphene.List(graphene.NonNull(BookingError), required=True)
    appointment = graphene.Field(PublicAppointment)


def _too_many_bookings_for(request: Any, email: str) -> bool:
    """Bookings per email address typed (whoever's it is), so no inbox gets a
    flood of confirmations from many client addresses."""
    spa = getattr(request, "spa", None)
    address = (email or "").strip().lower()
    return bool(address) and is_ratelimited(
        request,
        group=f"booking:email:{spa.schema_name if spa is not None else 'public'}",
        key=lambda _group, _request: address,
        rate=settings.BOOKING_RATE_PER_EMAIL,
        increment=True,
    )


class Book(BookingMutation):
    """Book a start `availability` offered, for the person described. The answer
    (and the email to `email`, with the link to cancel or move it) is the same
    whether or not the spa already knows this person."""

    class Arguments:
        input = BookInput(required=True)

    @classmethod
    def perform(cls, root, info, membership, input):
        request = info.context
        if _too_many_bookings_for(request, input.email):
            raise field_error(
                BookingErrorCode.RATE_LIMITED,
                "Too many bookings with this email address. Try again later.",
                "email",
            )
        appointment = online_book(
            actor=online_actor(request),
            spa=request.spa,
            location_id=pk_from_global_id(input.location_id, LOCATION_ID),
            service_ids=[pk_from_global_id(pk, SERVICE_ID) for pk in input.service_ids],
            starts_at=input.starts_at,
            provider_id=(
                selectors.ANY_PROVIDER
                if input.provider_id is None
                else pk_from_global_id(input.provider_id, PROVIDER_ID)
            ),
            first_name=input.first_name,
            last_name=input.last_name,
            email=input.email,
            phone=input.phone,
            notes=input.notes or "",
            date_of_birth=input.date_of_birth,
        )
        return cls(appointment=appointment, errors=[])


class Cancel(BookingMutation):
    """Cancel the booking a manage link manages, until the cancellation window
    (OUTSIDE_CANCELLATION_WINDOW after). Spends the link."""

    class Arguments:
        token = graphene.String(required=True)
        reason = graphene.String(description="For the spa; optional.")

    @classmethod
    def perform(cls, root, info, membership, token, reason=None):
        appointment = online_cancel(
            actor=online_actor(info.context),
            spa=info.context.spa,
            token=token,
            reason=reason or "",
        )
        return cls(appointment=appointment, errors=[])


class Reschedule(BookingMutation):
    """Move the booking a manage link manages to another start `availability`
    offers with the same provider and services, until the cancellation window.
    Spends the link; a new one is emailed."""

    class Arguments:
        token = graphene.String(required=True)
        starts_at = graphene.DateTime(required=True)

    @classmethod
    def perform(cls, root, info, membership, token, starts_at):
        appointment = online_reschedule(
            actor=online_actor(info.context),
            spa=info.context.spa,
            token=token,
            starts_at=starts_at,
        )
        return cls(appointment=appointment, errors=[])


class WaitlistWindowInput(graphene.InputObjectType):
    weekdays = graphene.List(graphene.NonNull(graphene.Int), description="0: Monday; default all.")
    start = graphene.String(required=True, description="HH:MM, the location's time.")
    end = graphene.String(required=True, description="HH:MM.")


class JoinWaitlistInput(graphene.InputObjectType):
    location_id = graphene.ID(required=True)
    service_id = graphene.ID(required=True)
    provider_id = graphene.ID(description="Null: anyone who may perform it.")
    earliest = graphene.Date(required=True, description="The first day that would do.")
    latest = graphene.Date(required=True, description="The last day that would do.")
    windows = graphene.List(
        graphene.NonNull(WaitlistWindowInput), description="Times of the week; none: any time."
    )
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = graphene.String(required=True, description="Offers come by text to this number.")


class JoinWaitlist(BookingMutation):
    """Ask to be told when a time that fits frees up: the spa offers it by text
    (or email) with a link to claim it. The answer is the same whether or not the
    spa already knows this person."""

    class Arguments:
        input = JoinWaitlistInput(required=True)

    joined = graphene.Boolean(description="True once on the list; null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        request = info.context
        if _too_many_bookings_for(request, input.email):
            raise field_error(
                BookingErrorCode.RATE_LIMITED,
                "Too many requests with this email address. Try again later.",
                "email",
            )
        online_waitlist_join(
            actor=online_actor(request),
            location_id=pk_from_global_id(input.location_id, LOCATION_ID),
            service_id=pk_from_global_id(input.service_id, SERVICE_ID),
            provider_id=(
                pk_from_global_id(input.provider_id, PROVIDER_ID) if input.provider_id else None
            ),
            earliest=input.earliest,
            latest=input.latest,
            windows=[
                {"weekdays": w.weekdays or list(range(7)), "from": w.start, "to": w.end}
                for w in input.windows or []
            ],
            first_name=input.first_name,
            last_name=input.last_name,
            email=input.email,
            phone=input.phone,
        )
        return cls(joined=True, errors=[])


class ClaimWaitlistOffer(BookingMutation):
    """Book the time an offer's link names (the token is the part after `#`)."""

    class Arguments:
        token = graphene.String(required=True)

    @classmethod
    def perform(cls, root, info, membership, token):
        appointment = online_waitlist_claim(actor=online_actor(info.context), secret=token)
        return cls(appointment=appointment, errors=[])


class BookingMutations(graphene.ObjectType):
    book = Book.Field()
    cancel = Cancel.Field()
    reschedule = Reschedule.Field()
    join_waitlist = JoinWaitlist.Field()
    claim_waitlist_offer = ClaimWaitlistOffer.Field()
