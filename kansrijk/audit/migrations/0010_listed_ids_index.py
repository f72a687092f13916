"""On PostgreSQL, the cases, families and children a list entry names are searchable
(audit.listed): `audit_listed(detail)` reads the ids after "cases", "families" or "children"
into tagged text ({"cases:12", "cases:40"}), and a GIN index on it over the list entries
answers inzage and the privacy officer's search. Built on a partitioned log, the index is
made on every month's partition and on each new one. SQLite searches with a regular
expression instead (no index)."""

from django.db import migrations

FUNCTION = r"""
CREATE FUNCTION audit_listed(detail text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT array_agg(m[2] || ':' || id)
    FROM regexp_match(detail, '(^|[ :])(cases|families|children)([ =])([0-9]+(?:,[0-9]+)*)') AS m,
         unnest(string_to_array(m[4], ',')) AS id
$$
"""
INDEX = (
    "CREATE INDEX audit_entry_listed ON audit_accesslogentry USING gin (audit_listed(detail)) "
    "WHERE event = 'list'"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audit_entry_listed")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_listed(text)")


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_drop_unsearched_guardian_index")]

    operations = [migrations.RunPython(create, drop)]
