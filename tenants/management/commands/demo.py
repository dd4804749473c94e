"""Provision the demo spas (idempotent) and print how to reach them.

manage.py demo
"""

from __future__ import annotations

import base64
import time
from io import StringIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared_apps.accounts.models import Membership, User
from shared_apps.console.staff import staff_enroll, staff_grant
from shared_apps.lifecycle.services import spa_provision
from tenant_apps.profile.services import profile_update
from tenants.db import connection
from tenants.management.commands._demo_calendar import Seeded, seed_calendar
from tenants.management.commands._demo_calendar_data import provider_people
from tenants.management.commands._demo_records import seed_records
from tenants.models import SpaStatus
from tenants.selectors import spa_get

DEMO_SPAS = [
    {
        "slug": "glow",
        "name": "Glow Aesthetics",
        "timezone_name": "America/New_York",
        "owner_email": "owner@glow.example",
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


def _demo_users(slug: str, *, password_hash: str | None = None) -> None:
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


def _demo_memberships(spa) -> None:
    for email, _name, role in DEMO_PEOPLE[spa.slug]:
        Membership.objects.update_or_create(
            user=User.objects.get(email=email), spa=spa, defaults={"role": role, "is_active": True}
        )


def _summary(seeded: Seeded, seconds: float) -> str:
    if seeded == Seeded():
        return "calendar already seeded"
    return (
        f"seeded {seeded.appointments} appointments, {seeded.providers} providers,"
        f" {seeded.services} services, {seeded.resources} rooms and devices ({seconds:.1f}s)"
    )


# The console's demo staff member and the published key of their authenticator
# (hex, as django-otp stores it): add it to an authenticator app, or print the
# current code with `manage.py console_staff code ops@medspa.example` (DEBUG only).
DEMO_STAFF_EMAIL = "ops@medspa.example"
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def _demo_console_staff(port: int) -> str:
    user = staff_grant(email=DEMO_STAFF_EMAIL, name="Platform Ops", password=DEMO_PASSWORD)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or device.key != DEMO_TOTP_KEY:
        device = staff_enroll(user=user, key=DEMO_TOTP_KEY).device
    secret = base64.b32encode(device.bin_key).decode()
    return (
        f"Console: http://{settings.ROOT_DOMAIN}:{port}/console/ as {DEMO_STAFF_EMAIL},"
        f" password {DEMO_PASSWORD}; authenticator secret {secret}"
        f" (or `manage.py console_staff code {DEMO_STAFF_EMAIL}` prints the current code)."
    )


class Command(BaseCommand):
    help = "Create the demo spas (if missing) and print their URLs."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # Demo people have a published password: never outside development.
            raise CommandError("The demo data is for development only (DJANGO_DEBUG=true).")
        port = getattr(settings, "DEV_SERVER_PORT", 8000)
        password_hash = make_password(DEMO_PASSWORD)
        self.stdout.write("")
        for spec in DEMO_SPAS:
            spec = dict(spec)
            profile = spec.pop("profile")
            _demo_users(spec["slug"], password_hash=password_hash)
            existing = spa_get(slug=spec["slug"])
            if existing is not None and existing.status != SpaStatus.PROVISIONING:
                spa = existing  # keep a developer's own spa under a demo slug as it is
            else:
                spa = spa_provision(**spec)
            # Members first: a provider's staff profile checks the membership.
            _demo_memberships(spa)
            started = time.monotonic()
            connection.set_tenant(spa)
            profile_update(**profile)
            seed_records(area_code=profile["contact_phone"][2:5])
            seeded = seed_calendar(slug=spa.slug)
            connection.set_schema_to_public()
            url = f"http://{spa.slug}.{settings.ROOT_DOMAIN}:{port}/graphql/"
            self.stdout.write(self.style.SUCCESS(f"  {spa.name:<20} {url}"))
            self.stdout.write(f"  {'':<20} {_summary(seeded, time.monotonic() - started)}")
            if seeded.refused:
                self.stderr.write(
                    f"  {seeded.refused} bookings the engine offered were refused: the engine"
                    " and appointment_book disagree."
                )
        root = f"http://{settings.ROOT_DOMAIN}:{port}/graphql/"
        self.stdout.write(f"  {'Platform (public)':<20} {root}")
        providers = "; ".join(
            f"{emails[0]} to {emails[-1]}"
            for emails in (
                [email for email, _name, role in people if role == "provider"]
                for people in DEMO_PEOPLE.values()
            )
            if emails
        )
        self.stdout.write(
            f"\nSign in as owner@glow.example or frontdesk@glow.example (the same for radiance),"
            f" or as a provider ({providers}), password {DEMO_PASSWORD}."
            " README shows the curl round trip.\n"
        )
        # The console's figures, as the hourly jobs would have computed them.
        call_command("console_usage", stdout=StringIO())
        call_command("console_metrics", stdout=StringIO())
        self.stdout.write(_demo_console_staff(port) + "\n")
