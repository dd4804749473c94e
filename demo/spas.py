"""The demo spas, their people and the console's demo staff member (development only)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.calendar_data import provider_people
from shared_apps.accounts.models import Membership, User
from shared_apps.console.staff import staff_enroll, staff_grant

DEMO_SPAS = [
    {
        "slug": "glow",
        "name": "Glow Aesthetics",
        "timezone_name": "America/New_York",
        "owner_email": "owner@glow.example",
        # demo/billing.py: the plan, and when the spa signed up (the console's history)
        "plan": "growth",
        "signed_up_days_ago": 150,
        "profile": {
            "contact_email": "hello@glow.example",
            "contact_phone": "+12125550142",
            "website": "https://glow.example",
            "booking_policy": "Please give 24 hours' notice to cancel; late cancellations "
            "are charged 50% of the service price.",
            "brand_color": "#C2185B",
        },
    },
    {
        "slug": "radiance",
        "name": "Radiance Med Spa",
        "timezone_name": "America/Los_Angeles",
        "owner_email": "owner@radiance.example",
        "plan": "starter",
        "signed_up_days_ago": 45,
        "profile": {
            "contact_email": "frontdesk@radiance.example",
            "contact_phone": "+13105550187",
            "website": "https://radiance.example",
            "booking_policy": "Deposits are refundable up to 48 hours before your visit.",
            "brand_color": "#00796B",
        },
    },
]


# Demo sign-ins (development data only): (email, name, role) per spa; the
# providers (provider1@<slug>.example, ...) come with the calendar's data.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (published demo data; DEBUG only)
DEMO_PEOPLE = {
    "glow": [
        ("owner@glow.example", "Grace Owens", "owner"),
        ("frontdesk@glow.example", "Felix Desk", "front_desk"),
        *provider_people("glow"),
    ],
    "radiance": [
        ("owner@radiance.example", "Rae Diaz", "owner"),
        ("frontdesk@radiance.example", "Rory Fields", "front_desk"),
        *provider_people("radiance"),
    ],
}


def demo_users(slug: str, *, password_hash: str | None = None) -> None:
    """The demo people, with their password, before their spa is provisioned (so
    provisioning does not email the owner a set-password link). A hash made once
    serves everyone: hashing is slow on purpose, and a dozen people would take
    seconds."""
    password_hash = password_hash or make_password(DEMO_PASSWORD)
    for email, name, _role in DEMO_PEOPLE[slug]:
        user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
        user.name = name
        user.password = password_hash
        user.save()


def demo_memberships(spa) -> None:
    for email, _name, role in DEMO_PEOPLE[spa.slug]:
        Membership.objects.update_or_create(
            user=User.objects.get(email=email), spa=spa, defaults={"role": role, "is_active": True}
        )


# The console's demo staff member and the published key of their authenticator
# (hex, as django-otp stores it): add it to an authenticator app, or print the
# current code with `manage.py console_staff code ops@medspa.example` (DEBUG only).
DEMO_STAFF_EMAIL = "ops@medspa.example"
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def demo_console_staff(port: int) -> str:
    user = staff_grant(email=DEMO_STAFF_EMAIL, name="Platform Ops", password=DEMO_PASSWORD)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or device.key != DEMO_TOTP_KEY:
        device = staff_enroll(user=user, key=DEMO_TOTP_KEY).device
    secret = base64.b32encode(device.bin_key).decode()
    return (
        f"Console: http://{settings.ROOT_DOMAIN}:{port}/console/ as {DEMO_STAFF_EMAIL},"
        f" password {DEMO_PASSWORD}; authenticator secret {secret}"
        f" (or `.venv/bin/python manage.py console_staff code {DEMO_STAFF_EMAIL}`"
        " prints the current code)."
    )
