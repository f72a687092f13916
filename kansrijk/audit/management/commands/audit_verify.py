"""`manage.py audit_verify`: exit 0 on an intact access-log chain, 1 naming the first break."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kansrijk.audit import checkpoints
from kansrijk.audit.verification import verify_log


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the access log against its signed head and the newest "
        "checkpoint outside the database (NEN 7513)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = verify_log()
        seconds = time.perf_counter() - started
        if report.broken is not None:
            raise CommandError(
                f"Access log chain BROKEN at entry #{report.broken.entry_id}: "
                f"{report.broken.reason} ({report.entries} entries verified before it)",
                returncode=1,
            )
        self.stdout.write(
            f"{report.entries} entries, chain intact "
            f"(head #{report.last_id} {report.last_hash}, {seconds:.1f} s)"
        )
        if report.unchained:
            self.stdout.write(f"{report.unchained} newer entries wait for the chainer")
        if report.checkpoint is not None:
            self.stdout.write(
                f"matches the checkpoint of {report.checkpoint.at} "
                f"({report.checkpoint.total} entries through #{report.checkpoint.last_id})"
            )
        elif checkpoints.directory() is None:
            self.stderr.write(
                "KANSRIJK_AUDIT_CHECKPOINT_DIR is not set: a log wiped together with its head "
                "would go unnoticed (docs/operations.md)"
            )
        else:
            self.stdout.write("no checkpoint yet (manage.py audit_checkpoint writes one)")
