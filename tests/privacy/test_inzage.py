"""Inzage (AVG art. 15): every kind of record about a family in the JSON, a real PDF, the
export logged, and a 404 for everyone who may not export."""

from __future__ import annotations

import io
import json
import math

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.cases.models import Case
from kansrijk.core.models import Membership, Professional
from kansrijk.privacy.inzage import inzage_export
from kansrijk.privacy.labels import section_title
from kansrijk.privacy.models import InzageFile
from kansrijk.privacy.services import retention_run
from tests.auth import sign_in
from tests.conftest import World
from tests.streamed import streamed_json

pytestmark = pytest.mark.django_db

EVERY_KIND = {
    "cases.family", "cases.child", "cases.guardian", "cases.case", "cases.signal",
    "cases.planversion", "cases.goal", "cases.planaction", "cases.step", "cases.note",
    "cases.familycontact", "cases.contactpersonassignment", "cases.casemember",
    "cases.referral", "consent.consent",
}  # fmt: skip


def test_the_json_holds_every_kind_of_record_and_the_access_log(
    client: Client, world: World, case: Case, officer: Professional
) -> None:
    sign_in(client, officer)
    response = client.get(f"/privacy/inzage/family/{case.family_id}/json")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.json"')
    body = streamed_json(response)
    assert set(body["records"]) >= EVERY_KIND
    assert [p["number"] for p in body["records"]["cases.planversion"]] == [1, 2]  # all versions
    assert body["records"]["cases.note"][0]["text"] == "Moeder belt terug."
    assert body["records"]["cases.child"][0]["given_name"] == "Sem"
    assert body["records"]["cases.guardian"][0]["name"] == "Anna Jansen"
    assert body["records"]["cases.step"][0]["by"]["label"]  # who took the step, by name
    events = {(e["username"], e["event"]) for e in body["access_log"]}
    assert ("leerkracht", "write") in events
    assert ("fg", "export") in events  # the export lists itself
    export = AccessLogEntry.objects.get(event=Event.EXPORT)
    assert (export.username, export.family_id) == ("fg", case.family_id)
    assert "rule: privacy officer" in export.detail


def _nurse_reads(world: World, case: Case, details: list[str]) -> None:
    """The school nurse read the family's case, once per detail: entries of its access log."""
    from kansrijk.audit.services import log_access

    for detail in details:
        log_access(
            by=world.nurse, event=Event.READ, case_id=case.pk, family_id=case.family_id,
            detail=detail,
        )  # fmt: skip


def test_the_json_streams_the_access_log_a_batch_at_a_time_as_one_document(
    client: Client,
    world: World,
    case: Case,
    officer: Professional,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A family in care for years is in tens of thousands of access-log entries: the
    download reads them only as it streams them, a batch at a time, never holding them whole,
    and its pieces make the one document `json.dumps` writes of the whole."""
    from kansrijk.privacy import inzage

    monkeypatch.setattr(inzage, "JSON_BATCH", 2)
    _nurse_reads(world, case, [f"dossier gelezen ({n}) – één keer" for n in range(5)])
    sign_in(client, officer)
    log = f'"{AccessLogEntry._meta.db_table}"'

    def log_reads(queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in queries if log in q["sql"] and "UNION" in q["sql"]]

    with CaptureQueriesContext(connection) as answered:
        response = client.get(f"/privacy/inzage/family/{case.family_id}/json")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].endswith('.json"')
    assert not log_reads(answered)  # the records are read; the log not yet
    with CaptureQueriesContext(connection) as streamed:
        pieces = [piece.decode() for piece in response.streaming_content]
    assert len(log_reads(streamed)) == 1
    text = "".join(pieces)
    body = json.loads(text)
    entries = body["access_log"]
    assert len(pieces) == 2 + math.ceil(len(entries) / 2)  # the records, batches of two, the end
    assert [e["detail"] for e in entries if e["detail"].startswith("dossier")] == [
        f"dossier gelezen ({n}) – één keer" for n in range(5)
    ]
    assert entries[-1]["event"] == Event.EXPORT  # the export lists itself
    assert text == json.dumps(body, ensure_ascii=False)  # one compact document, UTF-8 as is


def test_without_server_side_cursors_the_json_is_the_same_document(
    client: Client, case: Case, officer: Professional, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a pooler in transaction mode (KANSRIJK_DB_SERVER_SIDE_CURSORS=false) the log
    is fetched whole before it streams; the download holds the same."""
    sign_in(client, officer)
    url = f"/privacy/inzage/family/{case.family_id}/json"
    first = streamed_json(client.get(url))
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    second = streamed_json(client.get(url))
    assert second["records"] == first["records"]
    assert second["access_log"][:-1] == first["access_log"]  # and the second export itself
    assert second["access_log"][-1]["event"] == Event.EXPORT


def test_the_walk_reads_a_depth_at_a_time_whatever_the_kinds(
    world: World, case: Case, officer: Professional
) -> None:
    """The walk reads every kind of record one depth at a time (the family; its children,
    guardians and cases; what hangs on those; …), each in one query, and the professionals,
    organisations and meetings the records name in one more: a query per kind was 27 an
    inzage at region scale (issue 17), and DESIGN §4 allows a page 15."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        kinds = inzage_export(by=officer, family_id=case.family_id).sections
    assert set(kinds) >= EVERY_KIND
    sql = [q["sql"] for q in queries.captured_queries]
    walked = [q for q in sql if "UNION ALL" in q and "JSON" in q]
    assert 3 <= len(walked) <= 5  # the depths and the references, not the kinds
    assert len(sql) <= 13  # SQLite: 13, with the access log chained in the request


def test_the_records_read_as_json_are_what_the_orm_reads(
    world: World, case: Case, officer: Professional
) -> None:
    """The walk reads its records as JSON; each must come out as the ORM reads the same row
    (its times in UTC, its days, decimals, flags, JSON, and what its references name)."""
    from decimal import Decimal

    from kansrijk.privacy.inzage import _record
    from kansrijk.special_education.models import Arrangement

    Arrangement.objects.create(
        child=case.signals.first().child, school=case.location, source_case=case,
        hours_per_week=Decimal("4.5"), renewed_at=timezone.now(), created_by=officer,
    )  # fmt: skip
    sections = inzage_export(by=officer, family_id=case.family_id).sections
    assert set(sections) >= EVERY_KIND | {"special_education.arrangement"}
    assert sections["special_education.arrangement"].rows[0]["hours_per_week"] == "4.5"
    for label, section in sections.items():
        if label == "matches.involvement":
            continue  # not a model's rows (the match register, by the BSN's keyed hash)
        model = apps.get_model(label)
        for row in section.rows:
            assert row == _record(model._default_manager.get(pk=row["id"])), label


def test_every_kind_the_walk_can_reach_can_be_read_as_json() -> None:
    """A column of a kind the walk cannot turn back from JSON fails here, not in a family's
    export."""
    from kansrijk.cases.models import Family
    from kansrijk.privacy.inzage import _payload, _references, _walked

    todo, reached = [Family], set()
    while todo:
        model = todo.pop()
        if model in reached:
            continue
        reached.add(model)
        _payload(model)
        todo.extend(relation.related_model for relation in _walked(model))
        for _reference, target in _references(model):
            _payload(target)
    assert len(reached) > 30


def _ask_for_pdf(client: Client, url: str, capture) -> InzageFile:  # type: ignore[no-untyped-def]
    """POST the page's button; the task runs when the request's transaction commits."""
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    return InzageFile.objects.latest("id")


def test_the_pdf_is_a_real_pdf(
    client: Client, case: Case, officer: Professional, django_capture_on_commit_callbacks
) -> None:
    sign_in(client, officer)
    page = f"/privacy/inzage/family/{case.family_id}/"
    file = _ask_for_pdf(client, f"{page}pdf", django_capture_on_commit_callbacks)
    assert file.status == InzageFile.Status.READY and file.requested_by == officer
    listed = client.get(page)
    link = f"/privacy/inzage/file/{file.pk}/"
    assert link.encode() in listed.content  # the page offers the made file
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    try:
        from pypdf import PdfReader
    except ImportError:  # not installed: read the text from WeasyPrint's laid-out pages
        from django.template.loader import render_to_string
        from weasyprint import HTML

        export = inzage_export(by=officer, family_id=case.family_id, form="pdf")
        document = HTML(
            string=render_to_string("privacy/inzage_pdf.html", {"inzage": export})
        ).render()
        assert len(document.pages) >= 1
        text = " ".join(" ".join(_texts(page._page_box)) for page in document.pages)
    else:
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
    assert "Moeder belt terug." in text
    assert "Anna Jansen" in text
    # The access log's moments as a family reads them, not as ISO 8601 text.
    shown = timezone.localtime(AccessLogEntry.objects.earliest("id").at)
    assert f"{shown.day}-{shown.month}-{shown.year}" in text  # 6-12-2026 14:12, as nl writes it
    assert shown.isoformat()[:19] not in text.replace("\n", "")
    assert AccessLogEntry.objects.filter(
        event=Event.EXPORT, detail__startswith="inzage pdf", username="fg"
    ).exists()
    assert AccessLogEntry.objects.filter(
        event=Event.READ, detail=f"inzage pdf downloaded: file {file.pk}", username="fg"
    ).exists()


def test_a_pdf_file_is_its_requesters_alone_and_only_for_a_week(
    client: Client, world: World, case: Case, officer: Professional,
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    sign_in(client, officer)
    file = _ask_for_pdf(
        client, f"/privacy/inzage/family/{case.family_id}/pdf", django_capture_on_commit_callbacks
    )
    link = f"/privacy/inzage/file/{file.pk}/"
    # The contact person may export the same family, yet not download the officer's file.
    other = Client()
    sign_in(other, world.family_specialist)
    assert other.get(f"/privacy/inzage/family/{case.family_id}/").status_code == 200
    assert link.encode() not in other.get(f"/privacy/inzage/family/{case.family_id}/").content
    assert other.get(link).status_code == 404
    assert client.post(link).status_code == 405
    assert client.get(f"/privacy/inzage/file/{file.pk + 1}/").status_code == 404
    # Past its week the file is gone from the page and the link, and the retention run
    # deletes it.
    InzageFile.objects.filter(pk=file.pk).update(expires_at=timezone.now())
    assert client.get(link).status_code == 404
    assert link.encode() not in client.get(f"/privacy/inzage/family/{case.family_id}/").content
    retention_run(dry_run=False)
    assert not InzageFile.objects.filter(pk=file.pk).exists()


@pytest.mark.parametrize("ended", ["membership", "account"])
def test_no_export_when_the_right_ended_before_the_file_was_made(
    client: Client, world: World, case: Case, django_capture_on_commit_callbacks, ended: str
) -> None:
    sign_in(client, world.family_specialist)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(f"/privacy/inzage/family/{case.family_id}/pdf").status_code == 302
    file = InzageFile.objects.get()
    assert file.status == InzageFile.Status.QUEUED
    page = client.get(f"/privacy/inzage/family/{case.family_id}/")
    assert "wordt gemaakt" in page.content.decode()
    if ended == "membership":  # left the job
        Membership.objects.filter(professional=world.family_specialist).delete()
    else:  # the account was deactivated
        Professional.objects.filter(pk=world.family_specialist.pk).update(is_active=False)
    for callback in queued:
        callback()
    file.refresh_from_db()
    assert file.status == InzageFile.Status.FAILED and file.content is None
    assert not AccessLogEntry.objects.filter(event=Event.EXPORT).exists()


def test_a_deactivated_privacy_officer_exports_nothing(
    client: Client, case: Case, officer: Professional, django_capture_on_commit_callbacks
) -> None:
    """The officer's explicit rule holds for an active account only (access.policies), also
    in the worker, where no sign-in checks the account."""
    sign_in(client, officer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(f"/privacy/inzage/family/{case.family_id}/pdf").status_code == 302
    Professional.objects.filter(pk=officer.pk).update(is_active=False)
    for callback in queued:
        callback()
    assert InzageFile.objects.get().status == InzageFile.Status.FAILED
    assert not AccessLogEntry.objects.filter(event=Event.EXPORT).exists()


def test_an_inzage_leaves_out_earlier_inzage_files(
    client: Client, case: Case, officer: Professional, django_capture_on_commit_callbacks
) -> None:
    sign_in(client, officer)
    _ask_for_pdf(
        client, f"/privacy/inzage/family/{case.family_id}/pdf", django_capture_on_commit_callbacks
    )
    body = streamed_json(client.get(f"/privacy/inzage/family/{case.family_id}/json"))
    assert not [label for label in body["records"] if label.startswith("privacy.")]
    asked = [e for e in body["access_log"] if e["detail"].startswith("inzage pdf asked for")]
    assert len(asked) == 1  # the request itself is in the access log


def _texts(box: object) -> list[str]:
    found = [box.text] if isinstance(getattr(box, "text", None), str) else []  # type: ignore[attr-defined]
    for child in getattr(box, "children", []):
        found += _texts(child)
    return found


def test_the_contact_person_may_export_their_case(client: Client, world: World, case: Case) -> None:
    sign_in(client, world.family_specialist)
    assert case.contact_person == world.family_specialist
    response = client.get(f"/api/privacy/families/{case.family_id}/inzage")
    assert response.status_code == 200
    body = streamed_json(response)
    assert body["cases"] == [case.pk]
    assert body["rule"] == "case matrix: export"
    assert client.get(f"/privacy/inzage/family/{case.family_id}/").status_code == 200
    assert AccessLogEntry.objects.filter(event=Event.EXPORT, username="gs").count() == 1


def test_a_childs_inzage_keeps_to_that_child(
    client: Client, world: World, case: Case, officer, pupil
) -> None:
    sign_in(client, officer)
    body = streamed_json(client.get(f"/api/privacy/children/{pupil.pk}/inzage"))
    assert [c["id"] for c in body["records"]["cases.child"]] == [pupil.pk]
    assert body["subject"] == {"family": pupil.family_id, "child": pupil.pk}


@pytest.mark.parametrize(
    "role",
    [
        "teacher",
        "director",
        "coordinator",
        "nurse",
        "policy_officer",
        "district_team",
        "other_coach",
    ],
)
def test_who_may_not_export_gets_404(client: Client, world: World, case: Case, role: str) -> None:
    sign_in(client, getattr(world, role))
    family = case.family_id
    for url in (
        f"/privacy/inzage/family/{family}/",
        f"/privacy/inzage/family/{family}/json",
        f"/api/privacy/families/{family}/inzage",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/privacy/inzage/family/{family}/pdf").status_code == 404
    assert not InzageFile.objects.exists()
    assert client.get("/privacy/inzage/family/999999/json").status_code == 404
    assert not AccessLogEntry.objects.filter(event=Event.EXPORT).exists()


#: Labels that are the same word in Dutch and English.
SAME_IN_DUTCH = {"BSN", "route", "professional", "link", "meldcode", "status"}


def test_every_label_in_the_pdf_is_dutch(case: Case, officer: Professional) -> None:
    """Django's generated field names ("family", "created at") were English in the PDF."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("nl"):
        export = inzage_export(by=officer, family_id=case.family_id, form="pdf")
        html = render_to_string("privacy/inzage_pdf.html", {"inzage": export})
    assert "<b>Family:</b>" not in html and "<b>Gezin:</b>" in html
    for section in export.sections.values():
        for name, title in section.fields:
            generated = name.replace("_", " ")
            assert title != generated or title in SAME_IN_DUTCH, (section.label, name)
        assert section.title != section.label.split(".")[1] + "s", section.label
        with translation.override("en"):
            english = section_title(apps.get_model(section.label))
        assert section.title != english or section.title in SAME_IN_DUTCH, section.label
    # A reference and a role read as words ("Casus 1", "Intern begeleider"), not as codes.
    assert ": case " not in html and "internal_coach" not in html


def test_a_guardian_who_lost_parental_authority_gets_no_file(
    case: Case, django_capture_on_commit_callbacks
) -> None:
    from kansrijk.privacy.files import pdf_request_for_family

    guardian = case.family.guardians.get()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        file = pdf_request_for_family(guardian=guardian)
    type(guardian).objects.filter(pk=guardian.pk).update(parental_authority=False)
    for callback in queued:
        callback()
    file.refresh_from_db()
    assert file.status == InzageFile.Status.FAILED
    assert not AccessLogEntry.objects.filter(event=Event.EXPORT).exists()


def test_a_long_access_log_is_counted_whole_in_the_pdf_and_its_newest_entries_listed(
    world: World, case: Case, officer: Professional, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A family in care for years is in tens of thousands of entries; WeasyPrint took 40 s
    and 1 GB for 3,000 (region at 1.0). The PDF counts every entry by organisation, role,
    what and why, then lists the newest PDF_LOG_ENTRIES one by one; the JSON holds each."""
    from pypdf import PdfReader

    from kansrijk.privacy import inzage
    from kansrijk.privacy.inzage import render_pdf

    monkeypatch.setattr(inzage, "PDF_LOG_ENTRIES", 3)
    _nurse_reads(world, case, [f"dossier-gelezen-{n}" for n in range(6)])
    export = inzage_export(by=officer, family_id=case.family_id, form="pdf")
    log = export.log_digest()
    total = log.total
    assert total > 6 and [e["detail"] for e in export.access_log][-7:-1] == [
        f"dossier-gelezen-{n}" for n in range(6)
    ]  # the last: the export itself
    itself = f"inzage pdf; rule: privacy officer (explicit rule); cases [{case.pk}]"
    assert [e["detail"] for e in log.newest] == ["dossier-gelezen-4", "dossier-gelezen-5", itself]
    reads = [g for g in log.summary if (g.role, g.event) == ("school_nurse", Event.READ)]
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(export))).pages
    ).replace("\n", " ")
    assert f"Alle {total} regels naar organisatie, rol, wat en waarom" in text
    assert "De nieuwste 3 regels, een voor een" in text
    assert "dossier-gelezen-5" in text and "dossier-gelezen-4" in text
    assert "dossier-gelezen-3" not in text  # counted above, not listed one by one
    assert sum(g.times for g in log.summary) == total
    assert [g.times for g in reads] == [6]  # the nurse's reads, one row
