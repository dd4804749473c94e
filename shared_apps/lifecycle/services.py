"""Provisioning a spa as the product does: its tenancy, its owner, its trial.

The one place where tenancy (`tenants`: schema, domains, status), people
(`shared_apps.accounts`) and billing (`shared_apps.billing`) are put together
when a spa opens. `tenants` knows nothing of the apps above it; it runs what is
given here as `on_open`, in the transaction that opens the spa.
"""

from __future__ import annotations

from collections.abc import Callable

from shared_apps.accounts.services.owner import membership_ensure_owner
from shared_apps.billing.models import Plan, Subscription
from shared_apps.billing.services import subscription_start_trial
from tenants import provisioning
from tenants.models import Spa, SpaStatus


def _opening(
    *, trial_plan: Plan | None, on_open: Callable[[Spa], None] | None
) -> Callable[[Spa], None]:
    def open_spa(spa: Spa) -> None:
        membership_ensure_owner(spa=spa, email=spa.owner_email)
        if trial_plan is not None and not Subscription.objects.filter(spa=spa).exists():
            subscription_start_trial(spa=spa, plan=trial_plan)
        if on_open is not None:
            on_open(spa)

    return open_spa


def spa_provision(
    *,
    slug: str,
    name: str,
    timezone_name: str,
    owner_email: str,
    status: str = SpaStatus.ACTIVE,
    trial_plan: Plan | None = None,
    on_open: Callable[[Spa], None] | None = None,
) -> Spa:
    """Create a spa ready to serve (`tenants.provisioning.spa_provision`: row,
    subdomain, schema), opened with its owner's membership (the account of
    `owner_email`, created without a password and sent a welcome link if new),
    `trial_plan`'s trial subscription if given, then `on_open(spa)`: all in the
    transaction that opens it. Idempotent and resumable; runs outside any
    transaction (it commits between its steps)."""
    return provisioning.spa_provision(
        slug=slug,
        name=name,
        timezone_name=timezone_name,
        owner_email=owner_email,
        status=status,
        on_open=_opening(trial_plan=trial_plan, on_open=on_open),
    )


def spa_provision_resume(
    *, spa: Spa, trial_plan: Plan | None = None, on_open: Callable[[Spa], None] | None = None
) -> Spa:
    """Finish provisioning a spa left in `provisioning`, opening it as
    `spa_provision` does (the spa's row does not remember a plan or `on_open`)."""
    return provisioning.spa_provision_resume(
        spa=spa, on_open=_opening(trial_plan=trial_plan, on_open=on_open)
    )
