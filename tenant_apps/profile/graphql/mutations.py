"""Changing the spa's profile: owners and managers."""

import graphene

from core.graphql.arguments import given_fields
from core.graphql.mutations import SpaMutation
from shared_apps.accounts.permissions import MANAGERS
from tenant_apps.profile import services
from tenant_apps.profile.errors import ProfileErrorCode
from tenant_apps.profile.graphql.types import (
    CANCELLATION_WINDOW,
    GRANULARITY,
    HORIZON,
    MIN_NOTICE,
    ONLINE_BOOKING_ENABLED,
    ProfileError,
    SpaProfileType,
)


class UpdateSpaProfileInput(graphene.InputObjectType):
    """The fields of the profile to change (an empty string clears a text field;
    null leaves a field as it is)."""

    contact_email = graphene.String(description="Where patients write to.")
    contact_phone = graphene.String(description="With its country code, e.g. +1 212 555 0142.")
    website = graphene.String(description="A full address, https://...")
    booking_policy = graphene.String(description="Shown to patients; up to 5,000 characters.")
    brand_color = graphene.String(description="#RRGGBB.")
    online_booking_enabled = graphene.Boolean(description=ONLINE_BOOKING_ENABLED)
    min_notice_minutes = graphene.Int(description=MIN_NOTICE)
    booking_horizon_days = graphene.Int(description=HORIZON)
    cancellation_window_hours = graphene.Int(description=CANCELLATION_WINDOW)
    slot_granularity_minutes = graphene.Int(description=GRANULARITY)


class UpdateSpaProfile(SpaMutation):
    """Change the spa's contact details and booking policy (only the fields given)."""

    permission = MANAGERS
    error_codes = frozenset(ProfileErrorCode)

    class Arguments:
        input = UpdateSpaProfileInput(required=True, description="The fields to change.")

    profile = graphene.Field(SpaProfileType, description="Null on errors.")
    errors = graphene.List(
        graphene.NonNull(ProfileError),
        required=True,
        description="Why nothing was changed; empty on success.",
    )

    @classmethod
    def perform(cls, root, info, membership, input):
        return cls(profile=services.profile_update(**given_fields(input)))


class ProfileMutations(graphene.ObjectType):
    update_spa_profile = UpdateSpaProfile.Field()
