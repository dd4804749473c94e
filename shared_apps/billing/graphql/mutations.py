"""The owner's billing mutations on a spa's API, and signup on the public API."""

import graphene

from core.graphql.mutations import SpaMutation
from shared_apps.accounts.permissions import ANYONE, OWNERS
from shared_apps.billing import services
from shared_apps.billing.errors import BillingErrorCode
from shared_apps.billing.graphql.types import (
    BillingError,
    BillingType,
    SignedUpSpaType,
    SignUpError,
)
from shared_apps.billing.selectors import billing_overview
from shared_apps.lifecycle.errors import SignUpErrorCode
from shared_apps.lifecycle.signup import spa_sign_up


class BillingMutation(SpaMutation):
    class Meta:
        abstract = True

    permission = OWNERS
    error_codes = frozenset(BillingErrorCode)
    errors = graphene.List(graphene.NonNull(BillingError), required=True)


class StartCheckout(BillingMutation):
    """Start paying for a plan: open the returned Stripe Checkout URL. What is left
    of the trial carries over."""

    read_only_safe = True  # a suspended spa (unpaid, canceled) can still pay

    class Arguments:
        plan = graphene.String(required=True, description="A plan's code.")

    url = graphene.String(description="Stripe Checkout. Null when there are errors.")

    @classmethod
    def perform(cls, root, info, membership, plan):
        return cls(url=services.subscription_checkout_start(spa=info.context.spa, plan_code=plan))


class OpenBillingPortal(BillingMutation):
    """A Stripe Billing Portal link: payment methods, invoices, cancellation."""

    read_only_safe = True  # a suspended spa (unpaid, canceled) can still pay

    url = graphene.String(description="Short-lived. Null when there are errors.")

    @classmethod
    def perform(cls, root, info, membership):
        return cls(url=services.subscription_portal_url(spa=info.context.spa))


class ChangePlan(BillingMutation):
    """Move to another plan now; Stripe prorates the difference."""

    class Arguments:
        plan = graphene.String(required=True, description="A plan's code.")

    billing = graphene.Field(BillingType)

    @classmethod
    def perform(cls, root, info, membership, plan):
        spa = info.context.spa
        services.subscription_change_plan(spa=spa, plan_code=plan)
        return cls(billing=billing_overview(spa=spa))


class CancelSubscription(BillingMutation):
    """Cancel at the end of the paid period. The spa then becomes read-only; its
    data is kept."""

    billing = graphene.Field(BillingType)

    @classmethod
    def perform(cls, root, info, membership):
        spa = info.context.spa
        services.subscription_cancel(spa=spa)
        return cls(billing=billing_overview(spa=spa))


class BillingMutations(graphene.ObjectType):
    start_checkout = StartCheckout.Field()
    open_billing_portal = OpenBillingPortal.Field()
    change_plan = ChangePlan.Field()
    cancel_subscription = CancelSubscription.Field()


# --- Public API ------------------------------------------------------------------------------


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


class PlatformBillingMutations(graphene.ObjectType):
    sign_up = SignUp.Field()
