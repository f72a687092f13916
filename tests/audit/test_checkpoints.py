"""Checkpoints outside the database: a log wiped or cut short together with its head (even
re-signed with the application's own key) fails audit_verify; a forged checkpoint fails; a log
that only grew passes; each checkpoint is a new read-only file, mailed to the privacy officer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kansrijk.access.roles import Role
from kansrijk.audit import chain, checkpoints
from kansrijk.audit.services import audit_key
from kansrijk.core.models import Organisation
from tests.audit.test_chain import TABLE, broken, entries, raw, verify_command
from tests.factories import professional
from tests.roles import as_owner

pytestmark = pytest.mark.django_db

HEAD_TRIGGERS = ("audit_chainhead_keep", "audit_chainhead_no_truncate")


@pytest.fixture
def checkpoint_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.KANSRIJK_AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return tmp_path / "checkpoints"


@contextmanager
def as_database_owner() -> Iterator[None]:
    """Someone with the database role's rights plus the triggers switched off (rolled back
    with the test's transaction): on PostgreSQL both tables' triggers are disabled."""
    if connection.vendor != "postgresql":
        yield
        return
    statements = [f"ALTER TABLE {TABLE} DISABLE TRIGGER USER", *(
        f"ALTER TABLE audit_chainhead DISABLE TRIGGER {name}" for name in HEAD_TRIGGERS
    )]  # fmt: skip
    with as_owner():
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            raw(statement)
        try:
            yield
        finally:
            raw("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in statements:
                raw(statement.replace("DISABLE", "ENABLE"))
            raw("SET CONSTRAINTS ALL DEFERRED")


def checkpoint() -> Path:
    call_command("audit_checkpoint", stdout=open("/dev/null", "w"))  # noqa: SIM115
    newest = checkpoints.latest()
    assert newest is not None
    return newest[0]


def test_a_log_that_only_grew_since_the_checkpoint_passes(checkpoint_dir: Path) -> None:
    log = entries(3)
    path = checkpoint()
    stored = json.loads(path.read_text())
    assert (stored["total"], stored["last_id"], stored["last_hash"]) == (
        3, log[-1].pk, log[-1].entry_hash,
    )  # fmt: skip
    entries(2)
    output = verify_command()
    assert output.startswith("5 entries, chain intact")
    assert f"matches the checkpoint of {stored['at']} (3 entries through #{log[-1].pk})" in output


def test_wiping_the_log_and_its_head_fails(checkpoint_dir: Path) -> None:
    log = entries(3)
    checkpoint()
    with as_database_owner():
        raw(f"DELETE FROM {TABLE}")  # noqa: S608
        raw("DELETE FROM audit_chainhead")
    entry_id, reason = broken()
    assert entry_id == log[-1].pk
    assert reason.startswith("missing: the log is empty but the checkpoint of")
    assert "counted 3" in reason


def test_deleting_the_tail_fails_even_with_a_re_signed_head(checkpoint_dir: Path) -> None:
    """The application's key is on the application's machines: whoever has it can re-sign the
    head, but not the checkpoint that is already out of reach."""
    log = entries(5)
    checkpoint()
    with as_database_owner():
        raw(f"DELETE FROM {TABLE} WHERE id > %s", [log[2].pk])  # noqa: S608
    state = chain.HeadState(last_id=log[2].pk, last_hash=log[2].entry_hash, count=3)
    raw(
        "UPDATE audit_chainhead SET last_id = %s, last_hash = %s, count = 3, signature = %s",
        [state.last_id, state.last_hash, chain.head_signature(state, audit_key())],
    )
    entry_id, reason = broken()
    assert entry_id == log[-1].pk
    assert "the log holds 3 entries (pruned ones included) but the checkpoint" in reason


def test_rewriting_the_log_from_the_checkpoint_on_fails(checkpoint_dir: Path) -> None:
    """Whoever holds the key can re-hash every entry after a changed one and re-sign the head;
    the hash at the checkpoint's entry still gives it away."""
    log = entries(3)
    checkpoint()
    previous = log[0].entry_hash
    with as_database_owner():
        for entry in log[1:]:
            values = {name: getattr(entry, name) for name in chain.CHAINED_FIELDS}
            values["detail"] = f"rewritten {entry.pk}"
            new_hash = chain.link(previous, values)
            raw(
                f"UPDATE {TABLE} SET detail = %s, previous_hash = %s, entry_hash = %s "  # noqa: S608
                "WHERE id = %s",
                [values["detail"], previous, new_hash, entry.pk],
            )
            previous = new_hash
    state = chain.HeadState(last_id=log[-1].pk, last_hash=previous, count=3)
    raw(
        "UPDATE audit_chainhead SET last_hash = %s, signature = %s",
        [previous, chain.head_signature(state, audit_key())],
    )
    entry_id, reason = broken()
    assert entry_id == log[-1].pk
    assert reason.startswith("differs from the checkpoint of")


def test_a_forged_checkpoint_fails(checkpoint_dir: Path) -> None:
    log = entries(3)
    real = json.loads(checkpoint().read_text())
    forged = {**real, "at": "2999-01-01T00:00:00.000000+00:00", "total": 1}
    (checkpoint_dir / "29990101T000000.000000Z-1.json").write_text(json.dumps(forged))
    entry_id, reason = broken()
    assert entry_id == 0
    assert reason == (
        "checkpoint 29990101T000000.000000Z-1.json is not signed with the audit key: forged or "
        "damaged"
    )
    assert log


def test_each_checkpoint_is_a_new_read_only_file_mailed_to_the_privacy_officer(
    checkpoint_dir: Path,
    smtp_server,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    professional(
        Role.PRIVACY_OFFICER, None, organisation=Organisation.objects.create(name="Bestuur"),
        username="fg", email="fg@example.org",
    )  # fmt: skip
    log = entries(2)
    with django_capture_on_commit_callbacks(execute=True):
        first = checkpoint()
    with django_capture_on_commit_callbacks(execute=True):
        second = checkpoint()
    assert first != second
    assert sorted(checkpoint_dir.iterdir()) == [first, second]
    assert first.stat().st_mode & 0o777 == 0o444
    assert [m["To"] for m in smtp_server.messages] == ["fg@example.org", "fg@example.org"]
    mail = smtp_server.messages[0]
    assert mail["Subject"] == "[Kansrijk] Controlepunt van het toegangslog"
    text = mail.get_payload(decode=True).decode()
    assert f"Laatste regel: #{log[-1].pk}" in text
    assert log[-1].entry_hash in text


def test_without_a_directory_audit_verify_warns_and_no_checkpoint_is_written(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KANSRIJK_AUDIT_CHECKPOINT_DIR = ""
    entries(1)
    with pytest.raises(Exception, match="KANSRIJK_AUDIT_CHECKPOINT_DIR is not set"):
        call_command("audit_checkpoint")
