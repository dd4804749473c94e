import graphene

from core.graphql.mutations import error_type
from shared_apps.billing.errors import BillingErrorCode
from shared_apps.billing.models import SubscriptionStatus
from shared_apps.billing.selectors import plan_list_active

SubscriptionStatusEnum = graphene.Enum(
    "SubscriptionStatus",
    [(value.upper(), value) for value in SubscriptionStatus.values],
    description="The subscription's status, as Stripe names it.",
)

BillingErrorCodeEnum, BillingError = error_type("Billing", BillingErrorCode)


class PlanType(graphene.ObjectType):
    """A plan a spa can subscribe to. Prices are monthly, in cents of `currency`."""

    class Meta:
        name = "Plan"

    code = graphene.String(required=True, description="What `signUp` and `changePlan` take.")
    name = graphene.String(required=True)
    currency = graphene.String(required=True, description="ISO 4217, lowercase.")
    monthly_price_cents = graphene.Int(
        required=True, description="For the included provider seats."
    )
    included_provider_seats = graphene.Int(required=True)
    extra_seat_price_cents = graphene.Int(
        required=True, description="Per active provider beyond the included seats."
    )
    trial_days = graphene.Int(required=True)
    max_locations = graphene.Int(description="Null: unlimited.")


class BillingType(graphene.ObjectType):
    """The spa's subscription, as its owner sees it."""

    class Meta:
        name = "Billing"

    plan = graphene.Field(PlanType, description="Null until the spa has a subscription.")
    status = graphene.Field(SubscriptionStatusEnum)
    trial_ends_at = graphene.DateTime(description="While trialing.")
    current_period_end = graphene.DateTime()
    next_invoice_at = graphene.DateTime(
        description="When the next invoice is due; null if none is coming (canceling, or "
        "the trial has no payment method yet)."
    )
    cancel_at_period_end = graphene.Boolean(required=True)
    seats = graphene.Int(required=True, description="Provider seats billed.")
    active_providers = graphene.Int(
        required=True, description="Seats follow this (at least one), automatically."
    )
    has_billing_account = graphene.Boolean(
        required=True, description="Whether `openBillingPortal` can be used."
    )
    available_plans = graphene.List(graphene.NonNull(PlanType), required=True)

    @staticmethod
    def resolve_available_plans(overview, info):
        return list(plan_list_active())
