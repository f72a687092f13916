"""Tests that run in one half of `make test` only.

`make test` runs the suite on SQLite and again on PostgreSQL. Most tests run in both: what
the database does differs (the permission filter is compiled per backend, locks, JSON,
sequences). Two kinds run once: the operations tests that start PostgreSQL clusters of their
own, and the walks of the demo's pages in Chromium that check what the browser shows (axe,
the phone's width, screenshots) and not what the database answers. Those walks are a third
of the suite's CPU; running them twice bought nothing but ten minutes of CI.
"""

from __future__ import annotations

import pytest
from django.conf import settings

_ENGINE = settings.DATABASES["default"]["ENGINE"]

#: Tests that start PostgreSQL themselves.
postgres_half_only = pytest.mark.skipif(
    "postgresql" not in _ENGINE, reason="run in the PostgreSQL half of the suite"
)
#: Checks of the rendered pages that no database changes (run in the cheaper half).
sqlite_half_only = pytest.mark.skipif(
    "sqlite" not in _ENGINE, reason="what the browser shows: run in the SQLite half only"
)
