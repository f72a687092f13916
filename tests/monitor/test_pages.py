"""The monitor's pages, exports and API as each role meets them; no child is ever visible."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
import zlib

import pytest
from django.utils import translation
from openpyxl import load_workbook

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.cases.models import Child
from kansrijk.monitor.models import ExperienceResponse
from kansrijk.monitor.services import experience_record
from tests.auth import sign_in

pytestmark = pytest.mark.django_db

Q1 = "?start=2025-01&end=2025-03"
MONITOR_ROLES = ("director", "coordinator", "policy_officer", "education_specialist")
OTHER_ROLES = (
    "teacher",
    "internal_coach",
    "family_specialist",
    "district_team",
    "psychologist",
    "behavioural_scientist",
    "school_nurse",
    "community_officer",
)


def _screen_cells(html: str) -> list[str]:
    return [
        html_module.unescape(re.sub(r"<[^>]+>", "", c).strip())
        for c in re.findall(r'<td class="monitor-number[^"]*"[^>]*>(.*?)</td>', html, re.S)
    ]


def pdf_page_count(pdf: bytes) -> int:
    """The /Count of the page tree, looked up in the plain and the compressed objects."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    counts = [
        int(n)
        for part in parts
        for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", part, re.S)
    ]
    counts += [
        int(n)
        for part in parts
        for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", part, re.S)
    ]
    return max(counts, default=0)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_404_on_pages_exports_and_api(client, world, role):
    sign_in(client, world.by_role()[role])
    for url in (
        "/monitor/",
        "/monitor/definitions/",
        "/monitor/export.csv",
        "/monitor/export.xlsx",
        "/monitor/report.pdf?year=2025&quarter=1",
        "/monitor/comments/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.get("/api/monitor/report")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def main(html: str) -> str:
    """The page's content. The header shows the signed-in professional's own name, which
    Faker may share with a child's name."""
    return html.split('<main id="main"', 1)[1]


def test_monitor_roles_see_the_dashboard_without_any_child(client, dataset):
    for role in MONITOR_ROLES:
        sign_in(client, dataset.world.by_role()[role])
        html = client.get("/monitor/" + Q1).content.decode()
        assert "Kindcentrum De Schakel" in html, role
        html = main(html)
        for child in Child.objects.all():
            for secret in (child.given_name, child.family_name, child.bsn):
                assert secret and secret not in html, (role, secret)
        assert "<svg" in html and "<table" in html and "<details" in html


def test_a_director_sees_their_centre_and_the_region_only(client, dataset):
    sign_in(client, dataset.world.director)
    with translation.override("en"):
        html = client.get("/monitor/" + Q1, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kindcentrum De Schakel" in html
    assert "IKC De Wereldwijzer" not in html
    other = dataset.world.other_school.pk
    assert client.get(f"/monitor/{Q1}&centre={other}").status_code == 200  # a form error
    assert "IKC De Wereldwijzer" not in client.get(f"/monitor/{Q1}&centre={other}").content.decode()


def test_the_region_sees_every_centre(client, dataset):
    sign_in(client, dataset.world.policy_officer)
    html = client.get("/monitor/" + Q1).content.decode()
    assert "IKC De Wereldwijzer" in html and "Kindcentrum De Schakel" in html


def test_bad_filters_give_errors_not_500(client, dataset):
    sign_in(client, dataset.world.coordinator)
    response = client.get("/monitor/?start=2025-99&end=bla&centre=x&domain=nope")
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert client.get("/monitor/report.pdf?year=1&quarter=9").status_code == 400


CSV_KEYS = (
    "period_start", "period_end", "figure", "variant", "domain", "row_key", "row",
    "column_key", "column", "unit", "value", "display", "suppressed",
)  # fmt: skip


def test_csv_and_xlsx_match_the_screen_and_are_logged(client, dataset):
    sign_in(client, dataset.world.policy_officer)
    screen = _screen_cells(client.get("/monitor/" + Q1).content.decode())
    response = client.get("/monitor/export.csv" + Q1)
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Dutch Excel
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("periode begin;periode eind;cijfer;")
    dutch = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    english = dict(zip(dutch[0], CSV_KEYS, strict=True))
    rows = [{english[k]: v for k, v in row.items()} for row in dutch]
    assert [r["display"] for r in rows] == screen
    assert {"< 5", "x"} <= {r["display"] for r in rows}
    assert all(r["value"] == "" for r in rows if r["display"] in ("< 5", "x"))
    assert not any("." in r["value"] for r in rows)  # decimal comma

    book = load_workbook(io.BytesIO(client.get("/monitor/export.xlsx" + Q1).content))
    signals = book["signals"]
    values = [[cell.value for cell in row] for row in signals.iter_rows(min_row=4)]
    school = next(v for v in values if v[0] == "Kindcentrum De Schakel")
    on_screen = [
        r["display"]
        for r in rows
        if r["figure"] == "signals" and r["variant"] == "" and r["row"] == school[0]
    ]
    assert [str(v) for v in school[1:]] == on_screen

    exports = AccessLogEntry.objects.filter(event=Event.EXPORT)
    assert [e.detail.split()[1] for e in exports] == ["csv", "xlsx"]
    assert all(e.case_id is None and e.child_id is None and e.family_id is None for e in exports)


def test_the_quarter_report_is_a_pdf_with_pages(client, dataset):
    sign_in(client, dataset.world.policy_officer)
    response = client.get("/monitor/report.pdf?year=2025&quarter=1")
    assert response.status_code == 200
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) >= 2
    assert AccessLogEntry.objects.filter(event=Event.EXPORT, detail__contains="pdf").exists()


def test_exports_and_api_carry_no_child(client, dataset):
    sign_in(client, dataset.world.coordinator)
    blobs = [
        client.get("/monitor/export.csv" + Q1).content.decode(),
        client.get("/api/monitor/report?start=2025-01&end=2025-03").content.decode(),
        main(client.get("/monitor/definitions/").content.decode()),
    ]
    for child in Child.objects.all():
        for blob in blobs:
            assert child.given_name not in blob and child.bsn not in blob


def test_the_api_serves_the_same_aggregates_as_problem_json_on_errors(client, dataset):
    sign_in(client, dataset.world.swv)
    body = client.get("/api/monitor/report?start=2025-01&end=2025-03").json()
    assert body["suppression_threshold"] == 5
    signals = next(t for t in body["tables"] if t["figure"] == "signals" and not t["variant"])
    region = next(r for r in signals["rows"] if r["total"])
    assert region["cells"][-1] == {"column": "*", "value": 10, "display": "10", "suppressed": ""}
    hidden = [c for t in body["tables"] for r in t["rows"] for c in r["cells"] if c["suppressed"]]
    assert hidden and all(c["value"] is None for c in hidden)
    bad = client.get("/api/monitor/report?start=2025-1")
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert client.get("/api/monitor/report?domain=nope").status_code == 422
    assert len(client.get("/api/monitor/figures").json()) >= 10
    schema = client.get("/api/openapi.json").json()
    assert "/api/monitor/report" in schema["paths"]


def test_only_the_coordinator_reads_comments_without_names(client, dataset):
    world = dataset.world
    experience_record(
        by=world.coach,
        case_id=dataset.school_cases[0].pk,
        scores=dict.fromkeys(("knew_contact", "listened", "in_time", "fitted", "overall"), 4),
        comment="De gezinsspecialist luisterde goed.",
    )
    sign_in(client, world.policy_officer)
    assert client.get("/monitor/comments/" + Q1).status_code == 404
    assert "luisterde goed" not in client.get("/monitor/" + Q1).content.decode()
    sign_in(client, world.coordinator)
    html = main(client.get("/monitor/comments/" + Q1).content.decode())
    assert "luisterde goed" in html
    assert dataset.children[0].family_name not in html
    assert AccessLogEntry.objects.filter(event=Event.LIST, purpose__contains="comments").exists()


def test_a_professional_records_a_parents_answers_for_a_closed_case(client, dataset):
    world = dataset.world
    closed, still_open = dataset.school_cases[1], dataset.school_cases[5]
    sign_in(client, world.coach)
    listing = client.get("/monitor/experience/").content.decode()
    assert f"/monitor/experience/{closed.pk}/" in listing
    assert f"/monitor/experience/{still_open.pk}/" not in listing
    url = f"/monitor/experience/{closed.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"knew_contact": "5", "listened": "9", "comment": "Top"})
    assert response.status_code == 200  # errors per field, typed values kept
    page = response.content.decode()
    assert 'class="error"' in page and "Top" in page
    answers = {
        "knew_contact": 5,
        "listened": 4,
        "in_time": 3,
        "fitted": 4,
        "overall": 5,
        "comment": "Top",
    }
    assert client.post(url, answers).status_code == 302
    saved = ExperienceResponse.objects.get(case=closed)
    assert (saved.overall, saved.comment, saved.recorded_by) == (5, "Top", world.coach)
    assert client.get(url).status_code == 200
    assert client.post(url, answers).status_code == 200  # already recorded: a message, no 500
    assert client.get(f"/monitor/experience/{still_open.pk}/").status_code == 404
    sign_in(client, world.teacher)
    assert client.get(url).status_code == 404


def test_the_dashboard_opens_with_headline_figures_and_themes_in_plain_words(client, dataset):
    sign_in(client, dataset.world.policy_officer)
    html = main(client.get("/monitor/" + Q1).content.decode())
    assert html.index("Kerncijfers") < html.index('class="monitor-theme"')
    headlines = re.findall(r'class="monitor-headline__label">([^<]+)<', html)
    assert len(headlines) >= 5
    themes = re.findall(r'<summary><h2 class="utrecht-heading-2">([^<]+)</h2></summary>', html)
    assert themes[:3] == ["Signalen", "Doorlooptijden", "Uitkomsten en verwijzingen"]
    plain = re.findall(r'<p class="monitor-plain">([^<]+)</p>', html)
    assert plain and not any("Case." in p or "_at" in p for p in plain)
    units = re.findall(r'class="monitor-chart__unit">[^<]*\(eenheid: ([^)]+)\)', html)
    assert units and set(units) <= {"aantal", "procent", "dagen", "score 1-5"}
