"""Checkpoints of the access log's chain head, kept where the database role cannot reach.

The head sits in the same database as the log, so whoever can wipe the log can wipe the head
with it and leave a log that verifies as empty. Once a day a checkpoint of the head (entries
ever chained, last id and hash, time; HMAC-signed with the audit key) is written as a new
file in `KANSRIJK_AUDIT_CHECKPOINT_DIR` (created exclusively, never rewritten; the directory
belongs on storage the application's database role — and ideally its OS user — cannot
change, see docs/operations.md) and mailed to the privacy officers. `audit_verify` compares
the log with the newest file: an empty or shorter log, or a different hash at the
checkpoint's entry, fails.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.audit import chain
from kansrijk.audit.models import AccessLogEntry, ChainHead
from kansrijk.audit.services import HEAD, audit_key

SUFFIX = ".json"


class CheckpointInvalid(ValueError):
    """A checkpoint file that is unreadable or not signed with the audit key."""


class HeadUntrusted(RuntimeError):
    """The head does not match its signature or its last entry: no checkpoint of that."""


def directory() -> Path | None:
    """Where checkpoints go; None when not configured (audit_verify then says so)."""
    configured = getattr(settings, "KANSRIJK_AUDIT_CHECKPOINT_DIR", "")
    return Path(configured) if configured else None


def read(path: Path) -> chain.Checkpoint:
    """The checkpoint in a file, refused unless its signature matches."""
    try:
        data = json.loads(path.read_text())
        checkpoint = chain.Checkpoint(
            at=str(data["at"]), total=int(data["total"]), last_id=int(data["last_id"]),
            last_hash=str(data["last_hash"]),
        )  # fmt: skip
        signature = str(data["signature"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointInvalid(f"checkpoint {path.name} cannot be read: {error}") from error
    if signature != chain.checkpoint_signature(checkpoint, audit_key()):
        raise CheckpointInvalid(
            f"checkpoint {path.name} is not signed with the audit key: forged or damaged"
        )
    return checkpoint


def latest() -> tuple[Path, chain.Checkpoint] | None:
    """The newest checkpoint (file names sort by time), or None when there is none yet."""
    folder = directory()
    if folder is None or not folder.is_dir():
        return None
    files = sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX))
    if not files:
        return None
    return files[-1], read(files[-1])


def current() -> chain.Checkpoint:
    """The head as it stands, checked against its signature and its last entry."""
    with transaction.atomic():
        head = ChainHead.objects.filter(pk=HEAD).first()
        state = head.state() if head is not None else chain.HeadState()
        if head is not None and head.signature != chain.head_signature(state, audit_key()):
            raise HeadUntrusted("the chain head's signature does not match; run audit_verify")
        if state.last_id > state.base_id:
            stored = (
                AccessLogEntry.objects.filter(pk=state.last_id)
                .values_list("entry_hash", flat=True)
                .first()
            )
            if stored != state.last_hash:
                raise HeadUntrusted(f"entry #{state.last_id} does not match the chain head")
    return chain.Checkpoint(
        at=timezone.now().astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        total=state.count + state.pruned, last_id=state.last_id, last_hash=state.last_hash,
    )  # fmt: skip


def write_checkpoint() -> tuple[Path, chain.Checkpoint]:
    """Write the head's checkpoint to a new file and mail it to the privacy officers."""
    folder = directory()
    if folder is None:
        raise CheckpointInvalid("KANSRIJK_AUDIT_CHECKPOINT_DIR is not set")
    checkpoint = current()
    signature = chain.checkpoint_signature(checkpoint, audit_key())
    stamp = checkpoint.at.replace("-", "").replace(":", "").replace("+0000", "Z")
    path = folder / f"{stamp}-{checkpoint.last_id}{SUFFIX}"
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps({**asdict(checkpoint), "signature": signature}, indent=1) + "\n"
    # "x": a new file or an error, never an overwrite; read-only once written.
    with open(path, "x") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    path.chmod(0o444)
    _mail(checkpoint, signature)
    return path, checkpoint


def _mail(checkpoint: chain.Checkpoint, signature: str) -> None:
    """The privacy officers get each checkpoint: a second copy no database role can reach."""
    from kansrijk.access.roles import Role
    from kansrijk.core.models import Professional
    from kansrijk.notifications.services import notify

    officers = Professional.objects.filter(
        is_active=True, memberships__role=Role.PRIVACY_OFFICER
    ).distinct()
    body = _(
        "Keep this message: with it you can check later that nobody wiped the access log or "
        "cut it short.\n\nEntries so far: %(total)s\nLast entry: #%(last_id)s\n"
        "Its hash: %(hash)s\nTime: %(at)s\nSignature: %(signature)s"
    ) % {
        "total": checkpoint.total, "last_id": checkpoint.last_id, "hash": checkpoint.last_hash,
        "at": checkpoint.at, "signature": signature,
    }  # fmt: skip
    with transaction.atomic():
        notify(to=officers, subject=_("Access log checkpoint"), body=body)
