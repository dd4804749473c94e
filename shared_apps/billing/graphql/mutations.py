"""The owner's billing mutations on a spa's API."""

import graphene

from core.graphql.mutations import SpaMutation
from shared_apps.accounts.permissions import OWNERS
from shared_apps.billing import services
from shared_apps.billing.errors import BillingErrorCode
from shared_apps.billing.graphql.types import BillingError, BillingType
from shared_apps.billing.selectors import billing_overview


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
