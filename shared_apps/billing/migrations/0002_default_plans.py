"""The plans the platform starts with. Change them with `manage.py billing_plan set`,
then push them to Stripe with `manage.py billing_plan sync`."""

from django.db import migrations

PLANS = [
    # code, name, monthly cents, included seats, extra seat cents, max locations, order
    ("starter", "Starter", 14900, 2, 4900, 1, 10),
    ("growth", "Growth", 29900, 5, 3900, 3, 20),
    ("pro", "Pro", 59900, 12, 2900, None, 30),
]


def add_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for code, name, cents, seats, extra, locations, order in PLANS:
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "currency": "usd",
                "monthly_price_cents": cents,
                "included_provider_seats": seats,
                "extra_seat_price_cents": extra,
                "trial_days": 14,
                "max_locations": locations,
                "display_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(add_plans, migrations.RunPython.noop)]
