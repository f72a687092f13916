"""The municipality's policy officer opens the monitor and downloads the quarter report."""

from __future__ import annotations

import pytest

from kansrijk.monitor.periods import Period
from kansrijk.monitor.services import snapshot_refresh
from tests.auth import sign_in_browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_policy_officer_downloads_the_quarter_report(page, dataset):
    snapshot_refresh(period=Period.quarter(2025, 1))  # as the nightly task would have
    sign_in_browser(page, dataset.world.policy_officer)
    page.goto("/monitor/?start=2025-01&end=2025-03")
    assert page.get_by_role("heading", level=1).inner_text() == "Monitor"
    assert page.locator("table.monitor-table").count() > 5
    assert page.locator("svg[role=img]").count() > 5
    page.get_by_label("Jaar").select_option("2025") if page.get_by_label("Jaar").count() else (
        page.get_by_label("Year").select_option("2025")
    )
    with page.expect_download(timeout=60_000) as download_info:
        page.locator("form.monitor-quarter button[type=submit]").click(no_wait_after=True)
    download = download_info.value
    assert download.suggested_filename.startswith("monitor-2025-Q")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
