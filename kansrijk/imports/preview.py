"""What a pupil file would change at a school: new pupils, changed pupils, leavers, rows with
problems, and which new pupils are siblings. Computed from the parsed rows and the school's
pupils in a fixed number of queries; the same computation runs again at confirmation, so
what is written always matches the database at that moment.

A pupil is matched by the school's pupil number first, then by BSN (also a pupil who left
another school: the child moves here), and, for a pupil entered by hand before the first
import (no pupil number yet, no BSN), by name and date of birth at this school. Siblings
are new pupils who share a guardian (same name and phone or e-mail) or a home address with
each other or with a pupil already here.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kansrijk.cases.models import Child, Guardian
from kansrijk.core.models import Group, Location
from kansrijk.imports.rows import GuardianRow, PupilRow

#: Warn when the file would mark more than this share of the school's pupils as left.
LEAVER_WARNING_SHARE = 0.25


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def guardian_keys(name: str, phone: str, email: str) -> list[str]:
    """Keys under which one guardian is recognised: name with phone, name with e-mail."""
    keys = []
    if name and _digits(phone):
        keys.append(f"g:{_norm(name)}|{_digits(phone)}")
    if name and email:
        keys.append(f"g:{_norm(name)}|{_norm(email)}")
    return keys


def address_key(address: str) -> str | None:
    return f"a:{_norm(address)}" if "," in address and address.split(",")[0].strip() else None


@dataclass
class Change:
    what: str  # name, date_of_birth, bsn, pupil_number, group, school, returned, left,
    # address, guardian_added, guardian_changed
    old: str = ""
    new: str = ""


@dataclass
class Match:
    index: int  # in the rows
    child: Child
    changes: list[Change]


@dataclass
class Preview:
    new: list[int] = field(default_factory=list)
    changed: list[Match] = field(default_factory=list)
    #: Pupils entered before the first import that only get their pupil number: written,
    #: not listed (else the first import would list every pupil as changed).
    numbered: list[Match] = field(default_factory=list)
    unchanged: int = 0
    leavers: list[tuple[Child, datetime.date]] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # left before this file, not here
    #: Clusters of new pupils (indexes into the rows) and the family they join (or None).
    families: list[tuple[list[int], int | None]] = field(default_factory=list)
    unknown_groups: list[str] = field(default_factory=list)
    pupils_here: int = 0
    #: Names of the existing families that new siblings join.
    family_names: dict[int, str] = field(default_factory=dict)

    def as_json(self, rows: list[PupilRow], about: dict[str, str]) -> dict[str, Any]:
        """What the preview page shows (names included; kept only until confirmed/expired)."""

        def name(i: int) -> str:
            return f"{rows[i].given_name} {rows[i].full_family_name}".strip()

        family_names = self.family_names
        return {
            "about": about,
            "counts": {
                "rows": len(rows),
                "new": len(self.new),
                "changed": len(self.changed),
                "unchanged": self.unchanged + len(self.numbered),
                "numbered": len(self.numbered),
                "leavers": len(self.leavers),
                "errors": len(self.errors),
                "skipped": len(self.skipped),
                "families": sum(1 for members, joins in self.families if len(members) > 1 or joins),
            },
            "leaver_warning": bool(
                self.pupils_here and len(self.leavers) > LEAVER_WARNING_SHARE * self.pupils_here
            ),
            "new": [
                {
                    "line": rows[i].line,
                    "name": name(i),
                    "group": rows[i].group,
                    "date_of_birth": rows[i].date_of_birth,
                }
                for i in self.new
            ],
            "changed": [
                {
                    "line": rows[m.index].line,
                    "name": name(m.index),
                    "child": m.child.pk,
                    "changes": [
                        [c.what, c.old, c.new]
                        for c in m.changes
                        if c.old or c.what != "pupil_number"
                    ],
                }
                for m in self.changed
            ],
            "leavers": [
                {
                    "child": c.pk,
                    "name": f"{c.given_name} {c.family_name}",
                    "group": c.group,
                    "left_on": left.isoformat(),
                }
                for c, left in self.leavers
            ],
            "errors": [
                {
                    "line": rows[i].line,
                    "name": name(i) or rows[i].pupil_number,
                    "problems": [[code, params] for code, params in rows[i].problems],
                }
                for i in self.errors
            ],
            "families": [
                {
                    "children": [name(i) for i in members],
                    "joins": joins,
                    "joins_name": family_names.get(joins, "") if joins else "",
                }
                for members, joins in self.families
                if len(members) > 1 or joins
            ],
            "unknown_groups": self.unknown_groups,
        }


@dataclass
class Existing:
    """The school's pupils and the children elsewhere that the file's BSNs name."""

    here: list[Child]
    by_number: dict[str, Child]
    by_bsn: dict[str, Child]
    #: Pupils here without a pupil number, by (given name, family name, date of birth).
    by_name: dict[tuple[str, str, str], Child]
    groups: set[str]


def existing(location: Location, rows: list[PupilRow]) -> Existing:
    """Three to five queries, whatever the size of the school or the file."""
    here = list(
        Child.objects.filter(location=location)
        .select_related("family")
        .prefetch_related("family__guardians")
    )
    by_bsn = {c.bsn: c for c in here if c.bsn}
    wanted = sorted({r.bsn for r in rows if r.bsn and r.bsn not in by_bsn})
    if wanted:
        elsewhere = (
            Child.objects.filter(bsn__in=wanted)
            .exclude(location=location)
            .select_related("family")
            .prefetch_related("family__guardians")
        )
        by_bsn |= {c.bsn: c for c in elsewhere if c.bsn}
    return Existing(
        here=here,
        by_number={c.pupil_number: c for c in here if c.pupil_number},
        by_bsn=by_bsn,
        by_name={
            (_norm(c.given_name), _norm(c.family_name), c.date_of_birth.isoformat()): c
            for c in here
            if not c.pupil_number and not c.bsn
        },
        groups=set(Group.objects.filter(location=location).values_list("name", flat=True)),
    )


def compute(
    location: Location, rows: list[PupilRow], *, create_groups: bool, today: datetime.date
) -> Preview:
    data = existing(location, rows)
    preview = Preview(pupils_here=sum(1 for c in data.here if c.left_on is None))
    _file_wide_problems(rows)
    unknown = sorted({r.group for r in rows if r.group and r.group not in data.groups})
    preview.unknown_groups = unknown
    matched: dict[int, Child] = {}
    seen_children: set[int] = set()
    for index, row in enumerate(rows):
        if row.group in unknown and not create_groups:
            row.add("group_unknown", value=row.group)
        child = _match(row, data, location)
        if child is not None:
            seen_children.add(child.pk)
        if row.problems:
            preview.errors.append(index)
            continue
        if child is None:
            if row.left_on:
                preview.skipped.append(index)
            else:
                preview.new.append(index)
            continue
        matched[index] = child
        if row.left_on and child.location_id == location.pk:
            if child.left_on is None:
                preview.leavers.append((child, datetime.date.fromisoformat(row.left_on)))
            else:
                preview.unchanged += 1
            continue
        changes = changes_of(child, row, location)
        if [(c.what, c.old) for c in changes] == [("pupil_number", "")]:
            preview.numbered.append(Match(index, child, changes))
        elif changes:
            preview.changed.append(Match(index, child, changes))
        else:
            preview.unchanged += 1
    for child in data.here:
        if child.left_on is None and child.pk not in seen_children:
            preview.leavers.append((child, today))
    preview.families = _siblings(rows, preview.new, matched, data)
    joined = {joins for _members, joins in preview.families if joins}
    known = {c.family_id: c.family.name for c in [*data.here, *matched.values()]}
    preview.family_names = {pk: known.get(pk, "") for pk in joined}
    return preview


def _file_wide_problems(rows: list[PupilRow]) -> None:
    first_bsn: dict[str, int] = {}
    first_number: dict[str, int] = {}
    for row in rows:
        if row.bsn:
            if row.bsn in first_bsn:
                row.add("bsn_twice", value=row.bsn, other=first_bsn[row.bsn])
            else:
                first_bsn[row.bsn] = row.line
        if row.pupil_number:
            if row.pupil_number in first_number:
                other = first_number[row.pupil_number]
                row.add("pupil_number_twice", value=row.pupil_number, other=other)
            else:
                first_number[row.pupil_number] = row.line


def _match(row: PupilRow, data: Existing, location: Location) -> Child | None:
    by_number = data.by_number.get(row.pupil_number) if row.pupil_number else None
    by_bsn = data.by_bsn.get(row.bsn) if row.bsn else None
    if by_number is not None and by_bsn is not None and by_number.pk != by_bsn.pk:
        row.add("matches_two")
        return by_number
    child = by_number or by_bsn
    if child is None:
        name = (_norm(row.given_name), _norm(row.full_family_name), row.date_of_birth)
        child = data.by_name.get(name)
    elsewhere = child is not None and child.location_id not in (location.pk, None)
    if child is not None and elsewhere and child.left_on is None:
        row.add("at_other_school")
        return None
    return child


def _guardian_changes(guardians: list[Guardian], wanted: list[GuardianRow]) -> list[Change]:
    have = {_norm(g.name): g for g in guardians}
    changes = []
    for guardian in wanted:
        current = have.get(_norm(guardian.name))
        if current is None:
            changes.append(Change("guardian_added", "", guardian.name))
            continue
        differs = [
            f"{label} {new}"
            for label, old, new in (
                ("tel.", current.phone, guardian.phone),
                ("e-mail", current.email, guardian.email),
                ("relatie", current.relation, guardian.relation),
            )
            if new and old != new
        ]
        if current.parental_authority != guardian.authority:
            differs.append("gezag" if guardian.authority else "geen gezag")
        if differs:
            changes.append(Change("guardian_changed", guardian.name, ", ".join(differs)))
    return changes


def changes_of(child: Child, row: PupilRow, location: Location) -> list[Change]:
    """What confirming the row would change about the child and its family."""
    changes = []
    if (child.given_name, child.family_name) != (row.given_name, row.full_family_name):
        changes.append(
            Change(
                "name",
                f"{child.given_name} {child.family_name}",
                f"{row.given_name} {row.full_family_name}",
            )
        )
    if child.date_of_birth.isoformat() != row.date_of_birth:
        changes.append(Change("date_of_birth", child.date_of_birth.isoformat(), row.date_of_birth))
    if row.bsn and child.bsn != row.bsn:
        changes.append(Change("bsn", child.bsn or "", row.bsn))
    if child.pupil_number != row.pupil_number:
        changes.append(Change("pupil_number", child.pupil_number, row.pupil_number))
    if child.location_id != location.pk:
        changes.append(Change("school", str(child.location or ""), location.name))
    elif child.left_on is not None:
        changes.append(Change("returned", child.left_on.isoformat(), ""))
    if child.group != row.group or child.location_id != location.pk:
        changes.append(Change("group", child.group, row.group))
    family = child.family
    if row.full_address and family.address != row.full_address:
        changes.append(Change("address", family.address, row.full_address))
    changes += _guardian_changes(list(family.guardians.all()), row.guardians)
    return changes


def _row_keys(row: PupilRow) -> list[str]:
    keys = [k for g in row.guardians for k in guardian_keys(g.name, g.phone, g.email)]
    address = address_key(row.full_address)
    return [*keys, address] if address else keys


def _siblings(
    rows: list[PupilRow], new: list[int], matched: dict[int, Child], data: Existing
) -> list[tuple[list[int], int | None]]:
    """Clusters of new pupils that are one family, and the existing family each joins."""
    family_of_key: dict[str, int] = {}
    for child in data.here:
        family = child.family
        address = address_key(family.address)
        if address:
            family_of_key.setdefault(address, family.pk)
        for guardian in family.guardians.all():
            for key in guardian_keys(guardian.name, guardian.phone, guardian.email):
                family_of_key.setdefault(key, family.pk)
    for index, child in matched.items():
        for key in _row_keys(rows[index]):
            family_of_key.setdefault(key, child.family_id)
    keys = {i: _row_keys(rows[i]) for i in new}
    parent = {i: i for i in new}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i in new:
        for key in keys[i]:
            if key in first_with:
                parent[root(i)] = root(first_with[key])
            else:
                first_with[key] = i
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in new:
        clusters[root(i)].append(i)
    result = []
    for members in clusters.values():
        joins = next(
            (family_of_key[k] for i in members for k in keys[i] if k in family_of_key),
            None,
        )
        result.append((members, joins))
    return result
