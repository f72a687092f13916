"""Pupil imports from EDEXML and CSV: preview first, then one confirmed write; idempotent,
updating, never duplicating, siblings in one family, leavers keep their case."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases.models import Case, Child, Family, Guardian
from kansrijk.core.models import Group, Location
from kansrijk.imports import services
from kansrijk.imports.edexml import read_edexml
from kansrijk.imports.errors import FileRefused
from kansrijk.imports.models import ImportBatch
from kansrijk.imports.rows import GuardianRow, PupilRow, problem_text
from kansrijk.imports.samples import csv_bytes, demo_sample, edexml_bytes, rows_of
from kansrijk.imports.spreadsheet import read_pupil_csv
from tests.conftest import World
from tests.imports.conftest import TODAY

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
#: The ten kinds of bad rows of demo_sample, in order.
BAD_KINDS = [
    "bsn_elfproef", "birth_date_missing", "group_unknown", "bsn_twice", "birth_date_bad",
    "birth_date_unlikely", "name_missing", "pupil_number_twice", "bsn_format", "postcode_bad",
]  # fmt: skip


def snapshot() -> tuple[object, ...]:
    children = sorted(
        Child.objects.values_list(
            "pk", "family_id", "given_name", "family_name", "bsn", "pupil_number", "group",
            "left_on", "location_id", "date_of_birth",
        )
    )  # fmt: skip
    guardians = sorted(
        Guardian.objects.values_list("family_id", "name", "phone", "email", "parental_authority")
    )
    families = sorted(Family.objects.values_list("pk", "name", "address"))
    return children, guardians, families


def prepare(world: World, data: bytes, name: str, **options: object) -> ImportBatch:
    return services.pupil_import_prepare(
        by=world.coach, location=world.school, data=data, file_name=name, today=TODAY,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip


def confirm(world: World, batch: ImportBatch, **options: object) -> dict[str, int]:
    return services.pupil_import_confirm(
        by=world.coach, batch=batch, today=TODAY,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["edexml", "csv"])
def test_sample_file_shows_new_changed_leavers_and_errors_and_writes_nothing(
    world: World, school: Location, kind: str
) -> None:
    rows = demo_sample(school, TODAY)
    data = (
        edexml_bytes(rows, school="99ZZ", school_year="2026-2027")
        if kind == "edexml"
        else (csv_bytes(rows))
    )
    before = snapshot()
    batch = prepare(world, data, f"sample.{'xml' if kind == 'edexml' else 'csv'}")
    assert snapshot() == before, "a preview writes nothing"
    counts = batch.preview["counts"]
    assert (counts["new"], counts["leavers"], counts["errors"]) == (4, 4, 10)
    assert counts["changed"] == 4  # three moved groups, one guardian's phone
    changed = {what for row in batch.preview["changed"] for what, _old, _new in row["changes"]}
    assert changed == {"group", "guardian_changed"}
    found = [code for row in batch.preview["errors"] for code, _params in row["problems"]]
    assert sorted(set(found)) == sorted(BAD_KINDS), batch.preview["errors"]
    assert all(row["line"] > 1 for row in batch.preview["errors"])
    families = batch.preview["families"]
    assert sorted(len(f["children"]) for f in families) == [1, 2]  # joins one; two siblings
    joining = next(f for f in families if f["joins"])
    assert joining["children"] == [f"Noor {rows[5].family_name}"]
    assert joining["joins_name"] == Child.objects.get(bsn=rows[5].bsn).family.name


@pytest.mark.django_db
def test_ten_kinds_of_bad_rows_each_with_row_and_reason_and_nothing_written(
    world: World, school: Location
) -> None:
    """The school's own pupils unchanged plus ten bad rows: ten problems, each on its line
    with a plain reason; confirming writes nothing (the good rows have nothing to change)."""
    confirm(world, prepare(world, csv_bytes(rows_of(school)), "eerste.csv"))
    sample = demo_sample(school, TODAY)
    rows = [*rows_of(school), *sample[-10:]]
    before = snapshot()
    batch = prepare(world, csv_bytes(rows), "fout.csv")
    errors = batch.preview["errors"]
    assert [e["line"] for e in errors] == list(range(len(rows) - 8, len(rows) + 2))
    assert [e["problems"][0][0] for e in errors] == BAD_KINDS
    reasons = [problem_text(*e["problems"][0]) for e in errors]
    assert all(reason.endswith(".") and len(reason) > 20 for reason in reasons)
    counts = batch.preview["counts"]
    assert (counts["new"], counts["changed"], counts["leavers"]) == (0, 0, 0)
    assert snapshot() == before
    assert confirm(world, batch)["errors"] == 10
    assert snapshot() == before


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(world: World, school: Location) -> None:
    rows = demo_sample(school, TODAY)
    data = edexml_bytes(rows, school="99ZZ", school_year="2026-2027")
    first = confirm(world, prepare(world, data, "a.xml"))
    assert (first["new"], first["left"]) == (4, 4)
    after = snapshot()
    again = prepare(world, data, "a.xml")
    counts = again.preview["counts"]
    assert (counts["new"], counts["changed"], counts["leavers"]) == (0, 0, 0)
    assert counts["unchanged"] == len(rows) - 10
    second = confirm(world, again)
    assert (second["new"], second["changed"], second["left"]) == (0, 0, 0)
    assert snapshot() == after
    assert Child.objects.filter(location=school).count() == 14 + 4


@pytest.mark.django_db
def test_newer_file_updates_groups_and_guardians_and_never_duplicates(
    world: World, school: Location
) -> None:
    rows = rows_of(school)
    confirm(world, prepare(world, csv_bytes(rows), "sept.csv"))  # the pupil numbers are set
    count = Child.objects.count()
    rows[0].group = "8"
    rows[1].guardians[0].phone = "06-55555555"
    rows[1].guardians.append(GuardianRow("Kees Bakker", "vader", "06-44444444", ""))
    rows[2].bsn = ""  # matched by pupil number alone
    batch = prepare(world, csv_bytes(rows), "okt.csv")
    assert batch.preview["counts"]["changed"] == 2
    confirm(world, batch)
    assert Child.objects.count() == count
    first = Child.objects.get(pupil_number=rows[0].pupil_number, location=school)
    assert first.group == "8"
    second = Child.objects.get(pupil_number=rows[1].pupil_number, location=school)
    phones = set(second.family.guardians.values_list("phone", flat=True))
    assert phones == {"06-55555555", "06-44444444"}


@pytest.mark.django_db
def test_leaver_keeps_the_open_case_and_is_marked_left(world: World, school: Location) -> None:
    rows = rows_of(school)
    leaver = Child.objects.get(bsn=rows[0].bsn)
    case = Case.objects.create(family=leaver.family, location=school, contact_person=world.coach)
    data = edexml_bytes(rows[1:], school="99ZZ", school_year="2026-2027")
    confirm(world, prepare(world, data, "l.xml"))
    leaver.refresh_from_db()
    case.refresh_from_db()
    assert leaver.left_on == TODAY
    assert leaver.location == school and case.is_open


@pytest.mark.django_db
def test_leaving_starts_the_school_retention_term(world: World, school: Location) -> None:
    """A pupil who left is anonymised two years after leaving, not before (no case)."""
    from kansrijk.privacy.retention import pupils_due

    rows = rows_of(school)
    leaver = Child.objects.get(bsn=rows[0].bsn)
    confirm(world, prepare(world, csv_bytes(rows[1:]), "l.csv"))
    two_years = TODAY.replace(year=TODAY.year + 2)
    assert leaver not in pupils_due(two_years, except_families=set())
    assert leaver in pupils_due(two_years + datetime.timedelta(days=1), except_families=set())
    from django.utils import timezone

    from kansrijk.privacy.services import retention_run

    stale = prepare(world, csv_bytes(rows[1:]), "vergeten.csv")
    ImportBatch.objects.filter(pk=stale.pk).update(expires_at=timezone.now())
    retention_run(dry_run=False, today=two_years + datetime.timedelta(days=1))
    leaver.refresh_from_db()
    assert (leaver.given_name, leaver.bsn, leaver.pupil_number) == ("—", None, "")
    assert not ImportBatch.objects.filter(pk=stale.pk).exists()  # the rows nobody confirmed


@pytest.mark.django_db
def test_unknown_groups_are_created_when_ticked(world: World, school: Location) -> None:
    rows = rows_of(school)
    rows[0].group = "3/4"
    refused = prepare(world, csv_bytes(rows), "g.csv")
    assert refused.preview["counts"]["errors"] == 1
    text = problem_text(*refused.preview["errors"][0]["problems"][0])
    assert "3/4" in text
    accepted = prepare(world, csv_bytes(rows), "g.csv", create_groups=True)
    assert accepted.preview["counts"]["errors"] == 0
    confirm(world, accepted)
    assert Group.objects.filter(location=school, name="3/4").exists()


@pytest.mark.django_db
def test_pupil_who_left_another_school_moves_here_one_still_there_is_an_error(
    world: World, school: Location
) -> None:
    from tests.imports.conftest import fill

    elsewhere = fill(world.other_school, 2, first_bsn=200)
    Child.objects.filter(pk=elsewhere[0].pk).update(left_on=datetime.date(2026, 7, 15))
    rows = rows_of(school)
    for child in elsewhere:
        rows.append(PupilRow(0, f"W{child.pk}", child.bsn or "", child.given_name, "",
                             child.family_name, child.date_of_birth.isoformat(), "1"))  # fmt: skip
    batch = prepare(world, csv_bytes(rows), "w.csv")
    assert [e["problems"][0][0] for e in batch.preview["errors"]] == ["at_other_school"]
    assert [c["changes"][0][0] for c in batch.preview["changed"]] == ["school"]
    assert batch.preview["changed"][0]["child"] == elsewhere[0].pk
    confirm(world, batch)
    moved = Child.objects.get(pk=elsewhere[0].pk)
    assert (moved.location, moved.left_on, moved.group) == (school, None, "1")
    assert Child.objects.filter(bsn=elsewhere[0].bsn).count() == 1


@pytest.mark.django_db
def test_siblings_join_one_family_unless_declined(world: World, school: Location) -> None:
    parent = GuardianRow("Fatima el Amrani", "moeder", "06-98765432", "")
    new = [
        PupilRow(0, "N1", "", "Yara", "el", "Amrani", "2020-03-14", "2", guardians=[parent]),
        PupilRow(0, "N2", "", "Adam", "el", "Amrani", "2018-03-14", "4", guardians=[parent]),
    ]
    rows = [*rows_of(school), *new]
    confirm(world, prepare(world, csv_bytes(rows), "s.csv"))
    yara, adam = (Child.objects.get(pupil_number=n) for n in ("N1", "N2"))
    assert yara.family_id == adam.family_id
    assert Guardian.objects.filter(family=yara.family).count() == 1
    new[0].pupil_number, new[1].pupil_number = "N3", "N4"
    new[0].given_name, new[1].given_name = "Sara", "Omar"
    new[0].guardians = new[1].guardians = [GuardianRow("Iemand Anders", "", "06-1", "")]
    batch = prepare(world, csv_bytes([*rows, *new]), "s2.csv")
    confirm(world, batch, group_siblings=False)
    sara, omar = (Child.objects.get(pupil_number=n) for n in ("N3", "N4"))
    assert sara.family_id != omar.family_id


@pytest.mark.django_db
def test_confirm_is_logged_per_child_and_clears_the_rows(world: World, school: Location) -> None:
    rows = demo_sample(school, TODAY)
    batch = prepare(world, csv_bytes(rows), "log.csv")
    before = AccessLogEntry.objects.count()
    counts = confirm(world, batch)
    written = AccessLogEntry.objects.filter(pk__gt=0).count() - before
    new_families = len(
        {c.family_id for c in Child.objects.filter(pupil_number__startswith="NIEUW")}
    )
    assert new_families == 3  # two siblings share one entry
    assert written == new_families + counts["changed"] + counts["numbered"] + counts["left"]
    batch.refresh_from_db()
    assert batch.rows == [] and "new" not in batch.preview and batch.confirmed_at
    with pytest.raises(FileRefused):
        confirm(world, batch)


@pytest.mark.django_db
def test_other_schools_coach_may_not_import_here(world: World, school: Location) -> None:
    with pytest.raises(services.NotAllowed):
        services.pupil_import_prepare(
            by=world.other_coach, location=world.school, data=b"x", file_name="x.csv"
        )
    with pytest.raises(services.NotAllowed):
        services.pupil_import_prepare(
            by=world.teacher, location=world.school, data=b"x", file_name="x.csv"
        )


def test_committed_samples_follow_the_schema_and_hold_the_bad_rows() -> None:
    xml = read_edexml((SAMPLES / "leerlingen-schakel.xml").read_bytes(), TODAY)[0]
    csv = read_pupil_csv((SAMPLES / "leerlingen-schakel.csv").read_bytes(), TODAY)
    assert len(xml) == len(csv) > 150
    for rows in (xml, csv):
        assert [r.pupil_number for r in rows if r.problems] == [
            "FOUT01",
            "FOUT02",
            "FOUT05",
            "FOUT06",
            "FOUT07",
            "FOUT09",
            "FOUT10",
        ]  # the other three are found against the school and the rest of the file


def test_a_file_that_is_not_edexml_or_csv_is_refused() -> None:
    with pytest.raises(FileRefused):
        read_edexml(b"<EDEX><school/></EDEX", TODAY)
    with pytest.raises(FileRefused, match="EDEXML"):
        read_edexml(b"<other/>", TODAY)
    with pytest.raises(FileRefused, match="leerlingnummer"):
        read_pupil_csv(b"naam;groep\nx;1\n", TODAY)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EDEX>&a;</EDEX>'
    with pytest.raises(FileRefused):
        read_edexml(bomb, TODAY)
