"""django-tenants' migrate_schemas, which also keeps the spa template schema current.

After a run over every spa, the template is migrated too, so the next spa is
cloned from an up-to-date copy. (`migrate` is the same command.)
"""

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants.schema_template import template_ensure_current


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        requested_schema = options.get("schema_name")
        super().handle(*args, **options)
        partial = options.get("app_label") or options.get("fake") or options.get("plan")
        # A run for one schema (the template's own refresh is one) leaves the template alone.
        if self.sync_tenant and not requested_schema and not partial and template_ensure_current():
            self.stdout.write("Migrated the spa template schema.")
