"""The privacy officer asks for a family's inzage as PDF in the browser and downloads it
when the task has made it (here the tasks run at once, after the request's commit)."""

from __future__ import annotations

import pytest

from tests.auth import sign_in_browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_privacy_officer_makes_and_downloads_the_inzage_pdf(page, case, officer):
    sign_in_browser(page, officer)
    page.goto(f"/privacy/inzage/family/{case.family_id}/")
    assert page.get_by_test_id("inzage-files").count() == 0
    page.get_by_role("button", name="Maak een pdf").click()
    files = page.get_by_test_id("inzage-files")
    files.wait_for()
    assert "De pdf wordt gemaakt" in page.locator(".messages").inner_text()
    with page.expect_download(timeout=60_000) as download_info:
        files.get_by_role("link", name="Downloaden als pdf").click()
    download = download_info.value
    assert download.suggested_filename.startswith(
        "inzage-"
    ) and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
