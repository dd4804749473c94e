"""Provisioning a spa from the console: the form's checks, the spa provisioned
end to end with its plan's trial and owner, the steps read back from the
database, and a provisioning that stopped half-way resumed or cancelled.

Provisioning commits between its steps, so those tests use `committing` and a
console client of their own (the `console` fixture runs in a transaction)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection as django_connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from shared_apps.accounts.models import Membership, User
from shared_apps.billing.models import Subscription
from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from shared_apps.console.staff import staff_enroll, staff_grant
from tenants.locks import advisory_lock
from tenants.models import Domain, Spa, SpaStatus
from tenants.provisioning import spa_register
from tests.conftest import HostClient
from tests.factories import PASSWORD
from tests.shared_apps.console.conftest import sign_in


def said(response) -> list[str]:
    storage: Any = get_messages(response.wsgi_request)
    return [str(message) for message in storage._queued_messages]


def _form(**overrides) -> dict[str, str]:
    return {
        "name": "Lumen Skin",
        "slug": "lumen",
        "timezone": "America/Chicago",
        "owner_email": "Lena@Lumen.example",
        "plan": "growth",
        "start": "trialing",
        **overrides,
    }


@pytest.fixture
def staff_console(committing) -> HostClient:
    """A console client signed in by staff whose account commits (removed after)."""
    user = staff_grant(email="provisioner@platform.example", password=PASSWORD)
    user.device = staff_enroll(user=user).device  # type: ignore[attr-defined]
    client = HostClient(settings.ROOT_DOMAIN)
    client.user = user  # type: ignore[attr-defined]
    return sign_in(client, user)


def _registered(slug: str = "lumen") -> Spa:
    """What a crash right after step 1 leaves: the spa registered, no schema."""
    return spa_register(
        slug=slug,
        name="Lumen Skin",
        timezone_name="America/Chicago",
        owner_email="lena@lumen.example",
        initial_status=SpaStatus.TRIALING,
    )


# --- End to end ----------------------------------------------------------------------------------


def test_provisioning_opens_a_spa_with_its_plan_and_owner(staff_console, client_for, mailoutbox):
    # when staff submit the form
    response = staff_console.post("/console/provision/", _form())

    # then the spa is open, trialing on the plan's trial, as signup makes it
    assert response.status_code == 302, response.content
    assert response["Location"] == "/console/provision/lumen/"
    assert said(response) == ["Lumen Skin is provisioned and trialing."]
    spa = Spa.objects.get(slug="lumen")
    assert (spa.name, spa.status, spa.timezone, spa.owner_email) == (
        "Lumen Skin",
        SpaStatus.TRIALING,
        "America/Chicago",
        "lena@lumen.example",
    )
    subscription = Subscription.objects.get(spa=spa)
    assert (subscription.plan.code, subscription.status, subscription.stripe_customer_id) == (
        "growth",
        "trialing",
        None,
    )
    assert abs(subscription.trial_end - (timezone.now() + timedelta(days=14))) < timedelta(
        minutes=1
    )
    # and its owner has an account without a password, and a welcome link
    owner = User.objects.get(email="lena@lumen.example")
    assert Membership.objects.get(spa=spa, user=owner).role == "owner"
    assert not owner.has_usable_password()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["lena@lumen.example"], "Welcome to Lumen Skin: set your password")
    ]
    # and the audit entry committed with the opening
    entry = ConsoleAuditEntry.objects.get(action=ConsoleAction.PROVISION, spa_id=spa.pk)
    assert (entry.actor_id, entry.actor_email, entry.spa_slug, entry.ip) == (
        staff_console.user.pk,
        "provisioner@platform.example",
        "lumen",
        "127.0.0.1",
    )
    assert entry.detail == {"plan": "growth", "status": "trialing", "resumed": False}

    # and the result page shows every step done and the spa's addresses
    page = staff_console.get("/console/provision/lumen/").content.decode()
    assert page.count('<li class="done">') == 4
    assert "Growth (trialing, trial until" in page
    assert "https://lumen.medspa.test/graphql/" in page
    assert 'href="/console/spas/lumen/"' in page
    assert "data-done" in page

    # and the new spa's API answers on its own host
    answer = client_for(spa).graphql("{ spa { slug name status } }")
    assert answer.data == {"spa": {"slug": "lumen", "name": "Lumen Skin", "status": "TRIALING"}}


def test_a_spa_can_start_active(staff_console):
    staff_console.post("/console/provision/", _form(start="active", plan="starter"))

    spa = Spa.objects.get(slug="lumen")
    assert spa.status == SpaStatus.ACTIVE
    assert Subscription.objects.get(spa=spa).plan.code == "starter"


def test_a_schema_left_by_a_deleted_spa_is_refused_on_the_form(staff_console):
    # given the schema of a spa long gone still sits at spa_ghost
    with django_connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA spa_ghost")
    try:
        response = staff_console.post("/console/provision/", _form(slug="ghost"))

        assert response.status_code == 400
        assert "That slug is taken." in response.content.decode()
        assert not Spa.objects.filter(slug="ghost").exists()
        assert not ConsoleAuditEntry.objects.filter(spa_slug="ghost").exists()
    finally:
        with django_connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA spa_ghost")


# --- Stopped half-way: resume or cancel ----------------------------------------------------------


def test_a_stalled_provisioning_shows_where_it_stopped_and_resumes(staff_console, client_for):
    spa = _registered()

    page = staff_console.get("/console/provision/lumen/").content.decode()

    assert '<li class="done">Registered' in page
    assert '<li class="failed">Schema built' in page
    assert '<li class="pending">Open' in page
    assert 'action="/console/provision/lumen/resume/"' in page
    assert 'action="/console/provision/lumen/cancel/"' in page
    assert "data-done" in page  # nothing runs: the page stops polling

    response = staff_console.post("/console/provision/lumen/resume/", {"plan": "pro"})

    assert response["Location"] == "/console/provision/lumen/"
    assert said(response) == ["Lumen Skin is provisioned and trialing."]
    spa.refresh_from_db()
    assert spa.status == SpaStatus.TRIALING
    assert Subscription.objects.get(spa=spa).plan.code == "pro"
    entry = ConsoleAuditEntry.objects.get(action=ConsoleAction.PROVISION, spa_id=spa.pk)
    assert entry.detail == {"plan": "pro", "status": "trialing", "resumed": True}
    assert client_for(spa).graphql("{ spa { slug } }").data == {"spa": {"slug": "lumen"}}


def test_a_stalled_provisioning_can_be_cancelled(staff_console):
    spa = _registered()

    response = staff_console.post("/console/provision/lumen/cancel/")

    assert response["Location"] == "/console/provision/"
    assert said(response) == ["lumen was cancelled: its schema, domains and record are gone."]
    assert not Spa.objects.filter(slug="lumen").exists()
    assert not Domain.objects.filter(domain="lumen.medspa.test").exists()
    assert not schema_exists("spa_lumen")
    entry = ConsoleAuditEntry.objects.get(action=ConsoleAction.PROVISION, spa_id=spa.pk)
    assert (entry.actor_id, entry.spa_slug, entry.detail) == (
        staff_console.user.pk,
        "lumen",
        {"cancelled": True},
    )


def test_an_open_spa_is_neither_resumed_nor_cancelled(staff_console):
    staff_console.post("/console/provision/", _form())

    resume = staff_console.post("/console/provision/lumen/resume/", {"plan": "pro"})
    cancel = staff_console.post("/console/provision/lumen/cancel/")

    assert said(resume) == ["Lumen Skin is open already (trialing)."]
    assert said(cancel) == ["Only a spa that is still provisioning can be cancelled."]
    assert Subscription.objects.get(spa__slug="lumen").plan.code == "growth"
    spa = Spa.objects.get(slug="lumen")
    assert ConsoleAuditEntry.objects.filter(spa_id=spa.pk).count() == 1


# --- Without committing: the form, the checks, the steps ----------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "glow"}, "That address is taken."),
        ({"slug": "www"}, None),
        ({"slug": "Not A Slug"}, None),
        ({"name": ""}, "Enter the spa&#x27;s name."),
        ({"owner_email": "not-an-email"}, "Enter a valid email."),
        ({"plan": "platinum"}, "There is no such plan on offer."),
        ({"timezone": "Mars/Olympus"}, "Select a valid choice."),
        ({"start": "suspended"}, "Select a valid choice."),
    ],
)
def test_the_form_refuses_bad_input_and_creates_nothing(db, console, overrides, message):
    spas_before = Spa.objects.count()

    response = console.post("/console/provision/", _form(**overrides))

    assert response.status_code == 400
    if message:
        assert message in response.content.decode()
    assert Spa.objects.count() == spas_before
    assert not User.objects.filter(email="lena@lumen.example").exists()
    assert not ConsoleAuditEntry.objects.filter(
        actor_id=console.user.pk, action=ConsoleAction.PROVISION
    ).exists()


def test_the_form_lists_plans_and_timezones(db, console):
    html = console.get("/console/provision/").content.decode()

    assert '<option value="growth">Growth (299.00 USD/month)</option>' in html
    assert '<option value="America/New_York" selected>' in html
    assert 'data-slug-check="/console/slug-availability/"' in html


@pytest.mark.parametrize(
    ("slug", "available", "message"),
    [
        ("glow", False, "That address is taken."),
        ("lumen", True, "lumen is available."),
    ],
)
def test_the_slug_check(db, console, slug, available, message):
    answer = console.get("/console/slug-availability/", {"slug": slug}).json()

    assert (answer["available"], answer["message"]) == (available, message)


def test_an_open_spas_steps_are_all_done(glow, console):
    html = console.get("/console/provision/glow/steps/").content.decode()

    assert html.count('<li class="done">') == 4
    assert "No subscription: made without one." in html
    assert "data-done" in html


def test_steps_poll_while_another_process_provisions(db, console):
    # given a spa registered, whose provisioning lock another connection holds
    spa = _registered()

    with advisory_lock(f"spa-provision:{spa.pk}"):
        running = console.get("/console/provision/lumen/steps/").content.decode()
    stalled = console.get("/console/provision/lumen/steps/").content.decode()

    assert '<li class="running">Schema built' in running
    assert "data-done" not in running
    assert '<li class="failed">Schema built' in stalled
    assert "data-done" in stalled


def test_provisioning_urls_need_staff_and_the_right_method(glow, staff_member):
    anonymous = HostClient(settings.ROOT_DOMAIN)
    password_only = sign_in(HostClient(settings.ROOT_DOMAIN), staff_member(), verify=False)

    for client in (anonymous, password_only):
        assert client.post("/console/provision/", _form()).status_code == 403
        assert client.post("/console/provision/glow/resume/", {"plan": "pro"}).status_code == 403
        assert client.post("/console/provision/glow/cancel/").status_code == 403
    assert anonymous.get("/console/provision/").status_code == 302
    assert not Spa.objects.filter(slug="lumen").exists()
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE


def test_resume_and_cancel_answer_post_only(glow, console):
    assert console.get("/console/provision/glow/resume/").status_code == 405
    assert console.get("/console/provision/glow/cancel/").status_code == 405


# --- In a browser ------------------------------------------------------------------------------


def test_provisioning_in_a_browser(committing, chromium, live_server_on_spa_hosts):
    # given staff with an authenticator (the browser signs in with both steps)
    from tests.shared_apps.console.conftest import sign_in_in_browser, totp_now

    user = staff_grant(email="browser@platform.example", password=PASSWORD)
    device = staff_enroll(user=user).device
    code = totp_now(device)
    live = live_server_on_spa_hosts

    def steps(page) -> dict[str, str]:
        sign_in_in_browser(page, live.root("/console/provision/"), email=user.email, code=code)
        page.wait_for_url("**/console/provision/")
        # the address is checked as it is typed
        page.fill("input[name=slug]", "glow")
        page.wait_for_selector("[data-slug-result].taken")
        taken = page.inner_text("[data-slug-result]")
        page.fill("input[name=slug]", "lumen")
        page.wait_for_selector("[data-slug-result].free")
        page.fill("input[name=name]", "Lumen Skin")
        page.select_option("select[name=timezone]", "America/Chicago")
        page.fill("input[name=owner_email]", "lena@lumen.example")
        page.select_option("select[name=plan]", "starter")
        page.click("form[action='/console/provision/'] button[type=submit]")
        page.wait_for_url("**/console/provision/lumen/")
        return {
            "taken": taken,
            "steps": page.inner_text("ul.steps"),
            "result": page.inner_text("#provision-result + dl"),
        }

    seen = chromium.run(steps)

    assert seen["taken"] == "That address is taken."
    assert seen["steps"].splitlines()[0].startswith("Registered")
    assert "Open" in seen["steps"] and "Trialing" in seen["steps"]
    assert "https://lumen.medspa.test/graphql/" in seen["result"]
    spa = Spa.objects.get(slug="lumen")
    assert (spa.status, Subscription.objects.get(spa=spa).plan.code) == ("trialing", "starter")
