"""Console fixtures: platform staff with an authenticator, and clients signed in
through the real two steps (password, then a TOTP code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared_apps.accounts.models import User
from shared_apps.console.staff import staff_enroll, staff_grant
from tests.conftest import HostClient
from tests.factories import PASSWORD


def totp_now(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the staff member's app shows now (or `steps_ahead` codes later:
    django-otp accepts a code once, so a second sign-in uses the next one)."""
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead
    )
    return f"{code:0{device.digits}d}"


@pytest.fixture
def staff_member(db) -> Callable[..., User]:
    """`staff_member(email=...)`: platform staff with an enrolled authenticator
    (`user.device`), password tests.factories.PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, **fields: Any) -> User:
        user = staff_grant(
            email=email or f"staff{next(counter)}@platform.example", password=PASSWORD, **fields
        )
        user.device = staff_enroll(user=user).device  # type: ignore[attr-defined]
        return user

    return make


def sign_in(client: HostClient, user: User, *, verify: bool = True) -> HostClient:
    """The two steps, as a browser does them."""
    response = client.post("/console/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    if verify:
        device = user.device  # type: ignore[attr-defined]
        response = client.post("/console/verify/", {"code": totp_now(device)})
        assert response.status_code == 302, response.content
    return client


@pytest.fixture
def console(staff_member) -> HostClient:
    """A client on the root domain, signed in as platform staff with TOTP."""
    client = HostClient(settings.ROOT_DOMAIN)
    client.user = staff_member()  # type: ignore[attr-defined]
    return sign_in(client, client.user)  # type: ignore[attr-defined]


def sign_in_in_browser(page: Any, address: str, *, email: str, code: str) -> None:
    """Open a console address in the browser and pass both sign-in steps (the
    sign-in page sends the browser back to `address`)."""
    page.goto(address)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")
