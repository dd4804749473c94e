"""What time alone changes in billing: spas past their grace period (unpaid) or
past their trial (nothing bought) become read-only; canceled spas past their
retention period are listed (and closed with --close-expired; closing keeps
the data). Run it hourly from the scheduler (platform/RUNBOOK.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shared_apps.billing.dunning import billing_enforce


class Command(BaseCommand):
    help = "Suspend spas whose grace period or trial ran out; list expired retention."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--close-expired",
            action="store_true",
            help="close canceled spas past the retention period (nothing is deleted)",
        )

    def handle(self, *args: Any, close_expired: bool, **_: Any) -> None:
        report = billing_enforce(close_expired=close_expired)
        for slug, status in sorted(report.changed.items()):
            self.stdout.write(f"{slug:<24} -> {status}")
        for slug in report.retention_expired:
            done = "closed" if slug in report.closed else "due for export and closing"
            self.stdout.write(f"{slug:<24} retention over: {done}")
        self.stdout.write(
            f"{len(report.changed)} spa(s) changed, {len(report.retention_expired)} past retention."
        )
