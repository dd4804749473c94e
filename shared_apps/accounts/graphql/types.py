import graphene

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode, to_global_id
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.models import Invitation, Membership, Role
from shared_apps.accounts.permissions import MANAGERS
from shared_apps.accounts.selectors import invitation_get, member_get

RoleEnum = graphene.Enum(
    "Role",
    [(value.upper(), value) for value in Role.values],
    description="A member's role in the spa.",
)

AccountErrorCodeEnum, AccountError = error_type("Account", AccountErrorCode)


class ImpersonationType(graphene.ObjectType):
    """Platform support using a member's access, started from the platform's
    console with a reason and for a limited time."""

    class Meta:
        name = "Impersonation"

    by = graphene.String(required=True, description="The platform staff member's email.")
    reason = graphene.String(required=True, description="Why, in the staff member's words.")
    started_at = graphene.DateTime(required=True)
    expires_at = graphene.DateTime(required=True)


class MeType(graphene.ObjectType):
    """The signed-in person, as a member of this spa."""

    class Meta:
        name = "Me"

    id = graphene.ID(required=True, description="The user's id (the same in every spa).")
    member_id = graphene.ID(
        required=True, description="Your `Member` global ID: the id team mutations take."
    )
    email = graphene.String(required=True)
    name = graphene.String(required=True)
    phone = graphene.String(required=True)
    role = graphene.Field(RoleEnum, required=True)
    impersonation = graphene.Field(
        ImpersonationType,
        description="Set when this request is platform support acting as you (a console "
        "impersonation), null for your own sign-in. Such a session cannot change your "
        "password, tokens, team or billing.",
    )

    @staticmethod
    def resolve_impersonation(root, info):
        token = getattr(info.context, "api_token", None)
        if (
            token is None
            or token.impersonated_by is None
            or token.membership_id != root.membership_pk
        ):
            return None
        return ImpersonationType(
            by=token.impersonated_by.email,
            reason=token.impersonation_reason,
            started_at=token.created_at,
            expires_at=token.expires_at,
        )

    @staticmethod
    def from_membership(membership):
        user = membership.user
        me = MeType(
            id=user.pk,
            member_id=to_global_id("Member", membership.pk),
            email=user.email,
            name=user.name,
            phone=user.phone,
            role=membership.role,
        )
        me.membership_pk = membership.pk
        return me


class MemberNode(graphene.ObjectType):
    """A person on the spa's team (their membership)."""

    class Meta:
        name = "Member"
        interfaces = (SpaNode,)

    name = graphene.String(required=True)
    email = graphene.String(required=True)
    role = graphene.Field(RoleEnum, required=True)
    is_active = graphene.Boolean(required=True)
    joined_at = graphene.DateTime(required=True)

    @classmethod
    def is_type_of(cls, root, info) -> bool:
        return isinstance(root, Membership)

    @classmethod
    def get_node(cls, info, id):
        # Anyone on the team may see the team (`members`); nobody else.
        if getattr(info.context, "membership", None) is None:
            return None
        return member_get(spa=info.context.spa, membership_id=id)

    @staticmethod
    def resolve_name(root: Membership, info) -> str:
        return root.user.name

    @staticmethod
    def resolve_email(root: Membership, info) -> str:
        return root.user.email

    @staticmethod
    def resolve_joined_at(root: Membership, info):
        return root.created_at


class MemberConnection(CountableConnection):
    class Meta:
        node = MemberNode


class InvitationNode(graphene.ObjectType):
    class Meta:
        name = "Invitation"
        interfaces = (SpaNode,)

    email = graphene.String(required=True)
    role = graphene.Field(RoleEnum, required=True)
    expires_at = graphene.DateTime(required=True)

    @classmethod
    def is_type_of(cls, root, info) -> bool:
        return isinstance(root, Invitation)

    @classmethod
    def get_node(cls, info, id):
        # Invitations are the managers' (`invitations`).
        membership = getattr(info.context, "membership", None)
        if membership is None or membership.role not in (MANAGERS.roles or ()):
            return None
        return invitation_get(spa=info.context.spa, invitation_id=id)


class InvitationConnection(CountableConnection):
    class Meta:
        node = InvitationNode
