"""Demo data of the safety route, added after the Westwijk demo (the lead wires it into
seed_demo): a P1 safety signal at PWA with the meldcode at step 1, a district-team contact
per childcare location, two families that do not respond, and vulnerable-family entries.

Uses the demo logins when present (regisseur, gs.pwa, ib.pwa, leerkracht.pwa, wijkteam,
swv, kinderopvang.pwa); every name is made up. Runs once: a second call changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from kansrijk.access.roles import Role
from kansrijk.cases.models import Child, Family, Guardian, Signal
from kansrijk.core.models import Location, Membership, Organisation, Professional
from kansrijk.safety.models import (
    ChildcareContact,
    ContactAttempt,
    Meldcode,
    NonResponseFlag,
    VulnerableFamily,
)

#: Made-up families of the safety demo: (family name, child's given name, BSN from the
#: test range that passes the elfproef, group).
DEMO_FAMILIES = (
    ("Verhoef", "Noor", "111222333", "4"),
    ("Bakkal", "Yusuf", None, "6"),
    ("Dekker", "Lotte", None, "2"),
    ("Rachidi", "Amira", None, "7"),
)
SAFETY_SIGNAL = (
    "Noor heeft deze maand voor de tweede keer blauwe plekken op haar armen en schrikt als "
    "haar vader haar komt ophalen."
)


def _person(username: str) -> Professional | None:
    return Professional.objects.filter(username=username, is_active=True).first()


def _first_with(role: Role, location: Location | None = None) -> Professional | None:
    members = Membership.objects.filter(role=role, professional__is_active=True)
    if location is not None:
        members = members.filter(location=location)
    found = members.select_related("professional").order_by("id").first()
    return found.professional if found else None


def _child(location: Location, family_name: str, given: str, bsn: str | None, group: str) -> Child:
    family, _ = Family.objects.get_or_create(name=family_name, address="Westwijk (demo)")
    if bsn and Child.objects.filter(bsn=bsn).exclude(family=family).exists():
        bsn = None
    child, created = Child.objects.get_or_create(
        family=family,
        given_name=given,
        defaults={
            "family_name": family_name,
            "date_of_birth": datetime.date(2017, 3, 14),
            "location": location,
            "group": group,
            "bsn": bsn,
        },
    )
    if created:
        Guardian.objects.create(
            family=family, name=f"A. {family_name}", relation="ouder", phone="0612345678"
        )
    return child


def seed_safety_demo() -> dict[str, int]:
    """Add the safety demo; returns what it made (0s when it was there already)."""
    from kansrijk.cases.services import signal_create

    made = {"safety_cases": 0, "childcare_contacts": 0, "flags": 0, "vulnerable": 0}
    pwa = (
        Location.objects.filter(code="pwa").first()
        or Location.objects.filter(kind=Location.Kind.CHILD_CENTRE).order_by("id").first()
    )
    if pwa is None:
        return made
    with transaction.atomic():
        # A district-team contact for every childcare location.
        contact = (
            _person("wijkteam")
            or _first_with(Role.DISTRICT_TEAM)
            or _first_with(Role.FAMILY_SPECIALIST)
        )
        if contact is not None:
            for location in Location.objects.filter(kind=Location.Kind.CHILDCARE):
                _obj, created = ChildcareContact.objects.get_or_create(
                    location=location, defaults={"professional": contact}
                )
                made["childcare_contacts"] += int(created)

        # The P1 safety signal at PWA, meldcode at step 1.
        name, given, bsn, group = DEMO_FAMILIES[0]
        teaching = (
            Membership.objects.filter(location=pwa, role=Role.TEACHER, groups__name=group)
            .select_related("professional")
            .first()
        )  # the child's own teacher: a teacher signals about their own groups
        author = teaching.professional if teaching else _first_with(Role.INTERNAL_COACH, pwa)
        child = _child(pwa, name, given, bsn, group)
        if (
            author is not None
            and not Signal.objects.filter(child=child, safety_concern=True).exists()
        ):
            signal_create(
                by=author,
                child=child,
                domain=Signal.Domain.HOME,
                urgency=Signal.Urgency.HIGH,
                description=SAFETY_SIGNAL,
                safety_concern=True,
            )
            made["safety_cases"] += 1

        # Two families that do not respond; one crossed the threshold.
        school_staff = _person(f"ib.{pwa.code}") or _first_with(Role.INTERNAL_COACH, pwa)
        if school_staff is not None:
            today = timezone.localdate()
            for (fam, first, _bsn, grp), attempts in zip(DEMO_FAMILIES[1:3], (3, 2), strict=True):
                pupil = _child(pwa, fam, first, None, grp)
                if ContactAttempt.objects.filter(family=pupil.family).exists():
                    continue
                kinds = [
                    ContactAttempt.Kind.UNANSWERED,
                    ContactAttempt.Kind.MISSED_APPOINTMENT,
                    ContactAttempt.Kind.ABSENCE,
                ]
                for n in range(attempts):
                    ContactAttempt.objects.create(
                        family=pupil.family,
                        child=pupil,
                        location=pwa,
                        kind=kinds[n],
                        happened_on=today - datetime.timedelta(days=3 * (attempts - n)),
                        by=school_staff,
                        note="",
                    )
                if attempts >= 3:
                    NonResponseFlag.objects.create(
                        family=pupil.family, location=pwa, attempts=attempts
                    )
                    made["flags"] += 1
                elif coordinator_now := _person("regisseur"):
                    # An earlier flag the coordinator followed up by asking the family's
                    # district team; its question waits on "Vragen van de regisseur".
                    team = Organisation.objects.filter(kind=Organisation.Kind.DISTRICT_TEAM).first()
                    if team is not None:
                        NonResponseFlag.objects.create(
                            family=pupil.family,
                            location=pwa,
                            attempts=3,
                            flagged_at=timezone.now() - datetime.timedelta(days=30),
                            resolved_at=timezone.now() - datetime.timedelta(days=29),
                            resolved_by=coordinator_now,
                            resolution="Het wijkteam vragen of ze het gezin kennen.",
                            follow_up=NonResponseFlag.FollowUp.ASK_DISTRICT_TEAM,
                            district_team=team,
                        )

        # The joint list of vulnerable families, from two sources.
        keeper = _person("swv") or _first_with(Role.EDUCATION_SPECIALIST)
        coordinator = _person("regisseur") or _first_with(Role.COORDINATOR)
        entries = [
            (
                keeper,
                Role.EDUCATION_SPECIALIST,
                DEMO_FAMILIES[3],
                "Lijst van het SWV",
                "Meerdere schoolwisselingen in twee jaar",
            ),
            (
                coordinator,
                Role.COORDINATOR,
                DEMO_FAMILIES[1],
                "Wekelijks zorgoverleg",
                "Gezin reageert niet op de school",
            ),
        ]
        for person, role, (fam, first, _bsn, grp), source, reason in entries:
            if person is None:
                continue
            pupil = _child(pwa, fam, first, None, grp)
            _entry, created = VulnerableFamily.objects.get_or_create(
                family=pupil.family,
                source=source,
                defaults={"reason": reason, "added_by": person, "added_role": role},
            )
            made["vulnerable"] += int(created)
        # The area manager adds one from their own source; the first entry has an approach
        # with an owner and a review date.
        area_manager = _person("gebiedsmanager") or _first_with(Role.AREA_MANAGER)
        if area_manager is not None and keeper is not None:
            fam, first, _bsn, grp = DEMO_FAMILIES[2]
            pupil = _child(pwa, fam, first, None, grp)
            VulnerableFamily.objects.get_or_create(
                family=pupil.family,
                source="Gebiedsmanager",
                defaults={
                    "reason": "Bekend bij schuldhulpverlening",
                    "added_by": area_manager,
                    "added_role": Role.AREA_MANAGER,
                },
            )
            first_entry = (
                VulnerableFamily.objects.exclude(source="Gebiedsmanager").order_by("id").first()
            )
            if first_entry is not None and not first_entry.approach:
                first_entry.approach = "Wekelijks contact school en wijkteam; huisbezoek"
                first_entry.owner = area_manager
                first_entry.review_on = timezone.localdate() + datetime.timedelta(days=14)
                first_entry.save(update_fields=["approach", "owner", "review_on"])
    return made


def demo_meldcode_case_id() -> int | None:
    """The case of the demo safety signal (for docs and the browser test)."""
    meldcode = (
        Meldcode.objects.filter(case__family__name=DEMO_FAMILIES[0][0])
        .order_by("-started_at")
        .first()
    )
    return meldcode.case_id if meldcode else None
