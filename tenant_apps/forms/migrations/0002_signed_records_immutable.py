"""Published versions, responses and signatures are never changed or deleted:
a trigger refuses it, whoever asks (docs/adr/0010-signed-records-immutable.md).

One exception, named per table in the trigger's arguments: the columns a
response may see change, and nothing else with them. `client_id` moves when a
duplicate client is merged into another (tenant_apps/clients/services.py,
`client_merge`; the response's document hash keeps the client it was signed
by); `request_id` is cleared when its link is deleted (SET NULL).

One statement per element (Citus forwards a multi-statement string as one
prepared statement, which PostgreSQL refuses). The function is created in the
schema being migrated, so each spa schema carries its own.
"""

from django.db import migrations

CREATE = [
    """
CREATE FUNCTION forms_record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_NARGS > 0
       AND (to_jsonb(NEW) - TG_ARGV::text[]) = (to_jsonb(OLD) - TG_ARGV::text[]) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'signed form records are never changed: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
""",
    """
CREATE TRIGGER forms_formversion_immutable BEFORE UPDATE OR DELETE ON forms_formversion
    FOR EACH ROW EXECUTE FUNCTION forms_record_refuse_change()
""",
    """
CREATE TRIGGER forms_formresponse_immutable BEFORE UPDATE OR DELETE ON forms_formresponse
    FOR EACH ROW EXECUTE FUNCTION forms_record_refuse_change('client_id', 'request_id')
""",
    """
CREATE TRIGGER forms_signature_immutable BEFORE UPDATE OR DELETE ON forms_signature
    FOR EACH ROW EXECUTE FUNCTION forms_record_refuse_change()
""",
]

DROP = [
    "DROP TRIGGER forms_signature_immutable ON forms_signature",
    "DROP TRIGGER forms_formresponse_immutable ON forms_formresponse",
    "DROP TRIGGER forms_formversion_immutable ON forms_formversion",
    "DROP FUNCTION forms_record_refuse_change()",
]


class Migration(migrations.Migration):
    dependencies = [("forms", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
