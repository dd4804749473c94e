"""Queries of the public booking API. Anyone may run them (no sign-in exists
here); each is rate limited per client address (tenant_apps/online_booking/throttling.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from graphql import GraphQLError

from core.graphql.mutations import errors_from
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import ANYONE, permission
from tenant_apps.online_booking import selectors
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.online_booking.graphql.types import (
    LOCATION_ID,
    PROVIDER_ID,
    SERVICE_ID,
    Availability,
    PublicAppointment,
    PublicLocation,
    PublicService,
    PublicSpa,
    PublicWaitlistOffer,
)
from tenant_apps.online_booking.services.booking import online_actor
from tenant_apps.online_booking.services.links import manage_token_view
from tenant_apps.online_booking.services.waitlist import online_waitlist_offer

_CODES = frozenset(BookingErrorCode)


def refusal(exc: ValidationError) -> GraphQLError:
    """A service's refusal as a query's error: its first `{field, code, message}`,
    the code and field in `extensions`."""
    first = errors_from(exc, _CODES)[0]
    return GraphQLError(
        first["message"], extensions={"code": first["code"], "field": first["field"]}
    )


class BookingQueries(graphene.ObjectType):
    spa = graphene.Field(PublicSpa, required=True, description="The spa and its booking policy.")
    locations = graphene.List(
        graphene.NonNull(PublicLocation), required=True, description="Open locations, by name."
    )
    services = graphene.List(
        graphene.NonNull(PublicService),
        required=True,
        description="The online menu: services bookable online, in menu order.",
    )
    availability = graphene.Field(
        Availability,
        required=True,
        location_id=graphene.ID(required=True),
        service_ids=graphene.List(
            graphene.NonNull(graphene.ID),
            required=True,
            description="1 to 5 services, performed back to back in this order.",
        ),
        from_=graphene.Date(
            required=True, name="from", description="First day, in the location's timezone."
        ),
        to=graphene.Date(
            required=True,
            description=f"Last day (at most {selectors.MAX_RANGE_DAYS} days from `from`).",
        ),
        provider_id=graphene.ID(description="Only this provider; null: any provider."),
        description="Free starts for the services at a location: only starts the spa offers "
        "online (its grid, notice and horizon), each with a provider free then. "
        "ONLINE_BOOKING_DISABLED when the spa does not book online.",
    )
    appointment = graphene.Field(
        PublicAppointment,
        required=True,
        token=graphene.String(required=True, description="The token of a manage link."),
        description="The booking a manage link manages (reading does not spend the link). "
        "TOKEN_INVALID for an unknown, used or expired token.",
    )
    waitlist_offer = graphene.Field(
        PublicWaitlistOffer,
        required=True,
        token=graphene.String(
            required=True, description="The token of a waitlist offer's link (after `#`)."
        ),
        description="The time a waitlist offer's link offers, and where the offer stands "
        "(reading it does not claim it). NOT_FOUND for an unknown token.",
    )

    @staticmethod
    @permission(ANYONE)
    def resolve_spa(root, info):
        spa = info.context.spa
        profile = selectors.online_profile(require_enabled=False)
        return SimpleNamespace(
            name=spa.name,
            timezone=spa.timezone,
            contact_email=profile.contact_email,
            contact_phone=profile.contact_phone,
            website=profile.website,
            booking_policy=profile.booking_policy,
            brand_color=profile.brand_color,
            online_booking_enabled=profile.online_booking_enabled,
            min_notice_minutes=profile.min_notice_minutes,
            booking_horizon_days=profile.booking_horizon_days,
            cancellation_window_hours=profile.cancellation_window_hours,
            slot_granularity_minutes=profile.slot_granularity_minutes,
        )

    @staticmethod
    @permission(ANYONE)
    def resolve_locations(root, info):
        return selectors.open_location_list()

    @staticmethod
    @permission(ANYONE)
    def resolve_services(root, info):
        return selectors.bookable_service_list()

    @staticmethod
    @permission(ANYONE)
    def resolve_availability(
        root: Any,
        info: Any,
        location_id: str,
        service_ids: list[str],
        from_: Any,
        to: Any,
        provider_id: str | None = None,
    ) -> selectors.Availability:
        try:
            return selectors.free_slot_list(
                location_id=pk_from_global_id(location_id, LOCATION_ID),
                service_ids=[pk_from_global_id(pk, SERVICE_ID) for pk in service_ids],
                first_day=from_,
                last_day=to,
                provider_id=(
                    selectors.ANY_PROVIDER
                    if provider_id is None
                    else pk_from_global_id(provider_id, PROVIDER_ID)
                ),
            )
        except ValidationError as exc:
            raise refusal(exc) from None

    @staticmethod
    @permission(ANYONE)
    def resolve_appointment(root, info, token):
        try:
            return manage_token_view(actor=online_actor(info.context), secret=token)
        except ValidationError as exc:
            raise refusal(exc) from None

    @staticmethod
    @permission(ANYONE)
    def resolve_waitlist_offer(root, info, token):
        try:
            return online_waitlist_offer(actor=online_actor(info.context), secret=token)
        except ValidationError as exc:
            raise refusal(exc) from None
