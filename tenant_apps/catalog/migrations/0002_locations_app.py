# Required resource types point to their new home (locations 0001): state only,
# the join table and its columns are unchanged.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('locations', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='service',
                    name='required_resource_types',
                    field=models.ManyToManyField(blank=True, help_text='Kinds of room or device the service needs, one of each.', related_name='services', to='locations.resourcetype'),
                ),
            ],
            database_operations=[],
        ),
    ]
