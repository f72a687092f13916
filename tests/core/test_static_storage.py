"""Production's static storage: the hashed URL of each file, looked up once per process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from kansrijk.core.static_storage import StaticStorage


@pytest.fixture
def storage(tmp_path: Path) -> StaticStorage:
    manifest = {"version": "1.1", "paths": {"kansrijk/site.css": "kansrijk/site.0a1b2c3d4e5f.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=str(tmp_path), base_url="/static/")


def test_a_file_has_its_hashed_url_and_keeps_it(storage: StaticStorage) -> None:
    with override_settings(DEBUG=False):
        assert storage.url("kansrijk/site.css") == "/static/kansrijk/site.0a1b2c3d4e5f.css"
        storage.hashed_files["kansrijk/site.css"] = "kansrijk/site.ffffffffffff.css"
        # The manifest does not change in a running process: the first answer stands.
        assert storage.url("kansrijk/site.css") == "/static/kansrijk/site.0a1b2c3d4e5f.css"


def test_a_file_missing_from_the_manifest_fails_every_time(storage: StaticStorage) -> None:
    with override_settings(DEBUG=False):
        for _ in range(2):
            with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
                storage.url("kansrijk/gone.css")


def test_debug_serves_the_plain_name_and_keeps_nothing(storage: StaticStorage) -> None:
    with override_settings(DEBUG=True):
        assert storage.url("kansrijk/site.css") == "/static/kansrijk/site.css"
    with override_settings(DEBUG=False):
        assert storage.url("kansrijk/site.css") == "/static/kansrijk/site.0a1b2c3d4e5f.css"
