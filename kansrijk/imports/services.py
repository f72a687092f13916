"""The only code of the imports app that writes (house rule 1).

An import happens in two steps. `*_prepare` reads the file, stores its rows and the preview
(never the file) in an ImportBatch and writes nothing else; `*_confirm` computes the
preview again against the database as it is now and writes all of it in one transaction,
each child or professional written with its own access-log entry.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.models import Child, Family, Guardian
from kansrijk.core.models import Group, Location, Membership, Organisation, Professional
from kansrijk.imports import preview as previews
from kansrijk.imports import selectors
from kansrijk.imports.edexml import read_edexml
from kansrijk.imports.errors import FileRefused
from kansrijk.imports.models import ImportBatch
from kansrijk.imports.rows import EMAIL, GuardianRow, PupilRow, StaffRow
from kansrijk.imports.spreadsheet import read_pupil_csv, read_staff_csv

PURPOSE = "pupil import"
STAFF_PURPOSE = "staff import"
#: Largest file accepted (a 5,000-pupil EDEXML with guardians is about 6 MB).
MAX_BYTES = 25 * 1024 * 1024


class NotAllowed(Exception):
    """The user may not import here: answered as a 404 like a missing page."""


def purge_expired() -> int:
    """Delete imports nobody confirmed in time, with the rows they held."""
    return ImportBatch.objects.filter(expires_at__lte=timezone.now()).delete()[0]


def _read(
    data: bytes, name: str, today: datetime.date
) -> tuple[str, list[PupilRow], dict[str, str]]:
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 25 MB."))
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        rows, about = read_edexml(data, today)
        return ImportBatch.Format.EDEXML, rows, about
    if name.lower().endswith((".xml", ".edexml")):
        raise FileRefused(_("This is not a readable XML file."))
    return ImportBatch.Format.CSV, read_pupil_csv(data, today), {}


# --- pupils ------------------------------------------------------------------------------------


def pupil_import_prepare(
    *, by: Professional, location: Location, data: bytes, file_name: str,
    create_groups: bool = False, today: datetime.date | None = None,
) -> ImportBatch:  # fmt: skip
    """Read the file and store its preview; raises FileRefused for an unreadable file."""
    if not selectors.import_locations(by).filter(pk=location.pk).exists():
        raise NotAllowed
    today = today or timezone.localdate()
    purge_expired()
    kind, rows, about = _read(data, file_name, today)
    if not rows:
        raise FileRefused(_("The file has no pupils."))
    preview = previews.compute(location, rows, create_groups=create_groups, today=today)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.PUPILS, format=kind, location=location,
            file_name=file_name[:200], create_groups=create_groups, created_by=by,
            rows=[r.as_json() for r in rows], preview=preview.as_json(rows, about),
        )  # fmt: skip
        counts = batch.preview["counts"]
        log_access(
            by=by, event=Event.LIST, purpose=PURPOSE,
            detail=f"preview of {file_name[:80]} for {location.code}: {counts}",
        )  # fmt: skip
    return batch


def pupil_import_confirm(
    *, by: Professional, batch: ImportBatch, group_siblings: bool = True,
    today: datetime.date | None = None,
) -> dict[str, int]:  # fmt: skip
    """Write the import: new pupils and families, changes, guardians, leavers. All or nothing."""
    today = today or timezone.localdate()
    location = batch.location
    if location is None or not selectors.import_locations(by).filter(pk=location.pk).exists():
        raise NotAllowed
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None or not locked.is_open:
            raise FileRefused(_("This import was already confirmed or has expired."))
        rows = [PupilRow.from_json(r) for r in locked.rows]
        for row in rows:  # the file-wide checks run again on the database as it is now
            row.problems = [p for p in row.problems if p[0] in ROW_OWN_PROBLEMS]
        preview = previews.compute(location, rows, create_groups=locked.create_groups, today=today)
        try:
            with transaction.atomic():
                counts = _write(by, location, locked, rows, preview, group_siblings=group_siblings)
        except IntegrityError as clash:  # another import of this school at the same moment
            raise FileRefused(
                _("The pupils of this school changed while saving; upload the file again.")
            ) from clash
        locked.confirmed_at = timezone.now()
        locked.rows = []
        locked.preview = {"counts": locked.preview.get("counts", {})}
        locked.result = counts
        locked.save(update_fields=["confirmed_at", "rows", "preview", "result"])
    return counts


#: Problems found in a row on its own (kept); the others depend on the database and the
#: rest of the file and are found again at confirmation.
ROW_OWN_PROBLEMS = frozenset(
    {
        "bsn_format", "bsn_elfproef", "pupil_number_missing", "pupil_number_long",
        "name_missing", "birth_date_missing", "birth_date_bad", "birth_date_unlikely",
        "group_missing", "group_long", "group_not_in_file", "postcode_bad", "email_bad",
        "authority_bad", "guardian_name_missing", "schema",
    }
)  # fmt: skip


def _family_address(row: PupilRow) -> str:
    return row.full_address[:200]


def _write(
    by: Professional, location: Location, batch: ImportBatch, rows: list[PupilRow],
    preview: previews.Preview, *, group_siblings: bool,
) -> dict[str, int]:  # fmt: skip
    source = f"{batch.file_name[:60]} ({batch.format})"
    if batch.create_groups and preview.unknown_groups:
        Group.objects.bulk_create(
            [Group(location=location, name=name) for name in preview.unknown_groups],
            ignore_conflicts=True,
        )
    # New pupils: one family per cluster of siblings (or per pupil), joining an existing one.
    clusters = preview.families if group_siblings else [([i], None) for i in preview.new]
    new_families = [
        (members, Family(name=rows[members[0]].full_family_name[:200],
                         address=_family_address(rows[members[0]])))
        for members, joins in clusters
        if joins is None
    ]  # fmt: skip
    Family.objects.bulk_create([family for _members, family in new_families])
    family_of: dict[int, int] = {}
    for members, family in new_families:
        family_of |= dict.fromkeys(members, family.pk)
    for members, joins in clusters:
        if joins is not None:
            family_of |= dict.fromkeys(members, joins)
    children = [
        Child(
            family_id=family_of[i], given_name=rows[i].given_name[:100],
            family_name=rows[i].full_family_name[:100],
            date_of_birth=datetime.date.fromisoformat(rows[i].date_of_birth),
            bsn=rows[i].bsn or None, location=location, group=rows[i].group,
            pupil_number=rows[i].pupil_number,
        )
        for i in preview.new
    ]  # fmt: skip
    Child.objects.bulk_create(children)
    # Changed pupils.
    changed_fields: set[str] = set()
    changed_children = []
    families_to_update: dict[int, Family] = {}
    for match in preview.changed:
        child, row = match.child, rows[match.index]
        child.given_name, child.family_name = row.given_name[:100], row.full_family_name[:100]
        child.date_of_birth = datetime.date.fromisoformat(row.date_of_birth)
        child.bsn = row.bsn or child.bsn
        child.pupil_number = row.pupil_number
        child.group = row.group
        child.location = location
        child.left_on = None
        changed_fields |= {"given_name", "family_name", "date_of_birth", "bsn", "pupil_number",
                           "group", "location", "left_on"}  # fmt: skip
        changed_children.append(child)
        if row.full_address and child.family.address != _family_address(row):
            child.family.address = _family_address(row)
            families_to_update[child.family_id] = child.family
    if changed_children:
        # Two changed pupils may swap pupil numbers or BSNs: clear first, then set.
        Child.objects.filter(pk__in=[c.pk for c in changed_children]).update(
            pupil_number="", bsn=None
        )
        Child.objects.bulk_update(changed_children, sorted(changed_fields), batch_size=500)
    numbered = []
    for match in preview.numbered:
        match.child.pupil_number = rows[match.index].pupil_number
        numbered.append(match.child)
    Child.objects.bulk_update(numbered, ["pupil_number"], batch_size=500)
    if families_to_update:
        Family.objects.bulk_update(list(families_to_update.values()), ["address"], batch_size=500)
    guardians = _sync_guardians(rows, preview, family_of)
    # Leavers keep everything (their family's case too); they are marked as left.
    for child, left_on in preview.leavers:
        child.left_on = left_on
    Child.objects.bulk_update([c for c, _left in preview.leavers], ["left_on"], batch_size=500)
    # New pupils: one entry per family written (new, or joined by new siblings); the entry
    # names the children and is about each of them (audit.selectors.about).
    per_family: dict[int, list[tuple[Child, int]]] = defaultdict(list)
    for child, row_index in zip(children, preview.new, strict=True):
        per_family[child.family_id].append((child, rows[row_index].line))
    for family_id, written in per_family.items():
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE, family_id=family_id,
            child_id=written[0][0].pk if len(written) == 1 else None,
            detail=f"new pupils {','.join(str(c.pk) for c, _line in written)} from {source}, "
            f"lines {','.join(str(line) for _c, line in written)}",
        )  # fmt: skip
    for match in preview.changed:
        what = ",".join(sorted({c.what for c in match.changes}))
        _log_child(by, match.child, f"updated from {source}: {what}")
    for match in preview.numbered:
        _log_child(by, match.child, f"pupil number set from {source}")
    for child, left_on in preview.leavers:
        _log_child(by, child, f"left on {left_on} according to {source}")
    return {
        "new": len(children),
        "changed": len(changed_children),
        "numbered": len(numbered),
        "left": len(preview.leavers),
        "families": len(new_families),
        "guardians": guardians,
        "groups": len(preview.unknown_groups) if batch.create_groups else 0,
        "errors": len(preview.errors),
    }


def _log_child(by: Professional, child: Child, detail: str) -> None:
    log_access(
        by=by, event=Event.WRITE, purpose=PURPOSE, family_id=child.family_id, child_id=child.pk,
        detail=detail,
    )  # fmt: skip


def _sync_guardians(
    rows: list[PupilRow], preview: previews.Preview, family_of: dict[int, int]
) -> int:
    """Add the file's guardians to each family and update their phone, e-mail and authority.
    Guardians missing from the file stay: consents name them, and a file may list one parent."""
    wanted: dict[int, dict[str, GuardianRow]] = defaultdict(dict)
    for i in preview.new:
        for guardian in rows[i].guardians:
            wanted[family_of[i]].setdefault(previews._norm(guardian.name), guardian)
    for match in preview.changed:
        for guardian in rows[match.index].guardians:
            wanted[match.child.family_id].setdefault(previews._norm(guardian.name), guardian)
    if not wanted:
        return 0
    have: dict[tuple[int, str], Guardian] = {
        (g.family_id, previews._norm(g.name)): g
        for g in Guardian.objects.filter(family_id__in=list(wanted))
    }
    new, changed = [], []
    for family_id, guardians in wanted.items():
        for key, row in guardians.items():
            current = have.get((family_id, key))
            if current is None:
                new.append(
                    Guardian(family_id=family_id, name=row.name[:200], relation=row.relation[:50],
                             phone=row.phone[:30], email=row.email[:254],
                             parental_authority=row.authority)
                )  # fmt: skip
                continue
            values = {
                "phone": row.phone[:30] or current.phone,
                "email": row.email[:254] or current.email,
                "relation": row.relation[:50] or current.relation,
                "parental_authority": row.authority,
            }
            if any(getattr(current, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(current, name, value)
                changed.append(current)
    Guardian.objects.bulk_create(new, batch_size=500)
    Guardian.objects.bulk_update(
        changed, ["phone", "email", "relation", "parental_authority"], batch_size=500
    )
    return len(new) + len(changed)


# --- staff -------------------------------------------------------------------------------------

Invite = Callable[..., Any]


def invitation_sender() -> Invite | None:
    """The invitation service of kansrijk.accounts, once it exists (`invite(professional, *,
    by)`); without it a new professional stays inactive, listed as 'invitation to be sent'."""
    from kansrijk.accounts import services as accounts

    return getattr(accounts, "invite", None)


@functools.cache
def _role_names() -> dict[str, Role]:
    """A role by its code or its Dutch or English name, in lower case."""
    names: dict[str, Role] = {}
    for language in ("en", "nl"):
        with translation.override(language):
            names |= {str(role.label).lower(): role for role in Role}
    return names | {role.value: role for role in Role}


def _role(text: str) -> Role | None:
    return _role_names().get(text.strip().lower())


@dataclass
class Places:
    """Locations by short code and name, organisations by name (lower case)."""

    locations: dict[str, Location]
    organisations: dict[str, Organisation]

    @classmethod
    def load(cls) -> Places:
        return cls(
            locations={
                key: location
                for location in Location.objects.select_related("organisation")
                for key in (location.code.lower(), location.name.lower())
            },
            organisations={o.name.lower(): o for o in Organisation.objects.all()},
        )

    def of(self, row: StaffRow) -> tuple[Organisation | None, Location | None]:
        """Where the row puts the professional: the location (if any) and the organisation
        (the `organisatie` column, else the location's: a partner's SWV specialist works at
        a school but belongs to the SWV)."""
        location = self.locations.get(row.location.lower()) if row.location else None
        if row.location and location is None:
            row.add("location_unknown", value=row.location)
        organisation = (
            self.organisations.get(row.organisation.lower()) if row.organisation else None
        )
        if row.organisation and organisation is None:
            row.add("organisation_unknown", value=row.organisation)
        if not row.location and not row.organisation:
            row.add("location_unknown", value="")
        if organisation is None and location is not None and not row.organisation:
            organisation = location.organisation
        return organisation, location


def _staff_check(rows: list[StaffRow], places: Places) -> dict[str, Any]:
    """Problems of each staff row and the preview: new professionals, new memberships."""
    emails = {r.email for r in rows if r.email}
    people = {p.email.lower(): p for p in Professional.objects.filter(email__in=emails)}
    held = set(
        Membership.objects.filter(professional__in=people.values()).values_list(
            "professional__email", "role", "organisation_id", "location_id"
        )
    )
    first: dict[tuple[str, str, int | None, int | None], int] = {}
    new_people, new_memberships, errors = [], [], []
    for row in rows:
        if not row.name:
            row.add("staff_name_missing")
        if not EMAIL.match(row.email):
            row.add("staff_email_bad", value=row.email)
        role = _role(row.role)
        if role is None:
            row.add("role_unknown", value=row.role)
        organisation, location = places.of(row)
        key = (
            row.email, role.value if role else "", organisation.pk if organisation else None,
            location.pk if location else None,
        )  # fmt: skip
        if key in first:
            row.add("staff_email_twice", value=row.email, other=first[key])
        first.setdefault(key, row.line)
        if role and organisation and key in held:
            row.add("membership_exists", value=row.email)
        entry = {"line": row.line, "name": row.name, "email": row.email,
                 "role": str(role.label) if role else row.role,
                 "location": " — ".join(str(p) for p in (organisation, location) if p)
                 or row.location}  # fmt: skip
        if row.problems:
            errors.append({**entry, "problems": [[c, p] for c, p in row.problems]})
        elif row.email in people:
            new_memberships.append(entry)
        else:
            new_people.append(entry)
    return {"new": new_people, "memberships": new_memberships, "errors": errors}


def staff_import_prepare(*, by: Professional, data: bytes, file_name: str) -> ImportBatch:
    if not selectors.may_import_staff(by):
        raise NotAllowed
    purge_expired()
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 25 MB."))
    rows = read_staff_csv(data)
    if not rows:
        raise FileRefused(_("The file has no rows."))
    preview = _staff_check(rows, Places.load())
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.STAFF, format=ImportBatch.Format.CSV, file_name=file_name[:200],
            created_by=by, rows=[r.as_json() for r in rows], preview=preview,
        )  # fmt: skip
        log_access(by=by, event=Event.LIST, purpose=STAFF_PURPOSE,
                   detail=f"preview of {file_name[:80]}: {len(rows)} rows")  # fmt: skip
    return batch


def staff_import_confirm(
    *, by: Professional, batch: ImportBatch, invite: Invite | None = None
) -> dict[str, Any]:
    """Create the professionals and memberships; invite each new professional.

    `invite` defaults to `invitation_sender()`. Without one, a new professional is created
    inactive with no usable password and reported under 'to_invite'."""
    if not selectors.may_import_staff(by):
        raise NotAllowed
    invite = invite or invitation_sender()
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None or not locked.is_open:
            raise FileRefused(_("This import was already confirmed or has expired."))
        rows = [StaffRow.from_json(r) for r in locked.rows]
        for row in rows:
            row.problems = []
        places = Places.load()
        _staff_check(rows, places)
        people = {
            p.email.lower(): p
            for p in Professional.objects.filter(email__in=[r.email for r in rows])
        }
        created: list[Professional] = []
        memberships = 0
        for row in rows:
            if row.problems:
                continue
            person = people.get(row.email)
            if person is None:
                first, _space, last = row.name.partition(" ")
                person = Professional(
                    username=row.email[:150], email=row.email, first_name=first[:150],
                    last_name=last[:150], is_active=invite is not None,
                )  # fmt: skip
                person.set_unusable_password()
                person.save()
                people[row.email] = person
                created.append(person)
            organisation, location = places.of(row)
            role = _role(row.role)
            assert role is not None and organisation is not None
            Membership.objects.create(
                professional=person, role=role, organisation=organisation, location=location
            )
            memberships += 1
            log_access(by=by, event=Event.WRITE, purpose=STAFF_PURPOSE,
                       detail=f"{person.username}: {role.value} at "
                              f"{location.code if location else organisation.name} "
                              f"(line {row.line})")  # fmt: skip
        invited, to_invite = [], []
        for person in created:
            if invite is not None:
                invite(person, by=by)
                invited.append(person.email)
            else:
                to_invite.append(person.email)
        result = {"professionals": len(created), "memberships": memberships,
                  "invited": invited, "to_invite": to_invite}  # fmt: skip
        locked.confirmed_at = timezone.now()
        locked.rows = []
        locked.preview = {}
        locked.result = result
        locked.save(update_fields=["confirmed_at", "rows", "preview", "result"])
    return result
