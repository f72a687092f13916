"""The chain is linked off the request path (audit.chaining): an entry is inserted without
its links, which the chainer sets once. The hashes become nullable, lose their unique index
(and PostgreSQL's unused `_like` index with it: nothing looks entries up by hash), and a
partial index lists the unchained entries. On PostgreSQL the trigger now allows exactly one
UPDATE per entry: setting both links from NULL, every other column unchanged."""

from django.conf import settings
from django.db import migrations, models

ENTRY_FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_accesslogentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.previous_hash IS NULL AND OLD.entry_hash IS NULL
       AND NEW.previous_hash IS NOT NULL AND NEW.entry_hash IS NOT NULL
       AND (to_jsonb(NEW) - 'previous_hash' - 'entry_hash')
           = (to_jsonb(OLD) - 'previous_hash' - 'entry_hash') THEN
        RETURN NEW;  -- the chainer links an entry, once
    END IF;
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '5 years'
       AND OLD.id <= (SELECT base_id FROM audit_chainhead WHERE id = 1) THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_accesslogentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

#: Migration 0004's function, for the way back.
OLD_ENTRY_FUNCTION = ENTRY_FUNCTION.replace(
    ENTRY_FUNCTION[ENTRY_FUNCTION.index("    IF TG_OP = 'UPDATE'") : ENTRY_FUNCTION.index(
        "    IF TG_OP = 'DELETE'"
    )],
    "",
)


def write_once(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ENTRY_FUNCTION, params=None)


def never(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_ENTRY_FUNCTION, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_chain_head'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='accesslogentry',
            name='entry_hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name='accesslogentry',
            name='previous_hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name='accesslogentry',
            index=models.Index(condition=models.Q(('entry_hash__isnull', True)), fields=['id'], name='audit_entry_unchained'),
        ),
        migrations.RunPython(write_once, never),
    ]
