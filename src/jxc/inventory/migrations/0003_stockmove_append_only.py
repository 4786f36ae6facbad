"""On PostgreSQL, stock moves and postings are append-only: a trigger refuses UPDATE and DELETE."""

from django.db import migrations

TABLES = ("inventory_stockmove", "inventory_stockposting")


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION jxc_refuse_change();",
            params=None,
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_ledger"), ("accounts", "0002_audit_append_only")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
