# Locations, opening hours, resource types and resources move here from
# scheduling, in the state only: their tables (made by scheduling 0001-0003) keep
# their names (`db_table`), so the database is untouched.

import django.contrib.postgres.constraints
import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('scheduling', '0003_resources_and_appointments'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Location',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120)),
                        ('address_line1', models.CharField(blank=True, max_length=200)),
                        ('address_line2', models.CharField(blank=True, max_length=200)),
                        ('city', models.CharField(blank=True, max_length=100)),
                        ('region', models.CharField(blank=True, help_text='State, province or county', max_length=100)),
                        ('postal_code', models.CharField(blank=True, max_length=20)),
                        ('country', models.CharField(default='US', help_text='ISO 3166-1 alpha-2', max_length=2)),
                        ('timezone', models.CharField(help_text='IANA name, e.g. America/New_York', max_length=64)),
                        ('phone', models.CharField(blank=True, help_text='E.164', max_length=20)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'scheduling_location',
                        'constraints': [models.UniqueConstraint(fields=('name',), name='location_name_unique'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='location_name_not_empty'), models.CheckConstraint(condition=models.Q(('country__regex', '^[A-Z]{2}$')), name='location_country_iso')],
                    },
                ),
                migrations.CreateModel(
                    name='ResourceType',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80)),
                        ('kind', models.CharField(choices=[('room', 'Room'), ('device', 'Device')], max_length=8)),
                    ],
                    options={
                        'db_table': 'scheduling_resourcetype',
                        'constraints': [models.UniqueConstraint(fields=('name',), name='resourcetype_name_unique'), models.CheckConstraint(condition=models.Q(('kind__in', ['room', 'device'])), name='resourcetype_kind_valid'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='resourcetype_name_not_empty')],
                    },
                ),
                migrations.CreateModel(
                    name='LocationHours',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(1, 'Monday'), (2, 'Tuesday'), (3, 'Wednesday'), (4, 'Thursday'), (5, 'Friday'), (6, 'Saturday'), (7, 'Sunday')])),
                        ('opens_at', models.TimeField()),
                        ('closes_at', models.TimeField()),
                        ('location', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hours', to='locations.location')),
                    ],
                    options={
                        'db_table': 'scheduling_locationhours',
                        'ordering': ['weekday', 'opens_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('weekday__gte', 1), ('weekday__lte', 7)), name='locationhours_weekday_iso'), models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='locationhours_opens_before_close'), models.UniqueConstraint(fields=('location', 'weekday', 'opens_at'), name='locationhours_unique_start'), django.contrib.postgres.constraints.ExclusionConstraint(expressions=[(models.Func(models.F('location_id'), models.F('location_id'), models.Value('[]'), function='int8range'), '&&'), (models.Func(models.Func(models.F('weekday'), models.F('opens_at'), arg_joiner=' + ', template="(DATE '2000-12-31' + %(expressions)s)"), models.Func(models.F('weekday'), models.F('closes_at'), arg_joiner=' + ', template="(DATE '2000-12-31' + %(expressions)s)"), function='tsrange'), '&&')], name='locationhours_no_overlap')],
                    },
                ),
                migrations.CreateModel(
                    name='Resource',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('location', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='resources', to='locations.location')),
                        ('resource_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='resources', to='locations.resourcetype')),
                    ],
                    options={
                        'db_table': 'scheduling_resource',
                        'ordering': ['name', 'id'],
                        'indexes': [models.Index(fields=['location', 'resource_type'], name='resource_by_type')],
                        'constraints': [models.UniqueConstraint(models.F('location'), django.db.models.functions.text.Lower('name'), name='resource_name_unique_in_location_ci'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='resource_name_not_empty')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
