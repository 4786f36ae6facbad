"""The audit chain's head row, and on PostgreSQL a trigger that refuses UPDATE and DELETE of entries."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION jxc_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION jxc_refuse_change();
"""
DROP = "DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;"


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("accounts", "AuditHead")
    AuditHead.objects.get_or_create(pk=1)


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
