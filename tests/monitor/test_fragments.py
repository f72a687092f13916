"""The monitor's figures are rendered once per snapshot, audience and filter and kept per
process (issue 17): a narrower audience never gets the region's rendering, another filter
its own, and a new snapshot is rendered afresh."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.test import override_settings

from kansrijk.monitor.periods import Period
from kansrijk.monitor.selectors import report_for
from kansrijk.monitor.services import snapshot_refresh
from tests.auth import sign_in

pytestmark = pytest.mark.django_db

Q1 = "?start=2025-01&end=2025-03"
FRAGMENTS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "test-fragments",
    },
}


@pytest.fixture
def fragments():  # type: ignore[no-untyped-def]
    with override_settings(CACHES=FRAGMENTS):
        caches["fragments"].clear()
        yield caches["fragments"]
        caches["fragments"].clear()


def test_each_audience_and_filter_gets_its_own_figures(client, dataset, fragments):
    sign_in(client, dataset.world.policy_officer)
    region = client.get("/monitor/" + Q1).content.decode()
    assert "IKC De Wereldwijzer" in region and "Kindcentrum De Schakel" in region
    assert client.get("/monitor/" + Q1).content.decode().count("<table") == region.count("<table")

    sign_in(client, dataset.world.director)  # one centre: never the region's rendering
    own = client.get("/monitor/" + Q1).content.decode()
    assert "Kindcentrum De Schakel" in own and "IKC De Wereldwijzer" not in own

    sign_in(client, dataset.world.policy_officer)
    one = client.get(f"/monitor/{Q1}&centre={dataset.world.school.pk}").content.decode()
    assert "IKC De Wereldwijzer" not in one.split('class="monitor-themes"')[1]


def test_a_new_snapshot_is_rendered_afresh(client, dataset, fragments):
    sign_in(client, dataset.world.policy_officer)
    before = client.get("/monitor/" + Q1).content.decode()
    assert "Kindcentrum De Schakel" in before.split('class="monitor-themes"')[1]
    school = dataset.world.school
    school.name = "Kindcentrum Hernoemd"
    school.save()
    assert "Kindcentrum De Schakel" in client.get("/monitor/" + Q1).content.decode()
    snapshot_refresh(period=Period.months(datetime.date(2025, 1, 1), datetime.date(2025, 3, 1)))
    after = client.get("/monitor/" + Q1).content.decode().split('class="monitor-themes"')[1]
    assert "Kindcentrum Hernoemd" in after and "Kindcentrum De Schakel" not in after


def test_a_snapshots_report_is_parsed_once_per_process_and_a_refresh_read_anew(
    dataset, django_assert_num_queries
):
    """A region's snapshot is megabytes of JSON: parsed once, then only which snapshot is
    current is read; a refreshed snapshot (a new `computed_at`) is read and parsed anew."""
    period = Period.months(datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    assert report_for(period) is None  # none yet: the page says it is being prepared
    snapshot_refresh(period=period)
    first = report_for(period)
    assert first is not None
    with django_assert_num_queries(1):
        assert report_for(period) is first
    snapshot_refresh(period=period)
    again = report_for(period)
    assert again is not None and again is not first
    assert again.computed_at > first.computed_at
    assert [t.figure for t in again.tables] == [t.figure for t in first.tables]


def test_figures_already_rendered_are_shown_without_making_their_tables(
    client, dataset, fragments, monkeypatch
):
    """The headlines and the themes are kept with the figures: a second view of the same
    audience and filter makes no table (1.5 ms a view at region scale 1.0, issue 17), and
    shows the same headlines; another audience's are made for it."""
    from kansrijk.monitor.reports import Report

    made = []
    view = Report.view
    monkeypatch.setattr(
        Report, "view", lambda self, *a, **kw: made.append(1) or view(self, *a, **kw)
    )

    def headlines(page: str) -> str:
        return page.split('class="monitor-summary"')[1].split("</section>")[0]

    sign_in(client, dataset.world.policy_officer)
    first = client.get("/monitor/" + Q1).content.decode()
    assert len(made) == 1 and "monitor-headline__value" in headlines(first)
    again = client.get("/monitor/" + Q1).content.decode()
    assert len(made) == 1 and headlines(again) == headlines(first)
    assert again.count("<table") == first.count("<table")
    sign_in(client, dataset.world.director)
    own = client.get("/monitor/" + Q1).content.decode()
    assert len(made) == 2 and "monitor-headline__value" in headlines(own)
