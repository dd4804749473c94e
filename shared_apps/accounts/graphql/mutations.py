"""Sign-in, invitations, password reset and team management on a spa's API."""

import graphene
from django.core.exceptions import ValidationError

from core.graphql.arguments import enum_value
from core.graphql.mutations import SpaMutation
from shared_apps.accounts import services
from shared_apps.accounts.graphql.types import (
    ACCOUNT_ERROR_CODES,
    AccountError,
    InvitationType,
    MemberType,
    MeType,
    RoleEnum,
)
from shared_apps.accounts.permissions import ANYONE, MANAGERS, MEMBERS


def _id(value: str, field: str = "id") -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {field: ValidationError("No such record.", code="NOT_FOUND")}
        ) from None


class AccountMutation(SpaMutation):
    class Meta:
        abstract = True

    error_codes = frozenset(ACCOUNT_ERROR_CODES)
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
        issued = services.auth_login(
            request=request, spa=request.spa, email=email, password=password
        )
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
        services.token_revoke(token=info.context.api_token)
        return cls()


class LogoutEverywhere(AccountMutation):
    """Revoke every token the signed-in member holds for this spa."""

    permission = MEMBERS
    read_only_safe = True  # a suspended spa still signs in and out

    revoked = graphene.Int(required=True, default_value=0)

    @classmethod
    def perform(cls, root, info, membership):
        return cls(revoked=services.tokens_revoke_for_membership(membership=membership))


class UpdateMe(AccountMutation):
    """Change your own name or phone number (with its country code)."""

    permission = MEMBERS

    class Arguments:
        name = graphene.String()
        phone = graphene.String(description="E.164 or with a country code; empty to clear.")

    me = graphene.Field(MeType)

    @classmethod
    def perform(cls, root, info, membership, name=None, phone=None):
        services.me_update(user=membership.user, name=name, phone=phone)
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
        services.password_change(
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
        services.password_reset_request(request=info.context, spa=info.context.spa, email=email)
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
        services.password_reset_confirm(uid=uid, token=token, new_password=new_password)
        return cls()


class InviteMember(AccountMutation):
    """Invite someone to the team by email (managers cannot invite owners)."""

    permission = MANAGERS

    class Arguments:
        email = graphene.String(required=True)
        role = RoleEnum(required=True)

    invitation = graphene.Field(InvitationType)

    @classmethod
    def perform(cls, root, info, membership, email, role):
        issued = services.invitation_create(
            spa=info.context.spa, invited_by=membership, email=email, role=enum_value(role)
        )
        return cls(invitation=InvitationType.from_invitation(issued.invitation))


class RevokeInvitation(AccountMutation):
    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True)

    invitation = graphene.Field(InvitationType)

    @classmethod
    def perform(cls, root, info, membership, id):
        invitation = services.invitation_revoke(spa=info.context.spa, invitation_id=_id(id))
        return cls(invitation=InvitationType.from_invitation(invitation))


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
        joined = services.invitation_accept(
            spa=info.context.spa, secret=token, name=name, password=password
        )
        issued = services.token_issue(membership=joined)
        return cls(token=issued.secret, me=MeType.from_membership(joined))


class ChangeMemberRole(AccountMutation):
    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The member's id.")
        role = RoleEnum(required=True)

    member = graphene.Field(MemberType)

    @classmethod
    def perform(cls, root, info, membership, id, role):
        member = services.member_change_role(
            spa=info.context.spa, actor=membership, membership_id=_id(id), role=enum_value(role)
        )
        return cls(member=MemberType.from_membership(member))


class _SetMemberActive(AccountMutation):
    class Meta:
        abstract = True

    permission = MANAGERS
    active: bool

    class Arguments:
        id = graphene.ID(required=True, description="The member's id.")

    member = graphene.Field(MemberType)

    @classmethod
    def perform(cls, root, info, membership, id):
        member = services.member_set_active(
            spa=info.context.spa, actor=membership, membership_id=_id(id), active=cls.active
        )
        return cls(member=MemberType.from_membership(member))


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
