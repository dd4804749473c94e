"""Record the platform's figures of the day, which the console's chart draws.

manage.py console_metrics                 # today's figures (UTC), live; run hourly
manage.py console_metrics --backfill 90   # also estimate the 90 days before today

Each run overwrites today's row, so the last run of a day leaves its closing
figures. A backfill reconstructs past days from the spas' status history at
today's prices and seats (marked estimated) and never replaces a day that was
recorded live.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.console.formatting import money
from shared_apps.console.models import PlatformDay
from shared_apps.console.usage import platform_day_record, platform_days_backfill

MAX_BACKFILL_DAYS = 3660


def describe(row: PlatformDay) -> str:
    mrr = ", ".join(money(cents, code) for code, cents in sorted(row.mrr_cents.items())) or "none"
    return (
        f"{row.day:%Y-%m-%d}: {row.spas} spas ({row.active} active, {row.trialing} trialing,"
        f" {row.past_due} past due, {row.suspended} suspended), MRR {mrr}"
    )


class Command(BaseCommand):
    help = "Record today's platform figures (spas by status, MRR); optionally backfill past days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backfill",
            type=int,
            default=0,
            metavar="DAYS",
            help="Also estimate the DAYS days before today from the spas' status history.",
        )

    def handle(self, *args, backfill: int, **options) -> None:
        if not 0 <= backfill <= MAX_BACKFILL_DAYS:
            raise CommandError(f"--backfill takes 0 to {MAX_BACKFILL_DAYS} days.")
        if backfill:
            report = platform_days_backfill(days=backfill)
            if report.written:
                first, last = report.written[0].day, report.written[-1].day
                self.stdout.write(
                    f"Backfilled {len(report.written)} day{'s' if len(report.written) != 1 else ''}"
                    f" ({first:%Y-%m-%d} to {last:%Y-%m-%d}), estimated from status history"
                    " at today's prices and seats."
                )
            else:
                self.stdout.write("Backfilled no days.")
            if report.kept:
                self.stdout.write(
                    f"Kept {len(report.kept)} day{'s' if len(report.kept) != 1 else ''}"
                    " recorded live."
                )
            if report.skipped:
                self.stdout.write(
                    f"Skipped {len(report.skipped)} day{'s' if len(report.skipped) != 1 else ''}"
                    " before the first spa existed."
                )
        row = platform_day_record()
        self.stdout.write(f"Recorded {describe(row)}.")
