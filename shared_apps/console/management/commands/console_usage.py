"""Refresh the spas' usage figures that the console's spa list shows.

manage.py console_usage              # every spa in use (not provisioning, not closed)
manage.py console_usage glow radiance

Hourly (platform/RUNBOOK.md). Counting needs a query in each spa's schema,
which is why the list page reads these stored figures instead.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from shared_apps.console.usage import usage_refresh_all
from tenants.models import Spa


class Command(BaseCommand):
    help = "Recompute clients, appointments this month and data size of every spa (or those named)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Spas to refresh (default: every spa in use).")

    def handle(self, *args, slugs: list[str], **options) -> None:
        if slugs:
            known = set(Spa.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            missing = sorted(set(slugs) - known)
            if missing:
                raise CommandError(f"No such spa: {', '.join(missing)}")
        started = time.monotonic()
        report = usage_refresh_all(slugs=slugs or None)
        for usage in report.usages:
            self.stdout.write(
                f"{usage.spa.slug}: {usage.clients} clients,"
                f" {usage.appointments_this_month} appointments this month,"
                f" {filesizeformat(usage.schema_bytes)}"
            )
        for slug, error in report.failed:
            self.stderr.write(f"{slug}: FAILED ({error}); its previous figures are kept")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Usage refreshed for {len(report.usages)} spa{'s' if len(report.usages) != 1 else ''}"
            f" in {seconds:.1f}s."
        )
        if slugs and not report.usages and not report.failed:
            self.stdout.write("(Spas provisioning or closed have no usage to count.)")
        if report.failed:
            raise CommandError(
                f"Usage could not be counted for: {', '.join(slug for slug, _ in report.failed)}"
            )
