"""Delete stored objects that no file row names (tenant_apps/files/sweep.py),
for every spa or the ones named."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from tenant_apps.files.sweep import files_orphans
from tenants.models import Spa, SpaStatus


class Command(BaseCommand):
    help = "Delete objects of the spas' storage that no StoredFile row names (older than a day)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Spas to sweep (default: all).")
        parser.add_argument("--dry-run", action="store_true", help="List, delete nothing.")
        parser.add_argument("--hours", type=int, default=24, help="Only objects older than this.")

    def handle(self, *args, slugs: list[str], dry_run: bool, hours: int, **options):
        spas = Spa.objects.exclude(status=SpaStatus.PROVISIONING).order_by("slug")
        if slugs:
            spas = spas.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(spas.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No such spa: {', '.join(missing)}")
        for spa in spas:
            with tenant_context(spa):
                orphans = files_orphans(older_than=dt.timedelta(hours=hours), delete=not dry_run)
            verb = "would delete" if dry_run else "deleted"
            self.stdout.write(f"{spa.slug}: {verb} {len(orphans)} objects without a row")
