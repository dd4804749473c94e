"""django-tenants' migrate_schemas, with two changes for spas.

- A run over all spas skips those still provisioning: their schema may not
  exist yet (a crash after registration, a clone in progress), and provisioning
  migrates whatever it finds when it resumes. django-tenants would stop at the
  first one, leaving the spas after it unmigrated.
- After such a run the spa template schema is migrated too, so the next spa is
  cloned from an up-to-date copy.
`migrate` is the same command.
"""

from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name

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
        if not self.sync_tenant:
            return
        schemas = list(
            Spa.objects.exclude(status=SpaStatus.PROVISIONING)
            .order_by("slug")
            .values_list("schema_name", flat=True)
        )
        executor.run_migrations(tenants=schemas)
        partial = options.get("app_label") or options.get("fake") or options.get("plan")
        if not partial and template_ensure_current():
            self.stdout.write("Migrated the spa template schema.")
