from django.db import migrations, models


class Migration(migrations.Migration):
    """A PositiveIntegerField: its CHECK, unnamed, is what Citus refuses in ADD COLUMN
    on a distributed table (bench/citus.py migrate; tenants/postgresql_backend/schema.py)."""

    dependencies = [("benchapp", "0002_add_column")]

    operations = [
        migrations.AddField(
            model_name="benchnote", name="visits", field=models.PositiveIntegerField(default=0)
        ),
    ]
