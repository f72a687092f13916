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


def _forms(page: str) -> str:
    """The filter and quarter forms of a dashboard."""
    return page.split('<details class="monitor-filters-box"')[1].split(
        '<details class="monitor-legend-box">'
    )[0]


def test_the_forms_without_a_query_are_rendered_once_and_a_query_gets_its_own(
    client, dataset, fragments, monkeypatch
):
    """Without a query the filter and quarter forms are the same for every view of an
    audience: rendered once per process and the form not even built (its 120 centres'
    choices, ~1 ms a view at region scale 1.0, issue 17). A query's values, another
    audience's centres and a renamed centre are never answered with a kept rendering."""
    from kansrijk.monitor import forms

    built = []
    init = forms.FilterForm.__init__
    monkeypatch.setattr(
        forms.FilterForm,
        "__init__",
        lambda self, *a, **kw: built.append(1) or init(self, *a, **kw),
    )
    snapshot_refresh(period=Period.default())
    school = dataset.world.school
    sign_in(client, dataset.world.policy_officer)
    first = client.get("/monitor/").content.decode()
    assert len(built) == 1
    assert f'<option value="{school.pk}">Kindcentrum De Schakel</option>' in _forms(first)
    assert 'name="quarter"' in _forms(first)
    again = client.get("/monitor/").content.decode()
    assert len(built) == 1 and _forms(again) == _forms(first)

    chosen = client.get(f"/monitor/?centre={school.pk}&domain=learning").content.decode()
    assert len(built) == 2
    assert f'<option value="{school.pk}" selected>' in _forms(chosen)
    assert '<option value="learning" selected>' in _forms(chosen)
    wrong = client.get("/monitor/?start=2025-03&end=2025-01").content.decode()
    assert 'class="monitor-filters-box" open' in wrong and 'class="error"' in _forms(wrong)
    assert 'class="error"' not in _forms(client.get("/monitor/").content.decode())

    sign_in(client, dataset.world.director)  # one centre: not the region's select
    own = _forms(client.get("/monitor/").content.decode())
    assert "Kindcentrum De Schakel" in own and "IKC De Wereldwijzer" not in own

    school.name = "Kindcentrum Hernoemd"
    school.save()
    sign_in(client, dataset.world.policy_officer)
    renamed = _forms(client.get("/monitor/").content.decode())
    assert "Kindcentrum Hernoemd" in renamed and "Kindcentrum De Schakel" not in renamed


def test_an_export_without_a_query_logs_no_filters_and_with_one_its_choice(client, dataset):
    """The exports log the filters a valid query chose, and none without a query."""
    from kansrijk.audit.models import AccessLogEntry

    snapshot_refresh(period=Period.default())
    sign_in(client, dataset.world.policy_officer)
    assert client.get("/monitor/export.csv").status_code == 200
    plain = AccessLogEntry.objects.filter(event="export").latest("id").detail
    assert "centre=" not in plain
    school = dataset.world.school
    assert client.get(f"/monitor/export.csv?centre={school.pk}").status_code == 200
    chosen = AccessLogEntry.objects.filter(event="export").latest("id").detail
    assert f"centre={school.pk} domain=all" in chosen
