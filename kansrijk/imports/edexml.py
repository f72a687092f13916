"""Reading an EDEXML 2.1 file (ParnasSys, ESIS, Magister export) into pupil rows.

The file is validated against the published XSD (kansrijk/imports/schema, with Kansrijk's
guardian block as the one `toevoegingen` extension) by lxml, and read with XPath. A schema
error inside a <leerling> is that pupil's problem (its line in the file, a plain reason);
one anywhere else refuses the file. Entities, DTDs and network access are off.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import re
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from kansrijk.imports.errors import FileRefused
from kansrijk.imports.rows import GuardianRow, PupilRow, check_pupil

SCHEMA = Path(__file__).resolve().parent / "schema" / "kansrijk.gezin.xsd"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
GUARDIAN_BLOCK = "KansrijkGezinType"
#: Schema errors on these elements become the same problem a CSV row would get.
ELEMENT_PROBLEMS = {
    "bsn": "bsn_format",
    "geboortedatum": "birth_date_bad",
    "postcodenl": "postcode_bad",
    "emailadres": "email_bad",
}
_ELEMENT = re.compile(r"Element '([^']+)'")
_VALUE = re.compile(r"(?:The value |^)'([^']*)'")
_KEYREF = re.compile(r"key-sequence \['([^']*)'\] of keyref 'groepsRefLeerling'")
#: At most this many problems of a refused file are named.
NAMED = 5


@functools.cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def read_edexml(data: bytes, today: datetime.date) -> tuple[list[PupilRow], dict[str, str]]:
    """The pupils of the file and what it says about itself (school, school year)."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise FileRefused(
            _("This is not a readable XML file (line %(line)s: %(error)s).")
            % {"line": error.lineno, "error": error.msg}
        ) from error
    if root.getroottree().docinfo.internalDTD is not None or b"<!ENTITY" in data[:4096]:
        raise FileRefused(_("An EDEXML file has no DOCTYPE or entities; this file is refused."))
    if root.tag != "EDEX":
        raise FileRefused(_("This is not an EDEXML file: it does not start with <EDEX>."))
    pupils = root.findall("leerlingen/leerling")
    problems = _schema_problems(root, pupils)
    groups = {g.get("key"): _text(g, "naam") for g in root.iterfind("groepen/groep")}
    rows = []
    for element in pupils:
        rows.append(_row(element, groups, problems.get(element.sourceline, []), today))
    about = {
        "school": _text(root, "school/brincode") or _text(root, "school/schoolkey"),
        "school_year": _text(root, "school/schooljaar"),
        "made_on": _text(root, "school/aanmaakdatum")[:10],
    }
    return rows, about


def _schema_problems(
    root: etree._Element, pupils: list[etree._Element]
) -> dict[int, list[tuple[str, dict[str, str]]]]:
    """Schema errors by the line of the pupil they are in; refuse the file for any other."""
    validator = schema()
    try:
        if validator.validate(root.getroottree()):
            return {}
    except etree.XMLSchemaValidateError as error:
        raise FileRefused(_("This file cannot be checked against EDEXML 2.1.")) from error
    starts = [p.sourceline for p in pupils]
    teachers = root.find("leerkrachten")
    end = teachers.sourceline if teachers is not None else None
    found: dict[int, list[tuple[str, dict[str, str]]]] = {}
    elsewhere: list[str] = []
    for entry in validator.error_log:
        if end is not None and entry.line >= end:
            continue  # the teachers: not imported
        index = bisect.bisect_right(starts, entry.line) - 1
        if index < 0:
            elsewhere.append(f"{entry.line}: {entry.message}")
            continue
        if "identity-constraint 'leerlingKey'" in entry.message:
            continue  # a pupil number twice: the preview names both lines
        found.setdefault(starts[index], []).append(_problem(entry.message))
    if elsewhere:
        raise FileRefused(
            _("The file does not follow EDEXML 2.1 outside the pupils (line %(lines)s).")
            % {"lines": "; ".join(elsewhere[:NAMED])}
        )
    return found


def _problem(message: str) -> tuple[str, dict[str, str]]:
    keyref = _KEYREF.search(message)
    if keyref:
        return "group_not_in_file", {"value": keyref[1]}
    element = _ELEMENT.search(message)
    name = element[1] if element else ""
    rest = message.split(":", 1)[1].strip() if ":" in message else message
    value = _VALUE.search(rest)
    if name in ELEMENT_PROBLEMS and value:
        return ELEMENT_PROBLEMS[name], {"value": value[1]}
    return "schema", {"value": message[:200]}


def _row(
    element: etree._Element,
    groups: dict[str | None, str],
    problems: list[tuple[str, dict[str, str]]],
    today: datetime.date,
) -> PupilRow:
    given = _text(element, "roepnaam") or _text(element, "voornamen").split(" ")[0]
    group_ref = element.find("groep")
    group_key = group_ref.get("key", "") if group_ref is not None else ""
    row = PupilRow(
        line=element.sourceline or 0,
        pupil_number=element.get("key", "").strip(),
        bsn=_text(element, "bsn"),
        given_name=given,
        prefix=_text(element, "voorvoegsel"),
        family_name=_text(element, "achternaam"),
        group=groups.get(group_key, ""),
        postcode=_text(element, "postcodenl"),
        left_on=_text(element, "uitstroomdatum"),
    )
    for block in element.iterfind("toevoegingen/blok"):
        if (block.get(XSI_TYPE) or "").split(":")[-1] != GUARDIAN_BLOCK:
            continue
        row.address = _text(block, "adres")
        for guardian in block.iterfind("verzorger"):
            row.guardians.append(
                GuardianRow(
                    name=_text(guardian, "naam"),
                    relation=_text(guardian, "relatie"),
                    phone=_text(guardian, "telefoon"),
                    email=_text(guardian, "emailadres"),
                    authority=guardian.get("gezag", "true") in ("true", "1"),
                )
            )
    check_pupil(row, _text(element, "geboortedatum"), today)
    if group_key and group_key not in groups:
        row.problems = [p for p in row.problems if p[0] != "group_missing"]
        problems = [*problems, ("group_not_in_file", {"value": group_key})]
    # A schema problem and the same check of our own say one thing once.
    codes = {code for code, _params in problems}
    row.problems = _unique([*problems, *(p for p in row.problems if p[0] not in codes)])
    left = row.left_on
    row.left_on = left if left and left <= today.isoformat() else ""
    return row


def _unique(problems: list[tuple[str, dict[str, str]]]) -> list[tuple[str, dict[str, str]]]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for code, params in problems:
        key = (code, str(sorted(params.items())))
        if key not in seen:
            seen.add(key)
            kept.append((code, params))
    return kept
