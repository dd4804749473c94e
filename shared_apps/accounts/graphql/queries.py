import graphene
from graphene import relay

from core.graphql.pagination import Keyset, paginate
from shared_apps.accounts.graphql.types import InvitationConnection, MemberConnection, MeType
from shared_apps.accounts.permissions import MANAGERS, MEMBERS, permission
from shared_apps.accounts.selectors import invitation_list_pending, member_list

BY_NAME = Keyset("members-by-name", ("person_name", "person_email", "id"))
NEWEST_FIRST = Keyset("invitations-newest", ("-created_at", "-id"))


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(MeType, required=True, description="The signed-in member.")
    members = relay.ConnectionField(
        MemberConnection,
        include_inactive=graphene.Boolean(default_value=False),
        description="The spa's team, by name.",
    )
    invitations = relay.ConnectionField(
        InvitationConnection, description="Pending invitations, newest first."
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_me(root, info):
        return MeType.from_membership(info.context.membership)

    @staticmethod
    @permission(MEMBERS)
    def resolve_members(root, info, include_inactive, **page):
        members = member_list(spa=info.context.spa, include_inactive=include_inactive)
        return paginate(members, connection_type=MemberConnection, keyset=BY_NAME, **page)

    @staticmethod
    @permission(MANAGERS)
    def resolve_invitations(root, info, **page):
        invitations = invitation_list_pending(spa=info.context.spa)
        return paginate(
            invitations, connection_type=InvitationConnection, keyset=NEWEST_FIRST, **page
        )
