"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it).

The documents need no Stripe: an unknown plan, or a spa without a billing
account, answers with a payload error, which is enough to show the permission
let the caller in."""

from shared_apps.accounts.permissions import OWNERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "billing": ("{ billing { status seats } }", OWNERS),
    "startCheckout": (
        'mutation { startCheckout(plan: "no-such-plan") { url errors { code } } }',
        OWNERS,
    ),
    "openBillingPortal": ("mutation { openBillingPortal { url errors { code } } }", OWNERS),
    "changePlan": ('mutation { changePlan(plan: "no-such-plan") { errors { code } } }', OWNERS),
    "cancelSubscription": ("mutation { cancelSubscription { errors { code } } }", OWNERS),
}
