import graphene

from core.graphql.mutations import error_type
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.models import Role

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
        required=True, description="Your membership's id here: the id team mutations take."
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
            or str(token.membership_id) != str(root.member_id)
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
        return MeType(
            id=user.pk,
            member_id=membership.pk,
            email=user.email,
            name=user.name,
            phone=user.phone,
            role=membership.role,
        )


class MemberType(graphene.ObjectType):
    """A person on the spa's team."""

    class Meta:
        name = "Member"

    id = graphene.ID(required=True, description="The membership's id.")
    name = graphene.String(required=True)
    email = graphene.String(required=True)
    role = graphene.Field(RoleEnum, required=True)
    is_active = graphene.Boolean(required=True)
    joined_at = graphene.DateTime(required=True)

    @staticmethod
    def from_membership(membership):
        return MemberType(
            id=membership.pk,
            name=membership.user.name,
            email=membership.user.email,
            role=membership.role,
            is_active=membership.is_active,
            joined_at=membership.created_at,
        )


class InvitationType(graphene.ObjectType):
    class Meta:
        name = "Invitation"

    id = graphene.ID(required=True)
    email = graphene.String(required=True)
    role = graphene.Field(RoleEnum, required=True)
    expires_at = graphene.DateTime(required=True)

    @staticmethod
    def from_invitation(invitation):
        return InvitationType(
            id=invitation.pk,
            email=invitation.email,
            role=invitation.role,
            expires_at=invitation.expires_at,
        )
