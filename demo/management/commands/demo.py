"""Provision the demo spas (idempotent) and print how to reach them.

manage.py demo    (bin/demo runs it; the data: demo/spas.py, demo/calendar*.py, demo/records.py)
"""

from __future__ import annotations

import time
from io import StringIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.billing import HISTORY_DAYS, demo_signed_up, demo_subscription
from demo.calendar import Seeded, seed_calendar
from demo.forms import seed_forms
from demo.forms_signed import seed_signed_forms
from demo.messaging import seed_messaging
from demo.photos import seed_photos
from demo.records import seed_records
from demo.spas import (
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    DEMO_SPAS,
    demo_console_staff,
    demo_memberships,
    demo_users,
)
from shared_apps.lifecycle.services import spa_provision
from tenant_apps.profile.services import profile_update
from tenants.db import connection
from tenants.models import SpaStatus
from tenants.selectors import spa_get


def _summary(seeded: Seeded, seconds: float) -> str:
    if seeded == Seeded():
        return "calendar already seeded"
    return (
        f"seeded {seeded.appointments} appointments, {seeded.providers} providers,"
        f" {seeded.services} services, {seeded.resources} rooms and devices ({seconds:.1f}s)"
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
            plan_code = spec.pop("plan")
            signed_up_days_ago = spec.pop("signed_up_days_ago")
            demo_users(spec["slug"], password_hash=password_hash)
            existing = spa_get(slug=spec["slug"])
            if existing is not None and existing.status != SpaStatus.PROVISIONING:
                spa = existing  # keep a developer's own spa under a demo slug as it is
            else:
                spa = spa_provision(**spec)
            # Members first: a provider's staff profile checks the membership.
            demo_memberships(spa)
            started = time.monotonic()
            connection.set_tenant(spa)
            profile_update(**profile)
            seed_records(area_code=profile["contact_phone"][2:5])
            seeded = seed_calendar(slug=spa.slug)
            seed_forms()
            seed_signed_forms(spa_name=spa.name)
            seed_messaging(spa_name=spa.name)
            seed_photos()
            connection.set_schema_to_public()
            demo_signed_up(spa, days_ago=signed_up_days_ago)
            demo_subscription(spa, plan_code=plan_code)
            url = f"http://{spa.slug}.{settings.ROOT_DOMAIN}:{port}/graphql/"
            self.stdout.write(self.style.SUCCESS(f"  {spa.name:<20} {url}"))
            app = f"http://{spa.slug}.{settings.ROOT_DOMAIN}:{port}/app/"
            self.stdout.write(self.style.SUCCESS(f"  {'':<20} {app} (the staff web app)"))
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
            f"\nSign in (in the web app, /app/, or with the API's login) as owner@glow.example"
            " or frontdesk@glow.example (the same for radiance),"
            f" or as a provider ({providers}), password {DEMO_PASSWORD}."
            " README shows the curl round trip.\n"
        )
        # The console's figures, as the hourly jobs would have computed them, and
        # its chart's past, estimated from the spas' status history.
        call_command("console_usage", stdout=StringIO())
        call_command("console_metrics", backfill=HISTORY_DAYS, stdout=StringIO())
        self.stdout.write(demo_console_staff(port) + "\n")
