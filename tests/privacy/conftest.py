"""The privacy app installed and its pages mounted, whether or not the settings have it yet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import override_settings


@pytest.fixture(autouse=True)
def privacy_mounted(settings) -> Iterator[None]:
    settings.ROOT_URLCONF = "tests.privacy.urls"
    if apps.is_installed("kansrijk.privacy"):
        yield
        return
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "kansrijk.privacy"]):
        yield
