from django.db import migrations


def create_profile(apps, schema_editor):
    # Runs in every spa schema (and the template, so clones carry the row).
    SpaProfile = apps.get_model("profile", "SpaProfile")
    SpaProfile.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("profile", "0001_initial")]

    operations = [migrations.RunPython(create_profile, migrations.RunPython.noop)]
