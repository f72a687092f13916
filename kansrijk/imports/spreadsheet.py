"""Reading the pupil CSV and the staff CSV (columns in docs/import.md) into rows.

Spreadsheets save CSV with `;` (Dutch Excel) or `,`, in UTF-8 (with or without BOM) or
Windows-1252; all are accepted. Column names are matched without regard to case or spaces.
A missing column refuses the file; a bad value is that row's problem.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from kansrijk.imports.errors import FileRefused
from kansrijk.imports.rows import GuardianRow, PupilRow, StaffRow, check_pupil

PUPIL_COLUMNS = (
    "leerlingnummer", "bsn", "roepnaam", "voorvoegsel", "achternaam", "geboortedatum",
    "groep", "adres", "postcode",
)  # fmt: skip
PUPIL_REQUIRED = ("leerlingnummer", "roepnaam", "achternaam", "geboortedatum", "groep")
#: Guardian columns, numbered verzorger1_… to verzorger4_….
GUARDIAN_FIELDS = ("naam", "relatie", "telefoon", "email", "gezag")
GUARDIANS = 4
STAFF_COLUMNS = ("naam", "email", "rol", "locatie")
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x", ""}
NO = {"nee", "n", "no", "0", "false", "onwaar"}
#: A CSV bigger than this many rows is refused (the largest schools have ~2,000 pupils).
MAX_ROWS = 20_000


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("The file is not text (CSV)."))


def _records(data: bytes, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    text = _text(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower().replace(" ", "_") for name in next(reader)]
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    missing = [name for name in required if name not in header]
    if missing:
        raise FileRefused(
            _("The file lacks the column(s) %(columns)s; see the column list on this page.")
            % {"columns": ", ".join(missing)}
        )
    for number, values in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise FileRefused(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
        if not any(value.strip() for value in values):
            continue
        yield (
            number,
            {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)},
        )


def read_pupil_csv(data: bytes, today: datetime.date) -> list[PupilRow]:
    rows = []
    for number, record in _records(data, PUPIL_REQUIRED):
        row = PupilRow(
            line=number,
            pupil_number=record.get("leerlingnummer", ""),
            bsn=record.get("bsn", "").replace(" ", "").replace(".", ""),
            given_name=record.get("roepnaam", ""),
            prefix=record.get("voorvoegsel", ""),
            family_name=record.get("achternaam", ""),
            group=record.get("groep", ""),
            address=record.get("adres", ""),
            postcode=record.get("postcode", ""),
        )
        for n in range(1, GUARDIANS + 1):
            value = {f: record.get(f"verzorger{n}_{f}", "") for f in GUARDIAN_FIELDS}
            authority = value["gezag"].lower()
            if authority not in YES | NO:
                row.add("authority_bad", value=value["gezag"])
            if value["naam"] or value["telefoon"] or value["email"]:
                row.guardians.append(
                    GuardianRow(
                        name=value["naam"], relation=value["relatie"], phone=value["telefoon"],
                        email=value["email"], authority=authority not in NO,
                    )
                )  # fmt: skip
        check_pupil(row, record.get("geboortedatum", ""), today)
        rows.append(row)
    return rows


def read_staff_csv(data: bytes) -> list[StaffRow]:
    return [
        StaffRow(
            line=number,
            name=record["naam"],
            email=record["email"].lower(),
            role=record["rol"],
            location=record["locatie"],
            organisation=record.get("organisatie", ""),
        )
        for number, record in _records(data, STAFF_COLUMNS)
    ]
