"""Managing staff: owners and managers keep profiles, credentials, working hours
and time off. Profiles come from memberships (a provider joining the team gets
one); nothing here creates or deletes them: `isActive: false` keeps the record.

Updates change only the input fields given; a field given as null is left as it is.
"""

import graphene

from core.graphql.arguments import given_fields
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MANAGERS
from tenant_apps.locations.graphql.types import WEEKDAY_DESCRIPTION
from tenant_apps.locations.weekly import WeeklyInterval
from tenant_apps.staff import services
from tenant_apps.staff.errors import StaffErrorCode
from tenant_apps.staff.graphql.types import (
    CredentialEnum,
    StaffCredentialNode,
    StaffError,
    StaffMemberNode,
    TimeOffKindEnum,
    TimeOffNode,
)


class StaffMutation(SpaMutation):
    class Meta:
        abstract = True

    error_codes = frozenset(StaffErrorCode)
    errors = graphene.List(
        graphene.NonNull(StaffError),
        required=True,
        description="Why nothing was changed; empty on success.",
    )


# Inputs


class UpdateStaffMemberInput(graphene.InputObjectType):
    """The fields of a staff profile to change."""

    display_name = graphene.String(description="As clients and the team see it.")
    is_provider = graphene.Boolean(description="Performs treatments and can be booked.")
    is_active = graphene.Boolean(description="False keeps the record but stops bookings.")


class StaffCredentialInput(graphene.InputObjectType):
    """A licence, replacing any of the same credential on record."""

    kind = CredentialEnum(required=True, description="What the licence is for.")
    licence_number = graphene.String(required=True, description="As issued.")
    issuing_region = graphene.String(required=True, description="State or region, e.g. CA.")
    expires_on = graphene.Date(required=True, description="Today or later.")


class WorkingHoursInput(graphene.InputObjectType):
    """One weekly working interval, in the location's local wall time."""

    weekday = graphene.Int(required=True, description=WEEKDAY_DESCRIPTION)
    starts_at = graphene.Time(required=True, description="Local wall time, e.g. 09:00:00.")
    ends_at = graphene.Time(required=True, description="Local wall time, after `startsAt`.")


class TimeOffInput(graphene.InputObjectType):
    """A span when the staff member cannot be booked."""

    kind = TimeOffKindEnum(
        default_value=TimeOffKindEnum.TIME_OFF, description="Leave, or blocked time."
    )
    starts_at = graphene.DateTime(required=True, description="With its UTC offset.")
    ends_at = graphene.DateTime(required=True, description="With its UTC offset; after the start.")
    reason = graphene.String(
        default_value="", description="A short label for the team (never patient details)."
    )


# Mutations


class UpdateStaffMember(StaffMutation):
    """Rename a staff member, mark them a provider or not, or deactivate them."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The StaffMember.")
        input = UpdateStaffMemberInput(required=True, description="The fields to change.")

    staff_member = graphene.Field(StaffMemberNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        staff = services.staff_profile_update(
            staff_id=pk_from_global_id(id, "StaffMember"), **given_fields(input)
        )
        return cls(staff_member=staff)


class SetCredential(StaffMutation):
    """Record a staff member's licence (replacing the one of the same credential)."""

    permission = MANAGERS

    class Arguments:
        staff_member_id = graphene.ID(required=True, description="The StaffMember.")
        input = StaffCredentialInput(required=True, description="The licence.")

    credential = graphene.Field(StaffCredentialNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, staff_member_id, input):
        credential = services.credential_set(
            staff_id=pk_from_global_id(staff_member_id, "StaffMember"), **given_fields(input)
        )
        return cls(credential=credential)


class RemoveCredential(StaffMutation):
    """Take a licence off a staff member's record."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The StaffCredential.")

    staff_member = graphene.Field(StaffMemberNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id):
        staff = services.credential_remove(credential_id=pk_from_global_id(id, "StaffCredential"))
        return cls(staff_member=staff)


class SetWorkingHours(StaffMutation):
    """Replace the week a staff member works at one location. Their hours at other
    locations stay; none may overlap. An empty list clears the week there."""

    permission = MANAGERS

    class Arguments:
        staff_member_id = graphene.ID(required=True, description="The StaffMember.")
        location_id = graphene.ID(required=True, description="The Location.")
        hours = graphene.List(
            graphene.NonNull(WorkingHoursInput),
            required=True,
            description="The whole week at this location.",
        )

    staff_member = graphene.Field(StaffMemberNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, staff_member_id, location_id, hours):
        staff = services.working_hours_set(
            staff_id=pk_from_global_id(staff_member_id, "StaffMember"),
            location_id=pk_from_global_id(location_id, "Location"),
            hours=[WeeklyInterval(h.weekday, h.starts_at, h.ends_at) for h in hours],
        )
        return cls(staff_member=staff)


class AddTimeOff(StaffMutation):
    """Block a span in a staff member's calendar: time off, or blocked time."""

    permission = MANAGERS

    class Arguments:
        staff_member_id = graphene.ID(required=True, description="The StaffMember.")
        input = TimeOffInput(required=True, description="The span.")

    time_off = graphene.Field(TimeOffNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, staff_member_id, input):
        time_off = services.time_off_add(
            staff_id=pk_from_global_id(staff_member_id, "StaffMember"), **given_fields(input)
        )
        return cls(time_off=time_off)


class RemoveTimeOff(StaffMutation):
    """Cancel a span of time off or blocked time."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The TimeOff.")

    staff_member = graphene.Field(StaffMemberNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id):
        staff = services.time_off_remove(time_off_id=pk_from_global_id(id, "TimeOff"))
        return cls(staff_member=staff)


class StaffMutations(graphene.ObjectType):
    update_staff_member = UpdateStaffMember.Field()
    set_credential = SetCredential.Field()
    remove_credential = RemoveCredential.Field()
    set_working_hours = SetWorkingHours.Field()
    add_time_off = AddTimeOff.Field()
    remove_time_off = RemoveTimeOff.Field()
