"""Provision the demo spas (idempotent) and print how to reach them.

manage.py demo
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from tenant_apps.profile.services import profile_update
from tenants.db import connection
from tenants.models import SpaStatus
from tenants.selectors import spa_get
from tenants.services import spa_provision

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


class Command(BaseCommand):
    help = "Create the demo spas (if missing) and print their URLs."

    def handle(self, *args, **options):
        port = getattr(settings, "DEV_SERVER_PORT", 8000)
        self.stdout.write("")
        for spec in DEMO_SPAS:
            spec = dict(spec)
            profile = spec.pop("profile")
            existing = spa_get(slug=spec["slug"])
            if existing is not None and existing.status != SpaStatus.PROVISIONING:
                spa = existing  # keep a developer's own spa under a demo slug as it is
            else:
                spa = spa_provision(**spec)
            connection.set_tenant(spa)
            profile_update(**profile)
            connection.set_schema_to_public()
            url = f"http://{spa.slug}.{settings.ROOT_DOMAIN}:{port}/graphql/"
            self.stdout.write(self.style.SUCCESS(f"  {spa.name:<20} {url}"))
        root = f"http://{settings.ROOT_DOMAIN}:{port}/graphql/"
        self.stdout.write(f"  {'Platform (public)':<20} {root}")
        query = '{"query": "{ spa { name slug timezone status } }"}'
        self.stdout.write(
            f"\nTry:\n  curl -s http://glow.{settings.ROOT_DOMAIN}:{port}/graphql/ "
            f"-H 'Content-Type: application/json' --data '{query}'\n"
        )
