"""The signed chain head (detects a deleted or re-hashed tail) and the triggers that keep the
log append-only on PostgreSQL: UPDATE never, DELETE only of pruned entries older than five
years (audit.pruning), TRUNCATE only in a Django test database (named test_*), which the test
runner empties between transactional tests."""

import django.utils.timezone
from django.db import migrations, models

ENTRY_FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_accesslogentry_append_only() RETURNS trigger AS $$
BEGIN
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
OLD_ENTRY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_accesslogentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_accesslogentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
ENTRY_TRUNCATE = """
CREATE TRIGGER audit_accesslogentry_no_truncate BEFORE TRUNCATE ON audit_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslogentry_append_only();
"""
DROP_ENTRY_TRUNCATE = """
DROP TRIGGER IF EXISTS audit_accesslogentry_no_truncate ON audit_accesslogentry;
"""
HEAD_TRIGGERS = r"""
CREATE OR REPLACE FUNCTION audit_chainhead_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_chainhead cannot be removed: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chainhead_keep BEFORE DELETE ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION audit_chainhead_keep();
CREATE TRIGGER audit_chainhead_no_truncate BEFORE TRUNCATE ON audit_chainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chainhead_keep();
"""
DROP_HEAD_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_chainhead_no_truncate ON audit_chainhead;
DROP TRIGGER IF EXISTS audit_chainhead_keep ON audit_chainhead;
DROP FUNCTION IF EXISTS audit_chainhead_keep();
"""


def create_head(apps, schema_editor):
    """The head of the log as it stands (signed); triggers on PostgreSQL."""
    from kansrijk.audit.chain import HeadState, head_signature
    from kansrijk.audit.services import audit_key

    entry_model = apps.get_model("audit", "AccessLogEntry")
    head_model = apps.get_model("audit", "ChainHead")
    db = schema_editor.connection.alias
    last = entry_model.objects.using(db).order_by("-id").values("id", "entry_hash").first()
    state = HeadState()
    if last is not None:
        count = entry_model.objects.using(db).count()
        state = HeadState(last_id=last["id"], last_hash=last["entry_hash"], count=count)
    head_model.objects.using(db).create(
        pk=1, last_id=state.last_id, last_hash=state.last_hash, count=state.count,
        signature=head_signature(state, audit_key()),
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ENTRY_FUNCTION, params=None)
        schema_editor.execute(ENTRY_TRUNCATE, params=None)
        schema_editor.execute(HEAD_TRIGGERS, params=None)


def drop_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_HEAD_TRIGGERS, params=None)
        schema_editor.execute(DROP_ENTRY_TRUNCATE, params=None)
        schema_editor.execute(OLD_ENTRY_FUNCTION, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_append_only_trigger'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainHead',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('last_id', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('count', models.BigIntegerField(default=0)),
                ('base_id', models.BigIntegerField(default=0, help_text='Entries up to this id were pruned.')),
                ('base_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('pruned', models.BigIntegerField(default=0)),
                ('signature', models.CharField(blank=True, max_length=64)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'access log chain head',
            },
        ),
        migrations.RunPython(create_head, drop_head),
    ]
