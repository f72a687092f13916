"""On PostgreSQL, every partition of the access log is vacuumed after a fixed number of new
entries, and its part of the listed-ids index keeps a longer pending list, so that autovacuum
merges the new keys and no request's insert does (audit.partitions.tune). Only settings
change: no table or index is rebuilt."""

from django.db import migrations


def tune_all(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from kansrijk.audit import partitions

    with schema_editor.connection.cursor() as cursor:
        for name in partitions.names():
            partitions.tune(cursor, name)


class Migration(migrations.Migration):
    dependencies = [("audit", "0010_listed_ids_index")]

    operations = [migrations.RunPython(tune_all, migrations.RunPython.noop)]
