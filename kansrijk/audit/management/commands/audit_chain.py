"""`manage.py audit_chain [--once] [--interval S]`: the access log's chainer."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from kansrijk.audit.chaining import chain_pending


class Command(BaseCommand):
    help = (
        "Link new access-log entries into the hash chain, in id order, in batches: run it "
        "always, next to the app servers (one is enough; a second one waits on the first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument(
            "--interval", type=float, default=0.5, help="Seconds between rounds (0.5)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.stdout.write(f"{chain_pending()} entries linked")
            return
        try:
            while True:
                linked = chain_pending()
                if linked and options["verbosity"] > 1:
                    self.stdout.write(f"{linked} entries linked")
                connection.close_if_unusable_or_obsolete()
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            return
