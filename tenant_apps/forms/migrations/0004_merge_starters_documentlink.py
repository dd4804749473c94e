# Joins forms-core's starters (0003_starter_templates) and esign's copy links
# (0003_documentlink), made on separate branches. No operations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("forms", "0003_documentlink"),
        ("forms", "0003_starter_templates"),
    ]

    operations = []
