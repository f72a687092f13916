"""``manage.py worker [--threads N]``: run background tasks, surviving database restarts."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kansrijk.core.worker import run_workers


class Command(BaseCommand):
    help = (
        "Run the django-tasks database worker in N threads; keeps going when the database "
        "restarts and writes a heartbeat that /health reports."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls when idle"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def shutdown(signum: int, frame: object) -> None:
            self.stdout.write(f"Received {signal.strsignal(signum)}: finishing running tasks.")
            stop.set()

        signal.signal(signal.SIGTERM, shutdown)
        signal.signal(signal.SIGINT, shutdown)
        run_workers(threads=max(1, options["threads"]), interval=options["interval"], stop=stop)
