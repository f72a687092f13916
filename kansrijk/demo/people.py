"""The organisations, locations and staff of the Westwijk demo (seed 000).

Every person is made up by Faker (nl_NL, fixed seed): the seed texts name real directors,
and the demo must never show a real name. Usernames are readable (`ib.pwa`, `regisseur`)
so the logins can be printed and written down in docs/demo.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from faker import Faker

from kansrijk.access.roles import Role
from kansrijk.core.models import (
    DistrictArea,
    Group,
    Location,
    Membership,
    Organisation,
    Professional,
)

#: The one password of every demo login (the settings' validators want 12+ characters).
DEMO_PASSWORD = "Westwijk-demo-2026"  # noqa: S105  (public: printed and documented)

#: Names that appear in the seed texts; a generated name must never be one of them.
REAL_NAMES = frozenset({"Majorie van Dijk", "Ragna Kuiper", "Peter van der Windt"})

STAFF_SEED = 20211223


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    short: str


CENTRES: tuple[Centre, ...] = (
    Centre("pwa", "Kindcentrum Prins Willem Alexander", "PWA"),
    Centre("schakel", "IKC De Schakel", "De Schakel"),
    Centre("wereldwijzer", "IKC De Wereldwijzer", "De Wereldwijzer"),
)
CENTRE_CODES = tuple(c.code for c in CENTRES)
CHILDCARE_CODES = tuple(f"ko-{c.code}" for c in CENTRES)
OFFICE_CODE = "wijkteam-westwijk"

# Organisation names the roster demo uses too (kansrijk/roster/demo.py), so both demos share them.
CHILDCARE = ("Kinderopvang Westwijk", Organisation.Kind.CHILDCARE)
SWV = ("SWV Onderwijs dat past", Organisation.Kind.SWV)
CJG = ("CJG Rijnmond", Organisation.Kind.CJG)
DISTRICT_TEAM = ("Wijkteam Vlaardingen", Organisation.Kind.DISTRICT_TEAM)
GGZ = ("GGZ Delfland", Organisation.Kind.MENTAL_HEALTH)
POLICE = ("Politie Vlaardingen", Organisation.Kind.POLICE)
MUNICIPALITY = ("Gemeente Vlaardingen", Organisation.Kind.MUNICIPALITY)
COORDINATION = ("Regie Westwijk", Organisation.Kind.COORDINATION)
CHILD_PROTECTION = ("Jeugdbescherming West", Organisation.Kind.CHILD_PROTECTION)
DYSLEXIA_CARE = ("Dyslexiezorg Rijnmond", Organisation.Kind.DYSLEXIA_CARE)

#: The one group of each demo childcare location.
CHILDCARE_GROUP = "peuters"

#: Teachers per centre and the groups each one teaches (groups 1-8).
TEACHER_GROUPS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("leerkracht", (1, 2)),
    ("leerkracht2", (3, 4)),
    ("leerkracht3", (5, 6)),
    ("leerkracht4", (7, 8)),
)


@dataclass(frozen=True)
class StaffSpec:
    """One demo login: its role, where it holds that role, and what it shows in the demo."""

    username: str
    role: Role
    organisation: tuple[str, str] | None  # None: the centre's own organisation
    locations: tuple[str, ...]  # location codes; () means a membership without a location
    centre: str  # for the logins table
    can: str  # what this login shows in the demo (docs/demo.md, the command's output)
    groups: tuple[str, ...] = ()  # the groups a teacher or childcare worker teaches


def _staff_specs() -> list[StaffSpec]:
    specs: list[StaffSpec] = []
    for c in CENTRES:
        specs += [
            StaffSpec(
                f"directeur.{c.code}",
                Role.DIRECTOR,
                None,
                (c.code,),
                c.short,
                f"sees the cases of {c.short} for the weekly care meeting",
            ),
            StaffSpec(
                f"ib.{c.code}",
                Role.INTERNAL_COACH,
                None,
                (c.code,),
                c.short,
                f"plans with teachers, asks consent, keeps the attention list of {c.short}",
            ),
        ]
        for name, groups in TEACHER_GROUPS:
            specs.append(
                StaffSpec(
                    f"{name}.{c.code}",
                    Role.TEACHER,
                    None,
                    (c.code,),
                    c.short,
                    f"files signals about groups {groups[0]}-{groups[-1]}; follows them up",
                    tuple(str(g) for g in groups),
                )
            )
        specs += [
            StaffSpec(
                f"gs.{c.code}",
                Role.FAMILY_SPECIALIST,
                DISTRICT_TEAM,
                (c.code,),
                c.short,
                "checks the attention list with the district team, supports families, "
                "logs contacts, escalates",
            ),
            StaffSpec(
                f"kinderopvang.{c.code}",
                Role.CHILDCARE_WORKER,
                CHILDCARE,
                (f"ko-{c.code}",),
                f"Kinderopvang {c.short}",
                "files signals about toddlers in childcare",
                (CHILDCARE_GROUP,),
            ),
        ]
    everywhere = CENTRE_CODES
    specs += [
        StaffSpec(
            "regisseur",
            Role.COORDINATOR,
            COORDINATION,
            everywhere,
            "all three",
            "chairs the weekly care meeting: every open case, stalled cases, the roster",
        ),
        StaffSpec(
            "swv",
            Role.EDUCATION_SPECIALIST,
            SWV,
            everywhere,
            "all three",
            "keeps the attention lists with the IB-ers, works on cases after consent",
        ),
        StaffSpec(
            "psycholoog",
            Role.PSYCHOLOGIST,
            GGZ,
            everywhere,
            "all three",
            "works on the cases escalated to the psychologist",
        ),
        StaffSpec(
            "verpleegkundige",
            Role.SCHOOL_NURSE,
            CJG,
            everywhere,
            "all three",
            "files health signals; sees their own signals",
        ),
        StaffSpec(
            "wijkteam",
            Role.DISTRICT_TEAM,
            DISTRICT_TEAM,
            everywhere,
            "all three",
            "works on the cases escalated to the district team",
        ),
        StaffSpec(
            "wijkteam2",
            Role.DISTRICT_TEAM,
            DISTRICT_TEAM,
            (OFFICE_CODE,),
            "district office",
            "reads the cases referred to the district team",
        ),
        StaffSpec(
            "gedragswetenschapper",
            Role.BEHAVIOURAL_SCIENTIST,
            DISTRICT_TEAM,
            (OFFICE_CODE,),
            "district office",
            "works on the cases escalated to the behavioural scientist",
        ),
        StaffSpec(
            "jeugdbeschermer",
            Role.CHILD_PROTECTION,
            CHILD_PROTECTION,
            everywhere,
            "all three",
            "takes up the cases escalated to child protection (Jeugdbescherming)",
        ),
        StaffSpec(
            "wijkagent",
            Role.COMMUNITY_OFFICER,
            POLICE,
            everywhere,
            "all three",
            "their half-day per centre in the roster; no case files",
        ),
        StaffSpec(
            "beleid",
            Role.POLICY_OFFICER,
            MUNICIPALITY,
            (),
            "municipality",
            "the monitor: aggregated figures only, never a child's file",
        ),
        StaffSpec(
            "gebiedsmanager",
            Role.AREA_MANAGER,
            MUNICIPALITY,
            (),
            "municipality",
            "keeps the joint list of vulnerable families with the SWV: approach, owner, review",
        ),
        StaffSpec(
            "poortwachter",
            Role.DYSLEXIA_GATEKEEPER,
            SWV,
            everywhere,
            "all three",
            "the dyslexia gatekeeper (EED): checks the schools' dyslexia files, asks for what "
            "is missing, refers to the dyslexia care provider or advises the school",
        ),
        StaffSpec(
            "dyslexiezorg",
            Role.CARE_PROVIDER,
            DYSLEXIA_CARE,
            (),
            "dyslexia care provider",
            "reads the dyslexia referrals made to Dyslexiezorg Rijnmond",
        ),
        StaffSpec(
            "gemeente.jeugd",
            Role.MUNICIPALITY_OFFICER,
            MUNICIPALITY,
            (),
            "municipality",
            "the dyslexia decisions (EED) to issue, as a list and a CSV; never the file",
        ),
        StaffSpec(
            "privacy",
            Role.PRIVACY_OFFICER,
            COORDINATION,
            (),
            "network",
            "the access log; no case files",
        ),
        StaffSpec(
            "beheer",
            Role.ADMINISTRATOR,
            COORDINATION,
            (),
            "network",
            "organisations, locations, people, roles, roster rules",
        ),
    ]
    return specs


STAFF: tuple[StaffSpec, ...] = tuple(_staff_specs())


@dataclass
class Westwijk:
    """What the people step made, for the pupil and case steps."""

    centres: dict[str, Location]
    childcare: dict[str, Location]
    staff: dict[str, Professional]

    def teacher_for(self, centre: str, group: int) -> Professional:
        for name, groups in TEACHER_GROUPS:
            if group in groups:
                return self.staff[f"{name}.{centre}"]
        raise ValueError(group)


def _organisation(name: str, kind: str) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(name=name, defaults={"kind": kind})
    return organisation


def _location(code: str, name: str, kind: str, organisation: Organisation) -> Location:
    location, _ = Location.objects.update_or_create(
        code=code,
        defaults={"name": name, "kind": kind, "organisation": organisation, "district": "Westwijk"},
    )
    return location


def _groups(location: Location, names: tuple[str, ...]) -> list[Group]:
    kind = Group.Kind.CHILDCARE if location.kind == Location.Kind.CHILDCARE else Group.Kind.CLASS
    return [
        Group.objects.get_or_create(location=location, name=name, defaults={"kind": kind})[0]
        for name in names
    ]


def _fake_names(count: int) -> list[tuple[str, str]]:
    """`count` distinct made-up (first, last) names, the same on every run."""
    fake = Faker("nl_NL")
    fake.seed_instance(STAFF_SEED)
    names: list[tuple[str, str]] = []
    while len(names) < count:
        pair = (fake.first_name(), fake.last_name())
        if f"{pair[0]} {pair[1]}" not in REAL_NAMES and pair not in names:
            names.append(pair)
    return names


def seed_people() -> Westwijk:
    """Organisations, locations, the staff and their memberships; existing logins are reused."""
    centres: dict[str, Location] = {}
    childcare: dict[str, Location] = {}
    childcare_org = _organisation(*CHILDCARE)
    for c in CENTRES:
        board = _organisation(c.name, Organisation.Kind.SCHOOL_BOARD)
        centres[c.code] = _location(c.code, c.name, Location.Kind.CHILD_CENTRE, board)
        childcare[c.code] = _location(
            f"ko-{c.code}", f"Kinderopvang {c.short}", Location.Kind.CHILDCARE, childcare_org
        )
    district_team = _organisation(*DISTRICT_TEAM)
    office = _location(OFFICE_CODE, "Wijkteam Westwijk", Location.Kind.OFFICE, district_team)
    # The postcodes of Vlaardingen, served by its district team (the management area's data).
    DistrictArea.objects.update_or_create(
        postcode_from=3130,
        postcode_to=3138,
        defaults={"district_team": district_team, "name": "Vlaardingen"},
    )
    locations = {
        **{loc.code: loc for loc in centres.values()},
        **{loc.code: loc for loc in childcare.values()},
        office.code: office,
    }
    # One hash for all: hashing the same password 40 times would take most of the run.
    password = make_password(DEMO_PASSWORD)
    staff: dict[str, Professional] = {}
    for spec, (first, last) in zip(STAFF, _fake_names(len(STAFF)), strict=True):
        person, _ = Professional.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{spec.username}@example.org",
                "password": password,
                "is_active": True,
                "is_staff": spec.role == Role.ADMINISTRATOR,
            },
        )
        person.memberships.all().delete()
        for code in spec.locations or (None,):
            location = locations[code] if code else None
            if spec.organisation is None:
                assert location is not None
                organisation = location.organisation
            else:
                organisation = _organisation(*spec.organisation)
            membership = Membership.objects.create(
                professional=person, role=spec.role, organisation=organisation, location=location
            )
            if spec.groups and location is not None:
                membership.groups.set(_groups(location, spec.groups))
        staff[spec.username] = person
    _give_demo_devices(list(staff.values()))
    from kansrijk.early_years.demo import seed_childcare_rules

    seed_childcare_rules(centres, childcare)
    return Westwijk(centres=centres, childcare=childcare, staff=staff)


def _give_demo_devices(people: list[Professional]) -> None:
    """Each demo login gets the accounts app's demo authenticator, whose current code
    `manage.py demo_code USERNAME` prints, so the second factor works in the demo."""
    try:
        from kansrijk.accounts.demo import give_demo_device
    except ModuleNotFoundError:  # no second factor in this build
        return
    for person in people:
        give_demo_device(person)
