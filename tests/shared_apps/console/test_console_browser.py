"""The console in a real browser (headless Chromium against a live server; see
tests/browser.py): the platform team's day, end to end. Sign in with a TOTP
code, find a spa, suspend it and see its API turn read-only, reactivate it,
provision a new spa and call its GraphQL endpoint, impersonate a member and see
the entries in both audit logs. Screenshots of the list and the spa's page go
to tests/artifacts/ (git-ignored) for review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from shared_apps.accounts.services.tokens import token_issue
from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from shared_apps.console.staff import staff_enroll, staff_grant
from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.models import AuditEntry
from tenants.db import connection
from tenants.models import Spa, SpaStatus
from tests.factories import PASSWORD, MembershipFactory
from tests.shared_apps.console.conftest import sign_in_in_browser, totp_now

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHANGE = (
    'mutation { updateSpaProfile(input: {contactEmail: "desk@tide.example"}) { errors { code } } }'
)
WHO = "{ me { email impersonation { by reason } } }"


def _graphql(page: Page, url: str, query: str, token: str | None = None) -> dict[str, Any]:
    """POST a GraphQL query from a tab of the same browser, on the spa's own host
    (the browser resolves spa hosts to the live server; a cross-origin fetch from
    the console would be refused by its policy, as it should)."""
    tab = page.context.new_page()
    try:
        tab.goto(url.replace("/graphql/", "/healthz"))
        return tab.evaluate(
            """async ([query, token]) => {
                const headers = {"Content-Type": "application/json"};
                if (token) headers["Authorization"] = "Bearer " + token;
                const response = await fetch("/graphql/", {
                    method: "POST", headers, body: JSON.stringify({query}),
                });
                return {
                    status: response.status,
                    body: await response.json(),
                    impersonated_by: response.headers.get("X-Impersonated-By"),
                };
            }""",
            [query, token],
        )
    finally:
        tab.close()


def _accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def test_a_day_at_the_console(committing, chromium, live_server_on_spa_hosts, mailoutbox):
    # given a spa with an owner and a front desk member, and staff with an authenticator
    spa = spa_provision(
        slug="tide",
        name="Tide Aesthetics",
        timezone_name="America/New_York",
        owner_email="owner@tide.example",
    )
    owner = spa.memberships.get(role="owner")
    desk = MembershipFactory.create(spa=spa, role="front_desk", user__email="desk@tide.example")
    owner_token = token_issue(membership=owner).secret
    staff = staff_grant(email="ops@platform.example", name="Ops", password=PASSWORD)
    code = totp_now(staff_enroll(user=staff).device)
    live = live_server_on_spa_hosts
    ARTIFACTS.mkdir(exist_ok=True)

    def steps(page: Page) -> dict[str, Any]:
        _accept_dialogs(page)
        seen: dict[str, Any] = {}
        # sign in: password, then the code
        sign_in_in_browser(page, live.root("/console/"), email=staff.email, code=code)
        expect(page.locator("h1")).to_contain_text("Spas")
        page.screenshot(path=str(ARTIFACTS / "console-spa-list.png"), full_page=True)

        # find the spa
        page.fill("input[name=q]", "tide")
        page.click("form.list-filters button[type=submit]")
        page.click("text=Tide Aesthetics")
        expect(page.locator("h1").first).to_contain_text("Tide Aesthetics")
        page.screenshot(path=str(ARTIFACTS / "console-spa-detail.png"), full_page=True)
        api = live.url("tide", "/graphql/")
        seen["before"] = _graphql(page, api, CHANGE, owner_token)

        # suspend it: the API turns read-only
        page.fill("form[action$='/suspend/'] textarea[name=reason]", "Chargeback on invoice 1042")
        page.click("form[action$='/suspend/'] button[type=submit]")
        expect(page.locator(".messages")).to_be_visible()
        seen["suspended_badge"] = page.locator("h1 .badge").first.inner_text()
        seen["suspended"] = _graphql(page, api, CHANGE, owner_token)

        # reactivate it
        page.fill("form[action$='/reactivate/'] textarea[name=reason]", "Chargeback resolved")
        page.click("form[action$='/reactivate/'] button[type=submit]")
        expect(page.locator(".messages")).to_be_visible()
        seen["reactivated"] = _graphql(page, api, CHANGE, owner_token)

        # impersonate the front desk member
        page.select_option("select[name=membership]", str(desk.pk))
        page.fill(
            "form[action$='/impersonate/'] textarea[name=reason]", "Ticket 77: desk sees no slots"
        )
        page.click("form[action$='/impersonate/'] button[type=submit]")
        expect(page.locator(".impersonation-banner")).to_contain_text("Impersonation active")
        token = page.inner_text("#impersonation-token").strip()
        seen["impersonated"] = _graphql(page, api, WHO, token)
        page.screenshot(path=str(ARTIFACTS / "console-impersonation.png"), full_page=True)

        # provision a new spa and call its GraphQL endpoint
        page.click("nav.mainnav >> text=Provision a spa")
        page.fill("input[name=slug]", "harbor")
        page.fill("input[name=name]", "Harbor Skin")
        page.select_option("select[name=timezone]", "America/Chicago")
        page.fill("input[name=owner_email]", "owner@harbor.example")
        page.click("form[action='/console/provision/'] button[type=submit]")
        expect(page.locator("ul.steps")).to_contain_text("Open")
        seen["new_spa"] = _graphql(page, live.url("harbor", "/graphql/"), "{ spa { slug } }")

        # the console's audit log shows what was done to the spa
        page.goto(live.root("/console/audit/?spa=tide"))
        seen["audit"] = page.inner_text("table.audit-log")
        page.screenshot(path=str(ARTIFACTS / "console-audit-log.png"), full_page=True)
        return seen

    seen = chromium.run(steps, timeout=120)

    assert seen["before"]["body"]["data"]["updateSpaProfile"]["errors"] == []
    assert seen["suspended_badge"] == "Suspended"
    assert seen["suspended"]["status"] == 403
    assert seen["suspended"]["body"]["errors"][0]["extensions"]["code"] == "SPA_SUSPENDED"
    assert seen["reactivated"]["status"] == 200
    assert seen["reactivated"]["body"]["data"]["updateSpaProfile"]["errors"] == []
    assert seen["impersonated"]["impersonated_by"] == staff.email
    assert seen["impersonated"]["body"]["data"]["me"] == {
        "email": "desk@tide.example",
        "impersonation": {"by": staff.email, "reason": "Ticket 77: desk sees no slots"},
    }
    assert seen["new_spa"]["body"] == {"data": {"spa": {"slug": "harbor"}}}
    assert Spa.objects.get(slug="harbor").status == SpaStatus.TRIALING
    for label in ("Suspended", "Reactivated", "impersonating"):
        assert label.lower() in seen["audit"].lower(), label
    # both sides of the impersonation are on record
    actions = set(
        ConsoleAuditEntry.objects.filter(actor_id=staff.pk).values_list("action", flat=True)
    )
    assert {
        ConsoleAction.SIGN_IN,
        ConsoleAction.VERIFY,
        ConsoleAction.SUSPEND,
        ConsoleAction.REACTIVATE,
        ConsoleAction.IMPERSONATE,
        ConsoleAction.PROVISION,
    } <= actions
    connection.set_tenant(Spa.objects.get(slug="tide"))
    try:
        started = AuditEntry.objects.filter(action="imp_start").get()
    finally:
        connection.set_schema_to_public()
    assert started.actor_user_id == desk.user_id
    assert started.actor_role == f"imp:{staff.pk}:front_desk"
    for name in ("console-spa-list.png", "console-spa-detail.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
