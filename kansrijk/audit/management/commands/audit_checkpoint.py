"""`manage.py audit_checkpoint [--enqueue]`: anchor the access log's head outside the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansrijk.audit import checkpoints


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the access log's chain head to "
        "KANSRIJK_AUDIT_CHECKPOINT_DIR and mail it to the privacy officers (daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true",
            help="Hand it to the task worker (django-tasks) instead of writing it here.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from kansrijk.audit.tasks import audit_checkpoint_daily

            result = audit_checkpoint_daily.enqueue()
            self.stdout.write(f"checkpoint enqueued as task {result.id}")
            return
        try:
            path, checkpoint = checkpoints.write_checkpoint()
        except (checkpoints.CheckpointInvalid, checkpoints.HeadUntrusted) as error:
            raise CommandError(f"No checkpoint written: {error}", returncode=1) from error
        self.stdout.write(
            f"checkpoint {path}: {checkpoint.total} entries through #{checkpoint.last_id} "
            f"{checkpoint.last_hash}"
        )
