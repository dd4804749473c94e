"""Sign-in, invitations, password reset and team management on a spa's API."""

import graphene

from core.errors import field_error
from core.graphql.arguments import enum_value
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.graphql.types import (
    AccountError,
    InvitationNode,
    MemberNode,
    MeType,
    RoleEnum,
)
from shared_apps.accounts.permissions import ANYONE, MANAGERS, MEMBERS
from shared_apps.accounts.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from shared_apps.accounts.services.me import me_update
from shared_apps.accounts.services.passwords import (
    password_change,
    password_reset_confirm,
    password_reset_request,
)
from shared_apps.accounts.services.team import member_change_role, member_set_active
from shared_apps.accounts.services.tokens import (
    auth_login,
    token_issue,
    token_revoke,
    tokens_revoke_for_membership,
)


def _pk(global_id: str, type_name: str) -> int:
    """The row a global ID names (one of this spa's `type_name`), or NOT_FOUND."""
    pk = pk_from_global_id(global_id, type_name)
    if pk is None:
        raise field_error(AccountErrorCode.NOT_FOUND, "No such record.", "id")
    return pk


class AccountMutation(SpaMutation):
    class Meta:
        abstract = True

    error_codes = frozenset(AccountErrorCode)
    errors = graphene.List(graphene.NonNull(AccountError), required=True)


class Login(AccountMutation):
    """Sign in to this spa. The token works on this spa's API only, until it
    expires or is revoked: send it as `Authorization: Bearer <token>`."""

    permission = ANYONE
    read_only_safe = True  # a suspended spa still signs in
    # A wrong password stays counted by django-axes although the mutation reports
    # an error: outside the request transaction (the service makes its writes atomic).
    autocommit = True

    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    token = graphene.String(description="Shown once. Null when sign-in failed.")
    expires_at = graphene.DateTime()
    me = graphene.Field(MeType)

    @classmethod
    def perform(cls, root, info, membership, email, password):
        request = info.context
        issued = auth_login(request=request, spa=request.spa, email=email, password=password)
        return cls(
            token=issued.secret,
            expires_at=issued.token.expires_at,
            me=MeType.from_membership(issued.token.membership),
        )


class Logout(AccountMutation):
    """Revoke the token this request was made with."""

    permission = MEMBERS
    read_only_safe = True  # a suspended spa still signs in and out

    @classmethod
    def perform(cls, root, info, membership):
        token_revoke(token=info.context.api_token)
        return cls()


class LogoutEverywhere(AccountMutation):
    """Revoke every token the signed-in member holds for this spa."""

    permission = MEMBERS
    read_only_safe = True  # a suspended spa still signs in and out

    revoked = graphene.Int(required=True, default_value=0)

    @classmethod
    def perform(cls, root, info, membership):
        return cls(revoked=tokens_revoke_for_membership(membership=membership))


class UpdateMe(AccountMutation):
    """Change your own name or phone number (with its country code)."""

    permission = MEMBERS

    class Arguments:
        name = graphene.String()
        phone = graphene.String(description="E.164 or with a country code; empty to clear.")

    me = graphene.Field(MeType)

    @classmethod
    def perform(cls, root, info, membership, name=None, phone=None):
        me_update(user=membership.user, name=name, phone=phone)
        return cls(me=MeType.from_membership(membership))


class ChangePassword(AccountMutation):
    """Change your password. Your other sessions, in every spa, are signed out."""

    permission = MEMBERS
    # Outside the request transaction, like login (a wrong current password counts).
    autocommit = True

    class Arguments:
        current_password = graphene.String(required=True)
        new_password = graphene.String(required=True)

    @classmethod
    def perform(cls, root, info, membership, current_password, new_password):
        password_change(
            request=info.context,
            token=info.context.api_token,
            current_password=current_password,
            new_password=new_password,
        )
        return cls()


class RequestPasswordReset(AccountMutation):
    """Email a reset link to a member of this spa. Answers the same whether or not
    the address belongs to anyone."""

    permission = ANYONE
    read_only_safe = True  # passwords belong to the person, not to the spa

    class Arguments:
        email = graphene.String(required=True)

    @classmethod
    def perform(cls, root, info, membership, email):
        password_reset_request(request=info.context, spa=info.context.spa, email=email)
        return cls()


class ResetPassword(AccountMutation):
    """Choose a new password with the emailed link's uid and token. Signs the
    person out everywhere."""

    permission = ANYONE
    read_only_safe = True  # passwords belong to the person, not to the spa

    class Arguments:
        uid = graphene.String(required=True)
        token = graphene.String(required=True)
        new_password = graphene.String(required=True)

    @classmethod
    def perform(cls, root, info, membership, uid, token, new_password):
        password_reset_confirm(
            spa=info.context.spa, uid=uid, token=token, new_password=new_password
        )
        return cls()


class InviteMember(AccountMutation):
    """Invite someone to the team by email (managers cannot invite owners)."""

    permission = MANAGERS

    class Arguments:
        email = graphene.String(required=True)
        role = RoleEnum(required=True)

    invitation = graphene.Field(InvitationNode)

    @classmethod
    def perform(cls, root, info, membership, email, role):
        issued = invitation_create(
            spa=info.context.spa, invited_by=membership, email=email, role=enum_value(role)
        )
        return cls(invitation=issued.invitation)


class RevokeInvitation(AccountMutation):
    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True)

    invitation = graphene.Field(InvitationNode)

    @classmethod
    def perform(cls, root, info, membership, id):
        invitation = invitation_revoke(spa=info.context.spa, invitation_id=_pk(id, "Invitation"))
        return cls(invitation=invitation)


class AcceptInvitation(AccountMutation):
    """Join the spa with an invitation token, and sign in. Name and password are
    for a new account; an existing account keeps its own."""

    permission = ANYONE

    class Arguments:
        token = graphene.String(required=True)
        name = graphene.String(default_value="")
        password = graphene.String(default_value="")

    token = graphene.String()
    me = graphene.Field(MeType)

    @classmethod
    def perform(cls, root, info, membership, token, name, password):
        joined = invitation_accept(spa=info.context.spa, secret=token, name=name, password=password)
        issued = token_issue(membership=joined)
        return cls(token=issued.secret, me=MeType.from_membership(joined))


class ChangeMemberRole(AccountMutation):
    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The member's global ID.")
        role = RoleEnum(required=True)

    member = graphene.Field(MemberNode)

    @classmethod
    def perform(cls, root, info, membership, id, role):
        member = member_change_role(
            spa=info.context.spa,
            actor=membership,
            membership_id=_pk(id, "Member"),
            role=enum_value(role),
        )
        return cls(member=member)


class _SetMemberActive(AccountMutation):
    class Meta:
        abstract = True

    permission = MANAGERS
    active: bool

    class Arguments:
        id = graphene.ID(required=True, description="The member's global ID.")

    member = graphene.Field(MemberNode)

    @classmethod
    def perform(cls, root, info, membership, id):
        member = member_set_active(
            spa=info.context.spa,
            actor=membership,
            membership_id=_pk(id, "Member"),
            active=cls.active,
        )
        return cls(member=member)


class DeactivateMember(_SetMemberActive):
    """Take someone off the team; their tokens stop working at once."""

    active = False


class ReactivateMember(_SetMemberActive):
    """Bring a deactivated member back (they sign in again)."""

    active = True


class AccountMutations(graphene.ObjectType):
    login = Login.Field()
    logout = Logout.Field()
    logout_everywhere = LogoutEverywhere.Field()
    update_me = UpdateMe.Field()
    change_password = ChangePassword.Field()
    request_password_reset = RequestPasswordReset.Field()
    reset_password = ResetPassword.Field()
    invite_member = InviteMember.Field()
    revoke_invitation = RevokeInvitation.Field()
    accept_invitation = AcceptInvitation.Field()
    change_member_role = ChangeMemberRole.Field()
    deactivate_member = DeactivateMember.Field()
    reactivate_member = ReactivateMember.Field()
