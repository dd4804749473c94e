"""Staff members in the spa API: profiles, credentials, working hours, time off."""

from typing import ClassVar
from zoneinfo import ZoneInfo

import graphene
from django.db.models import Choices
from django.utils import timezone
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode
from tenant_apps.locations.graphql.types import WEEKDAY_DESCRIPTION, LocationNode
from tenant_apps.staff.errors import StaffErrorCode
from tenant_apps.staff.models import (
    Credential,
    CredentialKind,
    StaffProfile,
    TimeOff,
    TimeOffKind,
    WorkingHours,
)
from tenant_apps.staff.selectors import UPCOMING_TIME_OFF, time_off_upcoming

StaffErrorCodeEnum, StaffError = error_type("Staff", StaffErrorCode)


def _credential_description(value: Choices | None) -> str:
    if value is None:
        return "A professional credential a provider holds and a service may require."
    return str(value.label)


CredentialEnum = graphene.Enum.from_enum(
    CredentialKind, name="Credential", description=_credential_description
)


def _time_off_kind_description(value: TimeOffKind | None) -> str:
    if value is None:
        return "Leave (time off), or time blocked for training or admin."
    return {
        TimeOffKind.TIME_OFF: "Leave: holiday, sick day.",
        TimeOffKind.BLOCKED: "At work but not bookable: training, admin.",
    }[value]


TimeOffKindEnum = graphene.Enum.from_enum(TimeOffKind, description=_time_off_kind_description)


class StaffCredentialNode(DjangoObjectType):
    """A licence a staff member holds: one per credential."""

    class Meta:
        model = Credential
        name = "StaffCredential"
        interfaces = (SpaNode,)
        fields = ("licence_number", "issuing_region", "expires_on")

    kind = graphene.Field(CredentialEnum, required=True, description="What the licence is for.")
    licence_number = graphene.String(required=True, description="As issued.")
    issuing_region = graphene.String(
        required=True, description="The state or region that issued it, e.g. CA."
    )
    expires_on = graphene.Date(required=True, description="The last day it is valid.")
    is_expired = graphene.Boolean(
        required=True, description="True once `expiresOn` has passed in the spa's timezone."
    )

    @staticmethod
    def resolve_kind(root, info):
        return root.kind

    @staticmethod
    def resolve_is_expired(root, info):
        today = timezone.localdate(timezone=ZoneInfo(info.context.spa.timezone))
        return root.expires_on < today


class WorkingHoursNode(DjangoObjectType):
    """One interval a staff member works at a location every week, in the
    location's local wall time."""

    class Meta:
        model = WorkingHours
        name = "WorkingHours"
        interfaces = (SpaNode,)
        fields = ("location", "weekday", "starts_at", "ends_at")
        convert_choices_to_enum = False

    location = graphene.Field(LocationNode, required=True, description="Where.")
    weekday = graphene.Int(required=True, description=WEEKDAY_DESCRIPTION)
    starts_at = graphene.Time(required=True, description="Local wall time of the location.")
    ends_at = graphene.Time(required=True, description="Local wall time, after `startsAt`.")

    @staticmethod
    def resolve_location(root, info):
        # Lists load it with the hours (selectors.staff_list).
        return root.location


class TimeOffNode(DjangoObjectType):
    """A span when a staff member cannot be booked."""

    class Meta:
        model = TimeOff
        name = "TimeOff"
        interfaces = (SpaNode,)
        fields = ("starts_at", "ends_at", "reason")

    kind = graphene.Field(TimeOffKindEnum, required=True, description="Leave, or blocked time.")
    starts_at = graphene.DateTime(required=True, description="In UTC.")
    ends_at = graphene.DateTime(required=True, description="In UTC, after `startsAt`.")
    reason = graphene.String(
        required=True, description="A short label for the team; may be empty. Never PHI."
    )

    @staticmethod
    def resolve_kind(root, info):
        return root.kind


class StaffMemberNode(DjangoObjectType):
    """Someone who works in the spa: a provider who treats clients, or other staff."""

    class Meta:
        model = StaffProfile
        name = "StaffMember"
        interfaces = (SpaNode,)
        fields = ("display_name", "is_provider", "is_active")

    user_id = graphene.ID(
        required=True, description="The person's user id, the same as `me { id }` gives them."
    )
    display_name = graphene.String(required=True, description="As clients and the team see it.")
    is_provider = graphene.Boolean(
        required=True, description="Performs treatments and can be booked with clients."
    )
    is_active = graphene.Boolean(
        required=True, description="False: kept for the record, but not offered for booking."
    )
    credentials = graphene.List(
        graphene.NonNull(StaffCredentialNode),
        required=True,
        description="The licences on record, by credential.",
    )
    working_hours = graphene.List(
        graphene.NonNull(WorkingHoursNode),
        required=True,
        description="The weekly schedule at every location, by weekday and time.",
    )
    upcoming_time_off = graphene.List(
        graphene.NonNull(TimeOffNode),
        required=True,
        description="Time off and blocked time that has not ended yet, soonest first.",
    )

    # core/graphql/projection.py: prefetched by the member's key.
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {
        "credentials": (),
        "working_hours": (),
        "upcoming_time_off": (),
    }

    # Lists prefetch the relations a query selects (selectors.staff_list); a
    # single member, through `node`, loads each relation with one query.
    @staticmethod
    def resolve_credentials(root, info):
        return root.credentials.all()

    @staticmethod
    def resolve_working_hours(root, info):
        return root.working_hours.all()

    @staticmethod
    def resolve_upcoming_time_off(root, info):
        prefetched = getattr(root, UPCOMING_TIME_OFF, None)
        return prefetched if prefetched is not None else time_off_upcoming(staff=root)


class StaffMemberConnection(CountableConnection):
    """A page of staff members."""

    class Meta:
        node = StaffMemberNode


class StaffOrderBy(graphene.Enum):
    """How to order staff members."""

    NAME = "name"

    @property
    def description(self):
        return {StaffOrderBy.NAME: "By display name."}.get(self)
