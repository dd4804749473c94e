"""The database's side of the audit log: append-only, and hash-chained.

Functions are created in the schema being migrated (first on the search path),
so each spa schema carries its own and stays self-contained; the template clone
copies them (tenants/schema_template.py).
"""

from django.db import migrations

# The canonical text is frozen here; tenant_apps/audit/chain.py builds the same
# text in Python to verify the chain (a test checks that they agree).
# One statement per element: Citus forwards a multi-statement string to a
# worker as one prepared statement, which PostgreSQL refuses.
CREATE = [
    """
CREATE FUNCTION audit_entry_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous record;
BEGIN
    -- One writer at a time per spa schema, until its transaction ends: the chain
    -- is a sequence in commit order, with no gaps and no forks.
    PERFORM pg_advisory_xact_lock(hashtextextended('phi-audit-chain:' || TG_TABLE_SCHEMA, 0));
    EXECUTE format('SELECT seq, hash FROM %I.%I ORDER BY seq DESC LIMIT 1',
                   TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO previous;
    NEW.seq := coalesce(previous.seq, 0) + 1;
    NEW.prev_hash := coalesce(previous.hash, repeat('0', 64));
    NEW.occurred_at := statement_timestamp();
    NEW.hash := encode(sha256(convert_to(
        concat_ws('|',
        NEW.seq::text,
        to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(NEW.actor_user_id::text, ''),
        NEW.actor_role,
        NEW.action,
        array_to_string(NEW.client_ids, ','),
        NEW.search_kind,
        NEW.request_id,
        coalesce(host(NEW.ip), ''),
        NEW.prev_hash),
        'UTF8')), 'hex');
    RETURN NEW;
END
$$
""",
    """
CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the PHI audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$
""",
    """
CREATE TRIGGER audit_entry_chain BEFORE INSERT ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_chain()
""",
    """
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()
""",
    """
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()
""",
]

DROP = [
    "DROP TRIGGER audit_entry_no_truncate ON audit_auditentry",
    "DROP TRIGGER audit_entry_append_only ON audit_auditentry",
    "DROP TRIGGER audit_entry_chain ON audit_auditentry",
    "DROP FUNCTION audit_entry_refuse_change()",
    "DROP FUNCTION audit_entry_chain()",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
