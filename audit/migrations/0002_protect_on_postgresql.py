"""On PostgreSQL, a trigger refuses every UPDATE and DELETE of an audit row.

The one exception is the archive command, which deletes the rows it has
just written to an archive file in a transaction that has run
``SET LOCAL audit.allow_archive = 'on'``; nothing may ever update a row.
TRUNCATE is not covered, since the test runner empties tables with it; the
role the portal connects as in production should neither own the table
nor hold TRUNCATE on it. SQLite has no such protection; the hash chain
still detects a change there.
"""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION audit_auditevent_protect() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('audit.allow_archive', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'audit_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_auditevent_protect
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_protect()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_protect ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_protect()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
