"""Signing up: a new spa with its owner, on the public API."""

import graphene

from core.graphql.mutations import SpaMutation
from shared_apps.accounts.permissions import ANYONE
from shared_apps.lifecycle.errors import SignUpErrorCode
from shared_apps.lifecycle.graphql.types import SignedUpSpaType, SignUpError
from shared_apps.lifecycle.signup import spa_sign_up


class SignUp(SpaMutation):
    """Open a new spa: its owner's account, the spa (trialing, with the plan's
    trial) and a token for the owner on the spa's API. Nothing is left behind if
    any step fails. Limited per client address."""

    permission = ANYONE
    # Provisions a spa, committing between its steps: outside the request transaction.
    autocommit = True
    error_codes = frozenset(SignUpErrorCode)
    errors = graphene.List(graphene.NonNull(SignUpError), required=True)

    class Arguments:
        spa_name = graphene.String(required=True)
        slug = graphene.String(required=True, description="The spa's address: <slug>.<domain>.")
        owner_name = graphene.String(required=True)
        email = graphene.String(required=True)
        password = graphene.String(
            required=True, description="An existing account's password adds the spa to it."
        )
        plan = graphene.String(required=True, description="A plan's code (see `plans`).")
        timezone = graphene.String(description="IANA; America/New_York if not given.")

    spa = graphene.Field(SignedUpSpaType)
    token = graphene.String(description="For the owner, on the spa's API. Shown once.")

    @classmethod
    def perform(
        cls,
        root,
        info,
        membership,
        spa_name,
        slug,
        owner_name,
        email,
        password,
        plan,
        timezone=None,
    ):
        signed_up = spa_sign_up(
            request=info.context,
            spa_name=spa_name,
            slug=slug,
            owner_name=owner_name,
            email=email,
            password=password,
            plan_code=plan,
            timezone_name=timezone or "America/New_York",
        )
        spa = signed_up.spa
        return cls(
            spa=SignedUpSpaType(
                name=spa.name,
                slug=spa.slug,
                url=signed_up.url,
                graphql_url=f"{signed_up.url}graphql/",
            ),
            token=signed_up.token.secret,
        )


class SignUpMutations(graphene.ObjectType):
    sign_up = SignUp.Field()
