from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("benchapp", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="benchnote", name="extra", field=models.CharField(max_length=100, default="")
        ),
    ]
