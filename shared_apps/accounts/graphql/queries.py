import graphene

from shared_apps.accounts.graphql.types import InvitationType, MemberType, MeType
from shared_apps.accounts.permissions import MANAGERS, MEMBERS, permission
from shared_apps.accounts.selectors import invitation_list_pending, member_list


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(MeType, required=True, description="The signed-in member.")
    members = graphene.List(
        graphene.NonNull(MemberType),
        required=True,
        include_inactive=graphene.Boolean(default_value=False),
        description="The spa's team, by name. (A team is small: not paginated.)",
    )
    invitations = graphene.List(
        graphene.NonNull(InvitationType), required=True, description="Pending invitations."
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_me(root, info):
        return MeType.from_membership(info.context.membership)

    @staticmethod
    @permission(MEMBERS)
    def resolve_members(root, info, include_inactive):
        members = member_list(spa=info.context.spa, include_inactive=include_inactive)
        return [MemberType.from_membership(m) for m in members]

    @staticmethod
    @permission(MANAGERS)
    def resolve_invitations(root, info):
        return [
            InvitationType.from_invitation(i) for i in invitation_list_pending(spa=info.context.spa)
        ]
