"""Spa lifecycle from the command line.

manage.py spa create glow --name "Glow Aesthetics" --owner-email owner@glow.example
manage.py spa list
manage.py spa resume glow        # finish a spa left in provisioning
manage.py spa cancel glow        # remove a spa that never finished provisioning
manage.py spa status glow suspended --reason "chargeback"
manage.py spa isolation          # foreign keys crossing a spa schema (exit 1 if any)
manage.py spa distribute --all   # on Citus: spread local spa schemas over the workers
manage.py spa spares             # on Citus: keep SPA_CITUS_SPARES schemas ready for new spas
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shared_apps.lifecycle.portability import spa_export, spa_restore
from shared_apps.lifecycle.services import spa_provision, spa_provision_resume
from tenants.citus import citus_enabled, spa_schema_distribute, spare_schemas_fill
from tenants.models import Spa, SpaStatus
from tenants.provisioning import spa_provision_cancel
from tenants.selectors import foreign_keys_crossing_spa_schemas, spa_get, spa_schemas_behind
from tenants.services import spa_set_status


class Command(BaseCommand):
    help = "Create, list and change spas."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        create = sub.add_parser("create", help="Provision a spa (re-run to resume a failed one).")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--owner-email", required=True)
        create.add_argument("--timezone", default="America/New_York")
        create.add_argument(
            "--status", default=SpaStatus.ACTIVE, choices=[SpaStatus.ACTIVE, SpaStatus.TRIALING]
        )

        sub.add_parser("list", help="List spas with their status and address.")

        resume = sub.add_parser("resume", help="Finish provisioning a spa.")
        resume.add_argument("slug")
        cancel = sub.add_parser("cancel", help="Remove a spa that never finished provisioning.")
        cancel.add_argument("slug")

        sub.add_parser("behind", help="List spas whose schema lacks migrations (exit 1 if any).")
        sub.add_parser(
            "isolation",
            help="List foreign keys crossing a spa schema's boundary (exit 1 if any).",
        )

        distribute = sub.add_parser(
            "distribute",
            help="On a Citus coordinator, distribute spa schemas still local (re-run to resume).",
        )
        distribute.add_argument("slugs", nargs="*", metavar="slug")
        distribute.add_argument("--all", action="store_true", help="every spa not closed")

        spares = sub.add_parser(
            "spares", help="On a Citus coordinator, keep spare schemas ready for new spas."
        )
        spares.add_argument("--count", type=int, default=None, help="default SPA_CITUS_SPARES")

        export = sub.add_parser("export", help="Write a spa's data to an archive.")
        export.add_argument("slug")
        export.add_argument("--output", help="the archive's path (default <slug>-<time>.tar.gz)")
        restore = sub.add_parser("restore", help="Bring an exported spa back as a new spa.")
        restore.add_argument("archive")
        restore.add_argument("--slug", help="restore under another slug (a copy)")

        status = sub.add_parser("status", help="Suspend, reactivate or close a spa.")
        status.add_argument("slug")
        status.add_argument("status", choices=[s for s in SpaStatus.values if s != "provisioning"])
        status.add_argument("--reason", default="")

    def handle(self, *args, action: str, **options) -> None:
        _require_migrated_database()
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from None

    def _create(self, *, slug, name, owner_email, timezone, status, **_) -> None:
        started = time.perf_counter()
        spa = spa_provision(
            slug=slug, name=name, timezone_name=timezone, owner_email=owner_email, status=status
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"{spa.slug} is {spa.status} ({elapsed * 1000:.0f} ms): {_url(spa)}")
        )

    def _list(self, **_) -> None:
        spas = Spa.objects.prefetch_related("domains")
        for spa in spas:
            self.stdout.write(f"{spa.slug:<24} {spa.status:<13} {spa.timezone:<22} {_url(spa)}")
        if not spas:
            self.stdout.write("No spas yet.")

    def _behind(self, **_) -> None:
        behind = spa_schemas_behind()
        for slug, missing in sorted(behind.items()):
            self.stdout.write(f"{slug:<24} {missing} migration(s) behind")
        if behind:
            raise CommandError(
                f"{len(behind)} spa(s) behind; run `.venv/bin/python manage.py migrate`"
            )
        self.stdout.write("Every spa schema is up to date.")

    def _isolation(self, **_) -> None:
        crossing = foreign_keys_crossing_spa_schemas()
        for key in crossing:
            self.stdout.write(f"{key.table} -> {key.references} ({key.constraint})")
        if crossing:
            raise CommandError(
                f"{len(crossing)} foreign key(s) cross a spa schema; a spa schema must be "
                "self-contained (platform/SCALING.md)"
            )
        self.stdout.write("Every spa schema is self-contained.")

    def _distribute(self, *, slugs, **options) -> None:
        if not citus_enabled():
            raise CommandError(
                "The database is not a Citus coordinator (SPA_CITUS, tenants/citus.py)."
            )
        every = options["all"]
        if bool(slugs) == bool(every):
            raise CommandError("Name the spas to distribute, or give --all.")
        spas = (
            list(
                Spa.objects.exclude(status__in=[SpaStatus.PROVISIONING, SpaStatus.CLOSED]).order_by(
                    "slug"
                )
            )
            if every
            else [self._get(slug) for slug in slugs]
        )
        done = 0
        for spa in spas:
            started = time.perf_counter()
            result = spa_schema_distribute(spa.schema_name)
            elapsed = (time.perf_counter() - started) * 1000
            if result.distributed_now:
                done += 1
                self.stdout.write(f"{spa.slug:<24} distributed ({elapsed:.0f} ms)")
            elif result.local_tables_emptied:
                emptied = len(result.local_tables_emptied)
                self.stdout.write(f"{spa.slug:<24} was distributed; emptied {emptied} shells")
        self.stdout.write(self.style.SUCCESS(f"Distributed {done} of {len(spas)} spa schemas."))

    def _spares(self, *, count, **_) -> None:
        if not citus_enabled():
            raise CommandError(
                "The database is not a Citus coordinator (SPA_CITUS, tenants/citus.py)."
            )
        wanted = settings.SPA_CITUS_SPARES if count is None else count
        fill = spare_schemas_fill(wanted)
        self.stdout.write(
            self.style.SUCCESS(
                f"{fill.ready} spare schema(s) ready: {fill.made} made, "
                f"{fill.dropped} of an older template dropped."
            )
        )

    def _export(self, *, slug, output, **_) -> None:
        spa = self._get(slug)
        path = Path(output or f"{slug}-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        manifest = spa_export(spa=spa, path=path)
        rows = sum(table["rows"] for table in manifest["tables"])
        self.stdout.write(
            self.style.SUCCESS(f"{slug}: {len(manifest['tables'])} tables, {rows} rows -> {path}")
        )
        for key in manifest["files_missing"]:
            # A row whose object the storage did not hold intact: not in the archive.
            self.stderr.write(f"{slug}: file {key} missing or damaged in storage, not exported")

    def _restore(self, *, archive, slug, **_) -> None:
        spa = spa_restore(path=Path(archive), slug=slug)
        self.stdout.write(self.style.SUCCESS(f"{spa.slug} restored: {_url(spa)}"))

    def _resume(self, *, slug, **_) -> None:
        spa = self._get(slug)
        spa = spa_provision_resume(spa=spa)
        self.stdout.write(self.style.SUCCESS(f"{spa.slug} is {spa.status}: {_url(spa)}"))

    def _cancel(self, *, slug, **_) -> None:
        spa_provision_cancel(spa=self._get(slug))
        self.stdout.write(self.style.SUCCESS(f"{slug} removed."))

    def _status(self, *, slug, status, reason, **_) -> None:
        spa = spa_set_status(spa=self._get(slug), status=status, reason=reason, cause="console")
        self.stdout.write(self.style.SUCCESS(f"{spa.slug} is {spa.status}."))

    @staticmethod
    def _get(slug: str) -> Spa:
        spa = spa_get(slug=slug)
        if spa is None:
            raise CommandError(f"No spa with slug {slug!r}.")
        return spa


def _require_migrated_database() -> None:
    """One line, not a traceback, when the database cannot serve the command
    yet: unreachable, or not migrated (every verb reads the spas' table, and
    provisioning needs the template schema `migrate` builds)."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"Cannot reach the database: {first}") from None
    if missing:
        raise CommandError(
            f"The database lacks {len(missing)} migration(s): run "
            "`.venv/bin/python manage.py migrate` first."
        )


def _url(spa: Spa) -> str:
    """The spa API's URL; in development on the port the dev server listens on
    (DEV_SERVER_PORT: config/settings/dev.py), whatever the domain."""
    domain = next((d.domain for d in spa.domains.all() if d.is_primary), None)
    port = getattr(settings, "DEV_SERVER_PORT", None)
    host = f"{domain}:{port}" if port and domain else domain
    return f"http://{host}/graphql/" if host else "(no domain)"


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {error.messages[0]} [{error.code}]"
            for field, errors in exc.error_dict.items()
            for error in errors
        )
    return f"{exc.messages[0]} [{exc.code}]"
