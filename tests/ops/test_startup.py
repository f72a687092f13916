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


_SERVING = """
import gc
import sys
from kansrijk.wsgi import application
print(gc.get_freeze_count(), gc.get_threshold()[0], "kansrijk.cases.views" in sys.modules)
"""


def test_a_serving_process_has_its_views_loaded_and_frozen_before_the_first_request() -> None:
    """gunicorn's entry point imports every view and freezes what it loaded, so the garbage
    collector does not scan Django and the apps during every page (issue 17)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kansrijk.conf.test"}
    done = subprocess.run(
        [sys.executable, "-c", _SERVING], env=env, capture_output=True, text=True, check=True
    )
    frozen, young, views = done.stdout.strip().splitlines()[-1].split()
    assert int(frozen) > 50_000  # Django, the apps and their modules
    assert int(young) > 700  # not CPython's default
    assert views == "True"
