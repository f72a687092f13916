"""On PostgreSQL, the listed-ids index (migration 0010) holds the chained list entries only:
the request's INSERT no longer computes a list's ids and adds them to the GIN index (a third
of a millisecond for a page of 50 cases, taken under the index's one pending-list lock that
every listing request shared: issue 17's access-log p99). The chainer's UPDATE, which writes
every index of the entry again anyway, adds them, in its batch, off the request path.
audit.listed searches the unchained tail (seconds of entries, through the partial index
`audit_entry_unchained`) next to the index."""

from django.db import migrations

INDEX = (
    "CREATE INDEX audit_entry_listed ON audit_accesslogentry USING gin (audit_listed(detail)) "
    "WHERE event = 'list' AND entry_hash IS NOT NULL"
)
BEFORE = (
    "CREATE INDEX audit_entry_listed ON audit_accesslogentry USING gin (audit_listed(detail)) "
    "WHERE event = 'list'"
)


def _rebuild(schema_editor, sql: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from kansrijk.audit import partitions

    schema_editor.execute("DROP INDEX IF EXISTS audit_entry_listed")
    schema_editor.execute(sql)
    with schema_editor.connection.cursor() as cursor:
        for name in partitions.names():
            partitions.tune(cursor, name)


def forwards(apps, schema_editor):
    _rebuild(schema_editor, INDEX)


def backwards(apps, schema_editor):
    _rebuild(schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0011_vacuum_merges_listed_ids")]

    operations = [migrations.RunPython(forwards, backwards)]
