import graphene
from graphene import relay

from core.graphql.arguments import enum_value
from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id
from core.graphql.selection import selects
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.staff.graphql.types import StaffMemberConnection, StaffOrderBy
from tenant_apps.staff.selectors import staff_list

STAFF_ORDERS = {
    "name": Keyset("staff-by-name", ("display_name", "id")),
}


class StaffQueries(graphene.ObjectType):
    staff = relay.ConnectionField(
        StaffMemberConnection,
        providers_only=graphene.Boolean(
            default_value=False, description="Only those who can be booked with clients."
        ),
        active=graphene.Boolean(
            description="True: only active members; false: only inactive ones; null: all."
        ),
        location_id=graphene.ID(description="Only those with working hours at this Location."),
        order_by=StaffOrderBy(default_value=StaffOrderBy.NAME, description="The order."),
        description="The people who work in the spa.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_staff(
        root, info, order_by, providers_only=False, active=None, location_id=None, **page
    ):
        location_pk = pk_from_global_id(location_id, "Location") if location_id else None
        staff = staff_list(
            providers_only=providers_only,
            active=active,
            location_id=location_pk,
            with_credentials=selects(info, "edges", "node", "credentials"),
            with_working_hours=selects(info, "edges", "node", "workingHours"),
            with_upcoming_time_off=selects(info, "edges", "node", "upcomingTimeOff"),
        )
        if location_id is not None and location_pk is None:
            # An ID naming no location here (another spa's, say): nobody works there.
            staff = staff.none()
        return paginate(
            staff,
            connection_type=StaffMemberConnection,
            keyset=STAFF_ORDERS[enum_value(order_by)],
            **page,
        )
