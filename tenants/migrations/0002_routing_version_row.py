from django.db import migrations


def create_row(apps, schema_editor):
    RoutingVersion = apps.get_model("tenants", "RoutingVersion")
    RoutingVersion.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
