"""On PostgreSQL, the cash journal is append-only: a trigger refuses UPDATE and DELETE."""

from django.db import migrations

TABLE = "finance_cashentry"


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION jxc_refuse_change();",
            params=None,
        )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};", params=None)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial"), ("accounts", "0002_audit_append_only")]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
