"""Writing pupil files: EDEXML (built with lxml and valid against the schema) and CSV.

Used for the samples in docs/samples (`manage.py import_samples`, from a demo school with
deliberate changes, leavers and bad rows), the tests and the benchmark. Names come from the
demo (Faker nl_NL) and BSNs are public test numbers only (kansrijk.demo.pupils.test_bsns).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import replace

from lxml import etree

from kansrijk.cases.models import Child
from kansrijk.core.models import Location
from kansrijk.demo.pupils import test_bsns
from kansrijk.imports.edexml import GUARDIAN_BLOCK, XSI_TYPE
from kansrijk.imports.rows import GuardianRow, PupilRow
from kansrijk.imports.spreadsheet import GUARDIAN_FIELDS, GUARDIANS, PUPIL_COLUMNS

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _sub(parent: etree._Element, tag: str, text: str = "", **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attributes)
    if text:
        element.text = text
    return element


def edexml_bytes(rows: list[PupilRow], *, school: str, school_year: str) -> bytes:
    """An EDEXML 2.1 file of these pupils; a row's raw values are written as they are."""
    root = etree.Element("EDEX", nsmap={"xsi": XSI})
    head = _sub(root, "school")
    _sub(head, "schooljaar", school_year)
    _sub(head, "brincode", school)
    _sub(head, "aanmaakdatum", datetime.datetime(2026, 9, 1, 8, 0).isoformat())  # noqa: DTZ001
    _sub(head, "auteur", "Kansrijk import_samples")
    _sub(head, "xsdversie", "2.1")
    groups = _sub(root, "groepen")
    keys: dict[str, str] = {}
    for name in sorted({r.group for r in rows if r.group}):
        keys[name] = f"G{len(keys) + 1}"
        group = _sub(groups, "groep", key=keys[name])
        _sub(group, "naam", name)
        _sub(group, "jaargroep", name if name in {str(n) for n in range(1, 9)} else "0")
    pupils = _sub(root, "leerlingen")
    for row in rows:
        pupil = (
            _sub(pupils, "leerling", key=row.pupil_number)
            if row.pupil_number
            else (_sub(pupils, "leerling"))
        )
        if row.family_name:
            _sub(pupil, "achternaam", row.family_name)
        if row.prefix:
            _sub(pupil, "voorvoegsel", row.prefix)
        if row.given_name:
            _sub(pupil, "roepnaam", row.given_name)
        if row.date_of_birth:
            _sub(pupil, "geboortedatum", row.date_of_birth)
        if row.group:
            _sub(pupil, "groep", key=keys[row.group])
        if row.bsn:
            _sub(pupil, "bsn", row.bsn)
        if row.postcode:
            _sub(pupil, "postcodenl", row.postcode.replace(" ", ""))
        if row.left_on:
            _sub(pupil, "uitstroomdatum", row.left_on)
        if row.address or row.guardians:
            block = _sub(_sub(pupil, "toevoegingen"), "blok", **{XSI_TYPE: GUARDIAN_BLOCK})
            _sub(block, "code", "kansrijk-gezin")
            if row.address:
                _sub(block, "adres", row.address)
            for guardian in row.guardians:
                element = _sub(block, "verzorger", gezag="true" if guardian.authority else "false")
                _sub(element, "naam", guardian.name)
                for tag, value in (("relatie", guardian.relation), ("telefoon", guardian.phone),
                                   ("emailadres", guardian.email)):  # fmt: skip
                    if value:
                        _sub(element, tag, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def csv_bytes(rows: list[PupilRow]) -> bytes:
    header = [*PUPIL_COLUMNS] + [
        f"verzorger{n}_{f}" for n in range(1, GUARDIANS + 1) for f in GUARDIAN_FIELDS
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        values = [row.pupil_number, row.bsn, row.given_name, row.prefix, row.family_name,
                  row.date_of_birth, row.group, row.address, row.postcode]  # fmt: skip
        for n in range(GUARDIANS):
            if n < len(row.guardians):
                g = row.guardians[n]
                values += [g.name, g.relation, g.phone, g.email, "ja" if g.authority else "nee"]
            else:
                values += [""] * len(GUARDIAN_FIELDS)
        writer.writerow(values)
    return out.getvalue().encode("utf-8")


def rows_of(location: Location) -> list[PupilRow]:
    """The location's current pupils as the school administration would export them."""
    children = (
        Child.objects.filter(location=location, left_on__isnull=True)
        .select_related("family")
        .prefetch_related("family__guardians")
        .order_by("pk")
    )
    return [
        PupilRow(
            line=0,
            pupil_number=child.pupil_number or f"{location.code[:3].upper()}{child.pk:05d}",
            bsn=child.bsn or "",
            given_name=child.given_name,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth.isoformat(),
            group=child.group,
            address=child.family.address,
            guardians=[
                GuardianRow(g.name, g.relation, g.phone, g.email, g.parental_authority)
                for g in child.family.guardians.all()
            ],
        )
        for child in children
    ]


def unused_bsns(count: int) -> list[str]:
    """Public test BSNs no child has yet, from the end of the range (the demo's are shuffled)."""
    taken = set(Child.objects.filter(bsn__startswith="9999").values_list("bsn", flat=True))
    found = []
    for bsn in reversed(list(test_bsns())):
        if bsn not in taken:
            found.append(bsn)
        if len(found) == count:
            break
    return found


def demo_sample(location: Location, today: datetime.date) -> list[PupilRow]:
    """The location's pupils with what a new school year brings: 4 pupils left, 3 moved to
    another group, a guardian's new phone number, 4 new pupils (two of them siblings, one a
    sibling of a pupil already here), and 10 rows with a problem each."""
    rows = rows_of(location)
    if len(rows) < 12:
        raise ValueError(f"{location} has too few pupils for a sample")
    kept = rows[4:]  # the first four left
    for row in kept[:3]:
        row.group = str(int(row.group) + 1) if row.group.isdecimal() and row.group != "8" else "1"
    if kept[3].guardians:
        kept[3].guardians[0].phone = "06-12345678"
    existing = kept[5]
    bsn = iter(unused_bsns(12))
    parent = GuardianRow("Fatima el Amrani", "moeder", "06-98765432", "f.elamrani@example.org")
    born = today.replace(year=today.year - 5, month=3, day=14)
    new = [
        PupilRow(0, "NIEUW001", next(bsn), "Yara", "el", "Amrani", born.isoformat(), "2",
                 "Lijnbaan 7", "3131 AB", [parent]),
        PupilRow(0, "NIEUW002", next(bsn), "Adam", "el", "Amrani",
                 born.replace(year=born.year - 2).isoformat(), "4", "Lijnbaan 7", "3131 AB",
                 [parent]),
        PupilRow(0, "NIEUW003", next(bsn), "Noor", "", existing.family_name,
                 born.isoformat(), "2", existing.address, "", list(existing.guardians)),
        PupilRow(0, "NIEUW004", "", "Daan", "van", "Dijk", born.isoformat(), "2",
                 "Kethelweg 3", "3134 KA", [GuardianRow("Eva van Dijk", "moeder", "06-11223344")]),
    ]  # fmt: skip
    ok = next(row for row in kept[6:] if row.bsn)
    bad = [
        replace(ok, pupil_number="FOUT01", bsn="999999991", family_name="Elfproef"),
        replace(ok, pupil_number="FOUT02", bsn=next(bsn), family_name="Zonderdatum",
                date_of_birth=""),
        replace(ok, pupil_number="FOUT03", bsn=next(bsn), family_name="Onbekend", group="9"),
        replace(ok, pupil_number="FOUT04", family_name="Dubbel"),  # the same BSN as row `ok`
        replace(ok, pupil_number="FOUT05", bsn=next(bsn), family_name="Februari",
                date_of_birth=f"{born.year}-02-30"),
        replace(ok, pupil_number="FOUT06", bsn=next(bsn), family_name="Toekomst",
                date_of_birth=today.replace(year=today.year + 1).isoformat()),
        replace(ok, pupil_number="FOUT07", bsn=next(bsn), given_name="", family_name="Naamloos"),
        replace(ok, pupil_number=kept[7].pupil_number, bsn=next(bsn), family_name="Nummer"),
        replace(ok, pupil_number="FOUT09", bsn="12345", family_name="Kort"),
        replace(ok, pupil_number="FOUT10", bsn=next(bsn), family_name="Postcode",
                postcode="ABCD 12"),
    ]  # fmt: skip
    for row in bad:
        row.guardians = []
    return [*kept, *new, *bad]
