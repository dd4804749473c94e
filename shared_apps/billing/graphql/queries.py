import graphene

from shared_apps.accounts.permissions import ANYONE, OWNERS, permission
from shared_apps.billing.graphql.types import BillingType, PlanType
from shared_apps.billing.selectors import billing_overview, plan_list_active


class BillingQueries(graphene.ObjectType):
    """Spa API."""

    billing = graphene.Field(
        BillingType, required=True, description="The spa's plan, subscription and seats."
    )

    @staticmethod
    @permission(OWNERS)
    def resolve_billing(root, info):
        return billing_overview(spa=info.context.spa)


class PlatformBillingQueries(graphene.ObjectType):
    """Public API (root domain)."""

    plans = graphene.List(
        graphene.NonNull(PlanType), required=True, description="The plans on offer."
    )

    @staticmethod
    @permission(ANYONE)
    def resolve_plans(root, info):
        return list(plan_list_active())
