"""django-tenants' migrate_schemas, with three changes for spas.

- A run over all spas skips those still provisioning: their schema may not
  exist yet (a crash after registration, a clone in progress), and provisioning
  migrates whatever it finds when it resumes. django-tenants would stop at the
  first one, leaving the spas after it unmigrated.
- Spas are migrated by tenants.migration_executor: `--parallel N` worker
  processes (default SPA_MIGRATION_PROCESSES), and a spa that fails is
  reported with its schema while the others go on; the command then fails
  listing every one.
- After such a run the spa template schema is migrated too, so the next spa is
  cloned from an up-to-date copy.
- On a Citus coordinator, public tables a migration created are added to
  Citus' metadata (tenants/citus.py: two-phase commit with spa tables).
`migrate` is the same command.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name

from tenants.citus import citus_enabled, public_tables_register, spare_schemas_fill
from tenants.migration_executor import SpaMigrationExecutor
from tenants.models import Spa, SpaStatus
from tenants.schema_template import template_ensure_current


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        if options.get("schema_name"):  # one schema: django-tenants as it is
            super().handle(*args, **options)
            return
        SyncCommon.handle(self, *args, **options)
        self.PUBLIC_SCHEMA_NAME = get_public_schema_name()
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[self.PUBLIC_SCHEMA_NAME])
            if citus_enabled() and not options.get("plan"):
                added = public_tables_register()
                if added and int(options.get("verbosity", 1)) >= 1:
                    self.stdout.write(f"Added {len(added)} public tables to Citus' metadata.")
        if not self.sync_tenant:
            return
        schemas = list(
            Spa.objects.exclude(status=SpaStatus.PROVISIONING)
            .order_by("slug")
            .values_list("schema_name", flat=True)
        )
        processes = options.get("parallel") or settings.SPA_MIGRATION_PROCESSES
        failures = SpaMigrationExecutor(
            self.args, self.options, processes=processes
        ).run_migrations(tenants=schemas)
        for failure in failures:
            self.stderr.write(f"{failure.schema}: {failure.error}")
        partial = options.get("app_label") or options.get("fake") or options.get("plan")
        if not partial and template_ensure_current():
            self.stdout.write("Migrated the spa template schema.")
        if not partial and citus_enabled():
            # Spares copy the template as it was: replace any of an older version.
            fill = spare_schemas_fill(settings.SPA_CITUS_SPARES)
            if fill.made and int(options.get("verbosity", 1)) >= 1:
                self.stdout.write(f"Made {fill.made} spare spa schema(s) on Citus.")
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(schemas)} spa schemas failed to migrate: "
                + ", ".join(failure.schema for failure in failures)
            )
        if int(options.get("verbosity", 1)) >= 1:
            self.stdout.write(f"Migrated {len(schemas)} spa schemas ({processes} process(es)).")
