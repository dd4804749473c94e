# Locations, opening hours, resource types and resources now belong to the
# locations app (locations 0001): the state forgets them here and points the
# calendar's foreign keys there. No table, column or constraint changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_locations_app'),
        ('locations', '0001_initial'),
        ('scheduling', '0003_resources_and_appointments'),
        ('staff', '0002_locations_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='appointment',
                    name='location',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='locations.location'),
                ),
                migrations.RemoveField(
                    model_name='resource',
                    name='location',
                ),
                migrations.RemoveField(
                    model_name='resource',
                    name='resource_type',
                ),
                migrations.AlterField(
                    model_name='resourcebooking',
                    name='resource',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='locations.resource'),
                ),
                migrations.DeleteModel(
                    name='LocationHours',
                ),
                migrations.DeleteModel(
                    name='Location',
                ),
                migrations.DeleteModel(
                    name='ResourceType',
                ),
                migrations.DeleteModel(
                    name='Resource',
                ),
            ],
            database_operations=[],
        ),
    ]
