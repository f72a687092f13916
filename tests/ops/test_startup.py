"""Django starts without the heavy libraries of rare work: CP-SAT (planning a week), openpyxl and
WeasyPrint (exports) are imported by the code that uses them."""

from __future__ import annotations

import os
import subprocess
import sys

_STARTUP = """
import sys
import django
django.setup()
from django.core.management import call_command
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views, the roster's pages and calendar feeds
call_command("check")
print(sorted({name.split(".")[0] for name in sys.modules} & {"ortools", "openpyxl", "weasyprint"}))
"""


def test_a_process_that_plans_and_exports_nothing_does_not_import_them() -> None:
    """Every worker, gunicorn process and management command used to pay seconds for CP-SAT."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kansrijk.conf.test"}
    done = subprocess.run(
        [sys.executable, "-c", _STARTUP], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
