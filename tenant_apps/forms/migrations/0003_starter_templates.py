"""Install the starter forms (tenant_apps/forms/starters.py) in the schema being
migrated, each published as version 1. It runs in the spa template, so a new spa
gets them by clone, and in every existing spa. A spa that already has a form of
the same starter or name keeps its own."""

from django.db import migrations
from django.utils import timezone

from tenant_apps.forms.hashing import version_content_hash
from tenant_apps.forms.schema import schema_validate
from tenant_apps.forms.starters import STARTERS


def install(apps, schema_editor):
    FormTemplate = apps.get_model("forms", "FormTemplate")
    FormVersion = apps.get_model("forms", "FormVersion")
    now = timezone.now()
    for starter in STARTERS:
        exists = FormTemplate.objects.filter(starter_key=starter.key).exists() or (
            FormTemplate.objects.filter(name=starter.name, archived_at__isnull=True).exists()
        )
        if exists:
            continue
        schema = schema_validate(starter.schema)
        template = FormTemplate.objects.create(
            name=starter.name,
            kind=starter.kind,
            description=starter.description,
            renewal=starter.renewal,
            renewal_months=starter.renewal_months,
            draft=schema,
            starter_key=starter.key,
        )
        FormVersion.objects.create(
            template=template,
            number=1,
            title=starter.name,
            kind=starter.kind,
            schema=schema,
            content_hash=version_content_hash(
                title=starter.name, kind=str(starter.kind), schema=schema
            ),
            published_at=now,
            published_by_user_id=None,
        )


class Migration(migrations.Migration):
    dependencies = [("forms", "0002_signed_records_immutable")]

    # Nothing to undo: the rows stay (published versions cannot be deleted).
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
