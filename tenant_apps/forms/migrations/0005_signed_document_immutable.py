"""The signed PDF's record joins the immutable ones: once the platform has
signed a response's document, which file holds it and with which certificate
never changes (docs/adr/0010-signed-records-immutable.md). Uses the function of
0002; one statement per element for Citus."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("forms", "0004_documentlink")]

    operations = [
        migrations.RunSQL(
            [
                """
CREATE TRIGGER forms_signeddocument_immutable BEFORE UPDATE OR DELETE ON forms_signeddocument
    FOR EACH ROW EXECUTE FUNCTION forms_record_refuse_change()
"""
            ],
            ["DROP TRIGGER forms_signeddocument_immutable ON forms_signeddocument"],
        )
    ]
