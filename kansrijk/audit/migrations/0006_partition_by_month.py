"""On PostgreSQL the access log becomes a table partitioned by month of `at`, so that pruning
can drop a month's partition instead of deleting its rows (audit.pruning, audit.partitions).
A default partition takes what no month's partition holds, so an insert never fails. The
primary key becomes (id, at), as a partitioned table's must include the partition key; the
ids stay unique because they come from one sequence. Indexes, the foreign key and the
append-only triggers are re-created on the partitioned table (PostgreSQL copies them to every
partition). SQLite keeps one table.
"""

from django.db import migrations

TABLE = "audit_accesslogentry"
FLAT = "audit_accesslogentry_flat"
TRIGGERS = f"""
CREATE TRIGGER audit_accesslogentry_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_append_only();
CREATE TRIGGER audit_accesslogentry_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslogentry_append_only();
"""


def _definitions(cursor, table: str) -> tuple[list[str], list[str]]:
    """The table's secondary indexes and foreign keys as SQL, to re-create under its name."""
    cursor.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p')",
        [table, table],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    keys = [f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}'
            for name, definition in cursor.fetchall()]  # fmt: skip
    return indexes, keys


def _rebuild(schema_editor, partitioned: bool) -> None:
    """Rename the table, create the new one under its name, copy the rows, drop the old one,
    then re-create keys, indexes and triggers (their names are free again only then)."""
    with schema_editor.connection.cursor() as cursor:
        indexes, keys = _definitions(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {FLAT}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {FLAT} INCLUDING DEFAULTS)"
            + (" PARTITION BY RANGE (at)" if partitioned else "")
        )
        cursor.execute(f"ALTER SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
        if partitioned:
            from kansrijk.audit.partitions import create_month_sql

            cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
            cursor.execute(
                f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') FROM {FLAT} "  # noqa: S608
                "UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC') "
                "+ make_interval(months => n) FROM generate_series(0, 3) AS n"
            )
            for (month,) in cursor.fetchall():
                cursor.execute(create_month_sql(month.date()))
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {FLAT}")  # noqa: S608
        cursor.execute(f"DROP TABLE {FLAT}")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY "
            + ("(id, at)" if partitioned else "(id)")
        )
        for statement in (*indexes, *keys):
            cursor.execute(statement.replace(" ON ONLY ", " ON "))
        cursor.execute(TRIGGERS)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=True)


def flatten(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain_off_the_request_path")]
    operations = [migrations.RunPython(partition, flatten)]
