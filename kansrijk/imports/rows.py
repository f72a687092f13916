"""One pupil or staff member as read from a file, whatever the format, and what is wrong
with it. Rows are stored as JSON in an ImportBatch between preview and confirmation, so
they hold plain values; problems are codes with parameters and get their (Dutch) text only
when shown, in the reader's language."""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.bsn import bsn_is_valid

#: What can be wrong with a row, and how to say it plainly.
PROBLEMS: dict[str, Promise] = {
    "bsn_format": _("The BSN “%(value)s” is not nine digits."),
    "bsn_elfproef": _("The BSN %(value)s does not pass the elfproef (check for a typo)."),
    "bsn_twice": _("The BSN %(value)s is also on row %(other)s."),
    "pupil_number_missing": _("The pupil number is missing."),
    "pupil_number_twice": _("The pupil number %(value)s is also on row %(other)s."),
    "pupil_number_long": _("The pupil number is longer than 64 characters."),
    "name_missing": _("The pupil's given name or family name is missing."),
    "birth_date_missing": _("The date of birth is missing."),
    "birth_date_bad": _(
        "The date of birth “%(value)s” is not a date (use yyyy-mm-dd or dd-mm-yyyy)."
    ),
    "birth_date_unlikely": _("The date of birth %(value)s cannot be right for a pupil."),
    "group_missing": _("The group is missing."),
    "group_unknown": _(
        "The group “%(value)s” does not exist at this school. Add it, or tick “create the "
        "groups in this file”."
    ),
    "group_long": _("The group name “%(value)s” is longer than 20 characters."),
    "group_not_in_file": _("The pupil refers to group key “%(value)s”, which is not in the file."),
    "postcode_bad": _("The postcode “%(value)s” is not a Dutch postcode (1234 AB)."),
    "email_bad": _("The e-mail address “%(value)s” of a guardian is not valid."),
    "authority_bad": _("“%(value)s” in the authority column is not yes or no."),
    "guardian_name_missing": _("A guardian has a phone number or e-mail but no name."),
    "at_other_school": _(
        "This BSN belongs to a pupil still enrolled at another school. That school has to "
        "record that the pupil left first."
    ),
    "matches_two": _(
        "The pupil number matches one pupil and the BSN another; correct the file or the "
        "pupil's details."
    ),
    "schema": _("The file does not follow EDEXML here: %(value)s"),
    # staff rows
    "staff_name_missing": _("The name is missing."),
    "staff_email_bad": _("The e-mail address “%(value)s” is not valid."),
    "staff_email_twice": _("The e-mail address %(value)s is also on row %(other)s."),
    "role_unknown": _("The role “%(value)s” is not a role in Kansrijk."),
    "location_unknown": _("The location “%(value)s” is not known (use its short code)."),
    "organisation_unknown": _("The organisation “%(value)s” is not known."),
    "membership_exists": _("%(value)s already has this role at this location."),
}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^(\d{4})\s?([A-Za-z]{2})$")
#: The oldest and youngest a pupil of a primary school or childcare can be.
OLDEST, YOUNGEST = 21, 0


def problem_text(code: str, params: dict[str, Any]) -> str:
    return str(PROBLEMS[code]) % params if params else str(PROBLEMS[code])


@dataclass
class GuardianRow:
    name: str
    relation: str = ""
    phone: str = ""
    email: str = ""
    authority: bool = True


@dataclass
class PupilRow:
    """A pupil from the file. `line` is where it starts in the file (CSV row or XML line)."""

    line: int
    pupil_number: str = ""
    bsn: str = ""
    given_name: str = ""
    prefix: str = ""
    family_name: str = ""
    date_of_birth: str = ""  # ISO date once valid
    group: str = ""
    address: str = ""
    postcode: str = ""
    guardians: list[GuardianRow] = field(default_factory=list)
    #: The pupil left on this day according to the file (EDEXML uitstroomdatum).
    left_on: str = ""
    problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, code: str, **params: Any) -> None:
        self.problems.append((code, params))

    @property
    def full_family_name(self) -> str:
        return f"{self.prefix} {self.family_name}".strip()

    @property
    def full_address(self) -> str:
        return ", ".join(part for part in (self.address, self.postcode) if part)

    def as_json(self) -> dict[str, Any]:
        """Like dataclasses.asdict, without its deep copies (5,000 rows are stored at once)."""
        data = dict(self.__dict__)
        data["guardians"] = [dict(g.__dict__) for g in self.guardians]
        data["problems"] = [[code, dict(params)] for code, params in self.problems]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PupilRow:
        data = dict(data)
        data["guardians"] = [GuardianRow(**g) for g in data.get("guardians", [])]
        data["problems"] = [(code, params) for code, params in data.get("problems", [])]
        return cls(**data)


@dataclass
class StaffRow:
    line: int
    name: str = ""
    email: str = ""
    role: str = ""
    location: str = ""
    organisation: str = ""
    problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, code: str, **params: Any) -> None:
        self.problems.append((code, params))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StaffRow:
        data = dict(data)
        data["problems"] = [(code, params) for code, params in data.get("problems", [])]
        return cls(**data)


# --- checks shared by both formats -------------------------------------------------------------


def parse_date(text: str) -> datetime.date | None:
    """yyyy-mm-dd (EDEXML, ISO) or dd-mm-yyyy / dd/mm/yyyy (what spreadsheets make of it)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def normalised_postcode(text: str) -> str | None:
    match = POSTCODE.match(text.strip())
    return f"{match[1]} {match[2].upper()}" if match else None


def check_pupil(row: PupilRow, date_text: str, today: datetime.date) -> None:
    """The checks of one row on its own (the file-wide ones are in kansrijk.imports.preview)."""
    if not row.pupil_number:
        row.add("pupil_number_missing")
    elif len(row.pupil_number) > 64:
        row.add("pupil_number_long")
    if not row.given_name or not row.family_name:
        row.add("name_missing")
    if row.bsn:
        if not (len(row.bsn) == 9 and row.bsn.isascii() and row.bsn.isdigit()):
            row.add("bsn_format", value=row.bsn)
        elif not bsn_is_valid(row.bsn):
            row.add("bsn_elfproef", value=row.bsn)
    if not date_text.strip():
        row.add("birth_date_missing")
    else:
        born = parse_date(date_text)
        if born is None:
            row.add("birth_date_bad", value=date_text.strip())
        elif born > today or born.year < today.year - OLDEST:
            row.add("birth_date_unlikely", value=born.strftime("%d-%m-%Y"))
        else:
            row.date_of_birth = born.isoformat()
    if not row.group:
        row.add("group_missing")
    elif len(row.group) > 20:
        row.add("group_long", value=row.group)
    if row.postcode:
        postcode = normalised_postcode(row.postcode)
        if postcode is None:
            row.add("postcode_bad", value=row.postcode)
        else:
            row.postcode = postcode
    for guardian in row.guardians:
        if not guardian.name and (guardian.phone or guardian.email):
            row.add("guardian_name_missing")
        if guardian.email and not EMAIL.match(guardian.email):
            row.add("email_bad", value=guardian.email)
    row.guardians = [g for g in row.guardians if g.name]
