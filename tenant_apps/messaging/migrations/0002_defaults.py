"""The spa's messaging settings row and the default reminder schedule: 48 h
email; 24 h SMS while unconfirmed; same-day SMS 3 h before. Made by migration
so that every spa schema (and the template it is cloned from) has them."""

from django.db import migrations

DEFAULT_RULES = [("email", 48 * 60, False), ("sms", 24 * 60, True), ("sms", 3 * 60, False)]


def create(apps, schema_editor):
    settings = apps.get_model("messaging", "MessagingSettings")
    rule = apps.get_model("messaging", "ReminderRule")
    settings.objects.get_or_create(pk=1)
    for channel, minutes, unconfirmed in DEFAULT_RULES:
        rule.objects.get_or_create(
            channel=channel,
            minutes_before=minutes,
            defaults={"only_if_unconfirmed": unconfirmed},
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
