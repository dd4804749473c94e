"""Verify the PHI audit log's hash chain, for every spa or the ones named."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from tenant_apps.audit.selectors import audit_chain_verify
from tenants.models import Spa, SpaStatus


class Command(BaseCommand):
    help = "Recompute every audit entry's hash; exit 1 if any spa's chain is broken."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Spas to check (default: all).")

    def handle(self, *args, slugs: list[str], **options):
        spas = Spa.objects.exclude(status=SpaStatus.PROVISIONING).order_by("slug")
        if slugs:
            spas = spas.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(spas.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No such spa: {', '.join(missing)}")
        broken = []
        for spa in spas:
            with tenant_context(spa):
                report = audit_chain_verify()
            if report.ok:
                self.stdout.write(f"{spa.slug}: ok ({report.entries} entries)")
            else:
                broken.append(spa.slug)
                self.stdout.write(
                    f"{spa.slug}: BROKEN at entry {report.broken_at}: {report.reason}"
                )
        if broken:
            raise CommandError(f"Audit chain broken for: {', '.join(broken)}")
