"""The console's URLs, under /console/ on the root domain (config/urls_public.py).

Every view except the sign-in steps and the assets is wrapped by
`access.console_view`; tests/shared_apps/console/test_access.py walks them all.
"""

from django.urls import path

from shared_apps.console.assets import ASSETS
from shared_apps.console.views import (
    actions,
    audit_log,
    auth,
    impersonation,
    jobs,
    provision,
    spas,
    webhooks,
)

app_name = "console"

urlpatterns = [
    path("login/", auth.sign_in, name="login"),
    path("verify/", auth.verify, name="verify"),
    path("logout/", auth.sign_out, name="logout"),
    path("assets/<str:name>", ASSETS.view, name="asset"),
    # Spas: list, detail.
    path("", spas.spa_list, name="spas"),
    path("spas/<slug:slug>/", spas.spa_detail, name="spa"),
    # Actions on one spa (POST only; back to the spa's page).
    path("spas/<slug:slug>/suspend/", actions.spa_suspend, name="spa-suspend"),
    path("spas/<slug:slug>/reactivate/", actions.spa_reactivate, name="spa-reactivate"),
    path("spas/<slug:slug>/plan/", actions.spa_change_plan, name="spa-plan"),
    path("spas/<slug:slug>/domains/", actions.spa_domain_add, name="spa-domain-add"),
    path(
        "spas/<slug:slug>/domains/<int:domain_id>/verify/",
        actions.spa_domain_verify,
        name="spa-domain-verify",
    ),
    path(
        "spas/<slug:slug>/domains/<int:domain_id>/remove/",
        actions.spa_domain_remove,
        name="spa-domain-remove",
    ),
    path("spas/<slug:slug>/owner-welcome/", actions.spa_owner_welcome, name="spa-owner-welcome"),
    # Impersonation: start (from the spa's page), its page (the token, once), end.
    path("spas/<slug:slug>/impersonate/", impersonation.impersonation_start, name="impersonate"),
    path(
        "impersonations/<int:token_id>/",
        impersonation.impersonation_detail,
        name="impersonation",
    ),
    path(
        "impersonations/<int:token_id>/end/",
        impersonation.impersonation_end,
        name="impersonation-end",
    ),
    # The platform audit log.
    path("audit/", audit_log.audit_log, name="audit"),
    # Provisioning a new spa: the form, its progress and result, resume, cancel.
    path("provision/", provision.provision, name="provision"),
    path("slug-availability/", provision.provision_slug, name="provision-slug"),
    path("provision/<slug:slug>/", provision.provision_progress_page, name="provision-progress"),
    path("provision/<slug:slug>/steps/", provision.provision_steps, name="provision-steps"),
    path("provision/<slug:slug>/resume/", provision.provision_resume, name="provision-resume"),
    path("provision/<slug:slug>/cancel/", provision.provision_cancel, name="provision-cancel"),
    # Stripe's webhook log, and replaying an event.
    path("webhooks/", webhooks.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook"),
    path("webhooks/<int:pk>/replay/", webhooks.webhook_replay, name="webhook-replay"),
    # Background jobs: failed and stuck ones, retried or cancelled.
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:job_id>/retry/", jobs.job_retry_view, name="job-retry"),
    path("jobs/<int:job_id>/cancel/", jobs.job_cancel_view, name="job-cancel"),
]
