"""The platform audit log is append-only in the database: a trigger refuses
UPDATE and DELETE of any row, and TRUNCATE of the table, whoever asks (the
platform may connect as a superuser, which ignores privileges)."""

from django.db import migrations

# One statement per element (see tests/test_migrations_citus_safe.py).
CREATE = [
    """
CREATE FUNCTION console_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the console audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$
""",
    """
CREATE TRIGGER console_audit_append_only BEFORE UPDATE OR DELETE ON console_consoleauditentry
    FOR EACH ROW EXECUTE FUNCTION console_audit_refuse_change()
""",
    """
CREATE TRIGGER console_audit_no_truncate BEFORE TRUNCATE ON console_consoleauditentry
    FOR EACH STATEMENT EXECUTE FUNCTION console_audit_refuse_change()
""",
]

DROP = [
    "DROP TRIGGER console_audit_no_truncate ON console_consoleauditentry",
    "DROP TRIGGER console_audit_append_only ON console_consoleauditentry",
    "DROP FUNCTION console_audit_refuse_change()",
]


class Migration(migrations.Migration):
    dependencies = [("console", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
