"""The privacy officer's search by name (kansrijk.audit.selectors.families_matching) filters
with `UPPER(name) LIKE UPPER('%…%')`: on PostgreSQL trigram GIN indexes on exactly those
expressions let it use an index instead of scanning every family and child (issue 17).
SQLite keeps its plain scan; nothing changes there."""

from django.db import migrations

INDEXES = (
    ("cases_family_name_trgm", "cases_family", "name"),
    ("cases_child_given_name_trgm", "cases_child", "given_name"),
    ("cases_child_family_name_trgm", "cases_child", "family_name"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
            params=None,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)
    # The extension stays: other databases objects may use it, and it holds no data.


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_guardian_bsn")]
    operations = [migrations.RunPython(create, drop)]
