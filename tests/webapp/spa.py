"""Set-up of the web app's browser tests: a spa of the test's own with a
bookable calendar and members who can sign in, and helpers to drive the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from playwright.sync_api import Page, expect

from shared_apps.accounts.models import Membership
from shared_apps.lifecycle.services import spa_provision
from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location
from tenant_apps.staff.models import StaffProfile
from tenants.models import Spa
from tests.factories import PASSWORD, MembershipFactory
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.locations.factories import LocationFactory, LocationHoursFactory, on_spa
from tests.tenant_apps.staff.factories import StaffProfileFactory, WorkingHoursFactory

NEW_YORK = ZoneInfo("America/New_York")
ARTIFACTS = Path(settings.BASE_DIR) / "tests" / "artifacts"
AXE = Path(settings.BASE_DIR) / "webapp" / "node_modules" / "axe-core" / "axe.min.js"
_numbers = count(1)
_T = TypeVar("_T")


@dataclass
class SpaOfItsOwn:
    spa: Spa
    location: Location
    service: Service
    providers: list[StaffProfile]
    members: dict[str, Membership] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    def email(self, role: str) -> str:
        return self.members[role].user.email


def a_spa(*, providers: int = 2) -> SpaOfItsOwn:
    """A New York spa open 07:00-21:00 every day, a 60-minute service, providers
    who can sign in and work those hours, a front desk, a manager and an owner
    (password tests.factories.PASSWORD), and two clients."""
    n = next(_numbers)
    slug = f"webapp-{n}"
    spa = spa_provision(
        slug=slug,
        name=f"Webapp Spa {n}",
        timezone_name="America/New_York",
        owner_email=f"founder@{slug}.example",
    )
    members = {
        role: MembershipFactory.create(
            spa=spa,
            role=role,
            user__email=f"{role}@{slug}.example",
            user__name=f"{role.title()} Person",
        )
        for role in ("front_desk", "manager", "owner")
    }
    with on_spa(spa):
        location: Location = LocationFactory.create(
            name="Midtown", timezone="America/New_York", country="US"
        )
        for weekday in range(1, 8):
            LocationHoursFactory(
                location=location, weekday=weekday, opens_at="07:00", closes_at="21:00"
            )
        service: Service = ServiceFactory.create(
            name="Hydrafacial", duration_minutes=60, is_bookable_online=True
        )
        staff = []
        for i in range(providers):
            member = MembershipFactory.create(
                spa=spa,
                role="provider",
                user__email=f"provider{i + 1}@{slug}.example",
                user__name=f"Dana Provider {i + 1}",
            )
            members[f"provider{i + 1}"] = member
            profile: StaffProfile = StaffProfileFactory.create(
                display_name=f"Dana Provider {i + 1}", user_id=member.user_id
            )
            for weekday in range(1, 8):
                WorkingHoursFactory(
                    staff=profile,
                    location=location,
                    weekday=weekday,
                    starts_at="07:00",
                    ends_at="21:00",
                )
            staff.append(profile)
        clients = [
            Client.objects.create(
                first_name="Robin", last_name="Patient", email="robin@mail.example"
            ),
            Client.objects.create(
                first_name="Sasha", last_name="Client", email="sasha@mail.example"
            ),
        ]
    return SpaOfItsOwn(spa, location, service, staff, members, clients)


def today_at(hour: int, minute: int = 0) -> dt.datetime:
    day = dt.datetime.now(NEW_YORK).date()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now
    (axe from webapp/node_modules, run through the DevTools protocol: the page's
    CSP allows no script of ours)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    found = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def showing_the_page(steps: Callable[[Page], _T]) -> Callable[[Page], _T]:
    """`steps` that, when they fail, print the page's text and its console first."""

    def run(page: Page) -> _T:
        logs: list[str] = []
        page.on("console", lambda m: logs.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: logs.append(f"pageerror: {e}"))
        try:
            return steps(page)
        except Exception:
            print("PAGE:", page.url, page.inner_text("body")[:3000])
            print("CONSOLE:", logs)
            raise

    return run
