"""Generate a region of a given scale for the load test (issue 17), fast: bulk rows written
with COPY on PostgreSQL (executemany on SQLite), in the shapes the services would leave.

    DJANGO_SETTINGS_MODULE=kansrijk.conf.dev KANSRIJK_AUDIT_KEY=... DATABASE_URL=... \\
        .venv/bin/python -m bench.region --scale 0.1

`--scale 1.0` is the region of issue 17: 8 municipalities, 120 child centres, 255,000
children in 125,000 families, 60,000 cases, 970,000 signals and 10,000,000 access-log
entries. The database must be migrated and hold no families yet.

What holds afterwards, as if every row had been written by the services:
- a family has at most one open case; a case has exactly one current contact person, with
  its assignment rows (the IB from the first signal, the GS from `start_support`);
- every signal has its step (`open` or `signal_joined`) and every transition its step, in
  the order of the zorgroute, with the state the case was in; `last_step_at` is the last;
- consents where the route records them (`consent_given`/`consent_refused`, referrals), the
  school's attention list where consent is given (an entry and its history line),
  plans from `make_plan`, support-team members as the services add them, referrals;
- per centre a director, an IB, four teachers (groups 1-2 … 7-8, as `Group` rows their
  memberships teach) and a GS; per group of
  three centres a coordinator, an SWV specialist, a nurse, a psychologist, a district-team
  worker, a behavioural scientist and a community officer; a policy officer per
  municipality; every login has password BENCH_PASSWORD and a TOTP device whose secret is
  `bench_key(username)`, so the load test can sign in for real;
- the access log is one valid hash chain under a signed head (`audit_verify` passes);
- the first groups' coordinators have a weekly care meeting and every school a support-team
  meeting, their agendas built by the meetings service, and the monitor has its default
  snapshot (monitor service).

Signals: the issue's 970,000 signals and 630,000 steps cannot both hold, since every signal
writes a step; the signal count is kept and the steps follow (about 1.2 million at 1.0).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from kansrijk.core.models import Organisation

FULL = {
    "municipalities": 8,
    "centres": 120,
    "children": 255_000,
    "families": 125_000,
    "cases": 60_000,
    "signals": 970_000,
    "log_entries": 10_000_000,
    "journal_steps": 1_149,
}
CENTRES_PER_GROUP = 3
#: Coordinators whose weekly care meeting gets a built agenda (the load test uses these).
MEETING_GROUPS = 4
BENCH_PASSWORD = "Regio-bench-2026"  # noqa: S105  (a public benchmark login)
SEED = 17
MUNICIPALITY_NAMES = (
    "Vlaardingen",
    "Schiedam",
    "Maassluis",
    "Westland",
    "Delft",
    "Rijswijk",
    "Pijnacker-Nootdorp",
    "Midden-Delfland",
)
TEACHERS = (
    ("leerkracht", (1, 2)),
    ("leerkracht2", (3, 4)),
    ("leerkracht3", (5, 6)),
    ("leerkracht4", (7, 8)),
)


def bench_key(username: str) -> str:
    """The TOTP secret (hex, 20 bytes) of a bench login: known to the load test."""
    return hashlib.sha256(f"kansrijk-bench-totp:{username}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Sizes:
    municipalities: int
    centres: int
    children: int
    families: int
    cases: int
    signals: int
    log_entries: int
    journal_steps: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(name: str, least: int) -> int:
            return max(least, round(FULL[name] * scale))

        centres = n("centres", CENTRES_PER_GROUP)
        cases = n("cases", 20)
        return cls(
            municipalities=n("municipalities", 1),
            centres=centres,
            children=n("children", centres * 16),
            families=n("families", centres * 8),
            cases=cases,
            signals=n("signals", cases * 2),
            log_entries=n("log_entries", 1_000),
            journal_steps=n("journal_steps", 30),
        )


# --- writing rows ---------------------------------------------------------------------------


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value).translate(_ESCAPES)
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


class Table:
    """Rows of one model in a fixed column order; the other columns get their defaults."""

    FLUSH = 100_000

    def __init__(self, model: Any, columns: Sequence[str]) -> None:
        from django.db import connection

        self.model = model
        self.columns = tuple(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [fields[c] for c in self.columns]
        rest = [f for f in model._meta.concrete_fields if f.attname not in self.columns]
        self.fields += rest
        self.tail = tuple(f.get_default() for f in rest)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.next_id = _next_id(model)
        self.vendor = connection.vendor

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, *values: Any) -> None:
        self.rows.append(values)
        if len(self.rows) >= self.FLUSH:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        tail = self.tail
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                text = "".join(
                    "\t".join(map(_copy_text, (*row, *tail))) + "\n" for row in self.rows
                )
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    copy.write(text)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                prepared = [
                    [
                        f.get_db_prep_save(v, connection)
                        for f, v in zip(self.fields, (*row, *tail), strict=True)
                    ]
                    for row in self.rows
                ]
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608
        self.written += len(self.rows)
        self.rows = []


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- people -------------------------------------------------------------------------------


@dataclass
class Centre:
    index: int
    location_id: int
    organisation_id: int
    municipality: int
    group: int
    staff: dict[str, int] = field(default_factory=dict)  # role key -> professional id
    families: list[int] = field(default_factory=list)

    def teacher(self, group: int) -> int:
        for name, groups in TEACHERS:
            if group in groups:
                return self.staff[name]
        raise ValueError(group)


class Municipality(TypedDict):
    name: str
    municipality: Organisation
    district_team: Organisation


@dataclass
class People:
    centres: list[Centre]
    groups: list[dict[str, int]]  # per group of centres: role key -> professional id
    worker_organisations: dict[int, int]  # professional id -> organisation id (escalation)
    identity: dict[int, tuple[str, str, str]]  # id -> (username, roles, organisations)


def _names(count: int) -> list[tuple[str, str]]:
    from faker import Faker

    fake = Faker("nl_NL")
    fake.seed_instance(SEED)
    return [(fake.first_name(), fake.last_name()) for _ in range(count)]


def seed_people(sizes: Sizes, rng: random.Random) -> People:
    """Organisations, locations, logins with memberships and TOTP devices (ORM: small)."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kansrijk.access.roles import Role
    from kansrijk.core.models import Location, Membership, Organisation, Professional

    def org(name: str, kind: str) -> Organisation:
        return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]

    kinds = Organisation.Kind
    region = {
        "swv": org("SWV Regio Bench", kinds.SWV),
        "cjg": org("CJG Regio Bench", kinds.CJG),
        "ggz": org("GGZ Regio Bench", kinds.MENTAL_HEALTH),
        "police": org("Politie Regio Bench", kinds.POLICE),
        "coordination": org("Regie Regio Bench", kinds.COORDINATION),
    }
    municipalities: list[Municipality] = []
    for m in range(sizes.municipalities):
        name = MUNICIPALITY_NAMES[m] if m < len(MUNICIPALITY_NAMES) else f"Gemeente {m + 1}"
        municipalities.append(
            {
                "name": name,
                "municipality": org(f"Gemeente {name} (bench)", kinds.MUNICIPALITY),
                "district_team": org(f"Wijkteam {name} (bench)", kinds.DISTRICT_TEAM),
            }
        )
    centres: list[Centre] = []
    for i in range(sizes.centres):
        m = i * sizes.municipalities // sizes.centres
        board = Organisation.objects.create(
            name=f"Kindcentrum {i + 1:03d} {municipalities[m]['name']}", kind=kinds.SCHOOL_BOARD
        )
        location = Location.objects.create(
            organisation=board,
            name=board.name,
            code=f"bench-c{i + 1:03d}",
            kind=Location.Kind.CHILD_CENTRE,
            district=municipalities[m]["name"],
        )
        centres.append(Centre(i, location.pk, board.pk, m, i // CENTRES_PER_GROUP))

    specs: list[tuple[str, str, Organisation, list[Centre]]] = []  # username, role, org, where
    for c in centres:
        board = Organisation.objects.get(pk=c.organisation_id)
        code = f"c{c.index + 1:03d}"
        specs += [
            (f"directeur.{code}", Role.DIRECTOR, board, [c]),
            (f"ib.{code}", Role.INTERNAL_COACH, board, [c]),
            *((f"{name}.{code}", Role.TEACHER, board, [c]) for name, _g in TEACHERS),
            (
                f"gs.{code}",
                Role.FAMILY_SPECIALIST,
                municipalities[c.municipality]["district_team"],
                [c],
            ),
        ]
    group_count = (len(centres) + CENTRES_PER_GROUP - 1) // CENTRES_PER_GROUP
    for g in range(group_count):
        where = [c for c in centres if c.group == g]
        code = f"g{g + 1:02d}"
        team = municipalities[where[0].municipality]["district_team"]
        specs += [
            (f"regisseur.{code}", Role.COORDINATOR, region["coordination"], where),
            (f"swv.{code}", Role.EDUCATION_SPECIALIST, region["swv"], where),
            (f"verpleegkundige.{code}", Role.SCHOOL_NURSE, region["cjg"], where),
            (f"psycholoog.{code}", Role.PSYCHOLOGIST, region["ggz"], where),
            (f"wijkteam.{code}", Role.DISTRICT_TEAM, team, where),
            (f"gedragswetenschapper.{code}", Role.BEHAVIOURAL_SCIENTIST, team, where),
            (f"wijkagent.{code}", Role.COMMUNITY_OFFICER, region["police"], where),
        ]
    for m, municipality in enumerate(municipalities):
        specs.append((f"beleid.m{m + 1}", Role.POLICY_OFFICER, municipality["municipality"], []))
    specs += [
        ("privacy.bench", Role.PRIVACY_OFFICER, region["coordination"], []),
        ("beheer.bench", Role.ADMINISTRATOR, region["coordination"], []),
    ]

    password = make_password(BENCH_PASSWORD)
    names = _names(len(specs))
    people = Professional.objects.bulk_create(
        Professional(
            username=username,
            first_name=first,
            last_name=last,
            password=password,
            email=f"{username}@example.org",
            is_staff=role == Role.ADMINISTRATOR,
        )
        for (username, role, _o, _w), (first, last) in zip(specs, names, strict=True)
    )
    if any(p.pk is None for p in people):  # SQLite before 3.35 returns no ids
        by_name = dict(Professional.objects.values_list("username", "pk"))
        for person in people:
            person.pk = by_name[person.username]
    memberships = []
    groups: list[dict[str, int]] = [{} for _ in range(group_count)]
    workers: dict[int, int] = {}
    identity: dict[int, tuple[str, str, str]] = {}
    for person, (username, role, organisation, where) in zip(people, specs, strict=True):
        key = username.split(".")[0]
        identity[person.pk] = (username, str(role), organisation.name)
        location_ids: list[int | None] = [c.location_id for c in where] or [None]
        for location_id in location_ids:
            memberships.append(
                Membership(
                    professional=person,
                    role=role,
                    organisation=organisation,
                    location_id=location_id,
                )
            )
        if len(where) == 1:
            where[0].staff[key] = person.pk
        elif where:
            groups[where[0].group][key] = person.pk
            workers[person.pk] = organisation.pk
    Membership.objects.bulk_create(memberships)
    _teach_groups(centres)
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=person, name="bench", key=bench_key(person.username), confirmed=True)
        for person in people
    )
    return People(centres, groups, workers, identity)


def _teach_groups(centres: list[Centre]) -> None:
    """Every centre's groups 1–8 and the teachers' memberships that teach them (issue 14):
    the signal form lists a teacher's own pupils, as in a real school."""
    from kansrijk.access.roles import Role
    from kansrijk.core.models import Group, Membership

    locations = [c.location_id for c in centres]
    Group.objects.bulk_create(
        Group(location_id=location, name=str(n)) for location in locations for n in range(1, 9)
    )
    group_ids = {
        (location, name): pk
        for pk, location, name in Group.objects.filter(location__in=locations).values_list(
            "pk", "location_id", "name"
        )
    }
    membership_ids = {
        (person, location): pk
        for pk, person, location in Membership.objects.filter(
            role=Role.TEACHER, location__in=locations
        ).values_list("pk", "professional_id", "location_id")
    }
    through = Membership.groups.through
    through.objects.bulk_create(
        through(
            membership_id=membership_ids[(c.staff[name], c.location_id)],
            group_id=group_ids[(c.location_id, str(n))],
        )
        for c in centres
        for name, numbers in TEACHERS
        for n in numbers
    )


# --- families and children -----------------------------------------------------------------


@dataclass
class Kid:
    id: int
    given_name: str
    group: int


@dataclass
class Home:
    id: int
    centre: Centre
    kids: list[Kid]
    guardian: int
    cases: int = 0


def seed_families(
    sizes: Sizes, people: People, rng: random.Random, today: datetime.date, now: datetime.datetime
) -> list[Home]:
    from kansrijk.cases.models import Child, Family, Guardian
    from kansrijk.demo.pupils import test_bsns

    firsts = [f for f, _ in _names(600)]
    lasts = sorted({last for _, last in _names(2_000)})
    bsns = list(test_bsns())
    rng.shuffle(bsns)
    families = Table(Family, ("id", "name", "address", "created_at"))
    children = Table(
        Child,
        (
            "id",
            "family_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "bsn",
            "location_id",
            "group",
        ),
    )
    guardians = Table(
        Guardian, ("id", "family_id", "name", "relation", "phone", "email", "parental_authority")
    )
    year = today.year if today.month >= 8 else today.year - 1
    homes: list[Home] = []
    created = now - datetime.timedelta(days=800)
    left = sizes.children
    for f in range(sizes.families):
        centre = people.centres[f * len(people.centres) // sizes.families]
        remaining_families = sizes.families - f
        size = max(1, min(4, round(rng.gauss(left / remaining_families, 0.8))))
        size = max(1, min(size, left - (remaining_families - 1)))
        if remaining_families == 1:
            size = left
        left -= size
        last = rng.choice(lasts)
        family_id = families.new_id()
        families.add(family_id, last, f"Dorpsstraat {rng.randint(1, 400)}", created)
        kids = []
        for _ in range(size):
            group = rng.randint(1, 8)
            first_day = datetime.date(year - group - 4, 10, 1)
            born = first_day + datetime.timedelta(days=rng.randint(0, 364))
            given = rng.choice(firsts)
            child_id = children.new_id()
            children.add(
                child_id,
                family_id,
                given,
                last,
                born,
                bsns.pop() if bsns else None,
                centre.location_id,
                str(group),
            )
            kids.append(Kid(child_id, given, group))
        mother = guardians.new_id()
        guardians.add(
            mother,
            family_id,
            f"{rng.choice(firsts)} {last}",
            "moeder",
            f"06-{rng.randint(10_000_000, 99_999_999)}",
            "",
            True,
        )
        if rng.random() < 0.6:
            guardians.add(
                guardians.new_id(),
                family_id,
                f"{rng.choice(firsts)} {last}",
                "vader",
                f"06-{rng.randint(10_000_000, 99_999_999)}",
                "",
                True,
            )
        home = Home(family_id, centre, kids, mother)
        homes.append(home)
        centre.families.append(family_id)
    for table in (families, guardians, children):
        table.flush()
    return homes


# --- cases ---------------------------------------------------------------------------------

#: Share of all cases per state they end in (closed cases over several paths).
STATE_SHARES = (
    ("signalled", 6),
    ("school_plan", 9),
    ("awaiting_consent", 6),
    ("on_attention_list", 8),
    ("checked", 5),
    ("in_support", 12),
    ("evaluated", 5),
    ("escalated", 4),
    ("closed", 45),
)
PATHS: dict[str, tuple[str, ...]] = {
    "signalled": (),
    "school_plan": ("make_plan",),
    "school_plan_refused": ("make_plan", "ask_consent", "consent_refused"),
    "awaiting_consent": ("make_plan", "ask_consent"),
    "on_attention_list": ("make_plan", "ask_consent", "consent_given"),
    "checked": ("make_plan", "ask_consent", "consent_given", "check_district_team"),
    "in_support": (
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
    ),
    "in_support_again": (
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
        "evaluate",
        "continue_support",
    ),
    "evaluated": (
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
        "evaluate",
    ),
    "escalated": (
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
        "evaluate",
        "escalate",
    ),
    "closed_school": ("make_plan", "close"),
    "closed_supported": (
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
        "evaluate",
        "close",
    ),
    "closed_escalated": (
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
        "evaluate",
        "escalate",
        "evaluate",
        "close",
    ),
}
TARGETS = {
    "make_plan": "school_plan",
    "ask_consent": "awaiting_consent",
    "consent_given": "on_attention_list",
    "consent_refused": "school_plan",
    "check_district_team": "checked",
    "start_support": "in_support",
    "evaluate": "evaluated",
    "continue_support": "in_support",
    "escalate": "escalated",
    "close": "closed",
}
DOMAINS = ("learning", "behaviour", "development", "home", "health", "attendance", "money_housing")
EVALUATION = "Besproken in het overleg: de ondersteuning loopt, doelen deels gehaald."
RETURNED_REASON = "Past beter bij een andere aanbieder in de wijk; graag opnieuw verwijzen."


def _path_for(state: str, rng: random.Random) -> str:
    if state == "school_plan":
        return "school_plan_refused" if rng.random() < 0.2 else "school_plan"
    if state == "in_support":
        return "in_support_again" if rng.random() < 0.2 else "in_support"
    if state == "closed":
        return rng.choices(
            ("closed_school", "closed_supported", "closed_escalated"), weights=(30, 50, 20)
        )[0]
    return state


@dataclass
class CaseRows:
    """One table per model the case services write."""

    cases: Table
    assignments: Table
    members: Table
    signals: Table
    steps: Table
    plans: Table
    goals: Table
    actions: Table
    consents: Table
    referrals: Table
    attention: Table
    attention_changes: Table

    def all(self) -> tuple[Table, ...]:
        return (
            self.cases,
            self.assignments,
            self.members,
            self.signals,
            self.steps,
            self.plans,
            self.goals,
            self.actions,
            self.consents,
            self.referrals,
            self.attention,
            self.attention_changes,
        )


def _case_rows() -> CaseRows:
    from kansrijk.attention.models import AttentionChange, AttentionEntry
    from kansrijk.cases.models import (
        Case,
        CaseMember,
        ContactPersonAssignment,
        Goal,
        PlanAction,
        PlanVersion,
        Referral,
        Signal,
        Step,
    )
    from kansrijk.consent.models import Consent

    return CaseRows(
        cases=Table(
            Case,
            (
                "id",
                "family_id",
                "location_id",
                "state",
                "route",
                "priority",
                "contact_person_id",
                "outcome",
                "opened_at",
                "closed_at",
                "last_step_at",
            ),
        ),
        assignments=Table(
            ContactPersonAssignment,
            ("id", "case_id", "professional_id", "started_at", "ended_at", "assigned_by_id"),
        ),
        members=Table(
            CaseMember,
            ("id", "case_id", "professional_id", "role", "added_at", "reason", "referral_id"),
        ),
        signals=Table(
            Signal,
            (
                "id",
                "case_id",
                "child_id",
                "author_id",
                "author_role",
                "location_id",
                "domain",
                "urgency",
                "description",
                "safety_concern",
                "created_at",
                "at_case_location",
            ),
        ),
        steps=Table(
            Step,
            (
                "id",
                "case_id",
                "transition",
                "from_state",
                "to_state",
                "by_id",
                "role",
                "at",
                "comment",
                "data",
            ),
        ),
        plans=Table(
            PlanVersion,
            (
                "id",
                "case_id",
                "number",
                "summary",
                "evaluation_date",
                "created_by_id",
                "created_at",
            ),
        ),
        goals=Table(Goal, ("id", "plan_id", "text", "position")),
        actions=Table(
            PlanAction, ("id", "plan_id", "description", "owner_id", "due_date", "done", "position")
        ),
        consents=Table(
            Consent,
            (
                "id",
                "child_id",
                "case_id",
                "purpose",
                "recipient_id",
                "status",
                "given_by_id",
                "by_child",
                "method",
                "recorded_at",
                "recorded_by_id",
                "valid_until",
                "superseded_at",
            ),
        ),
        referrals=Table(
            Referral,
            (
                "id",
                "case_id",
                "organisation_id",
                "target",
                "created_at",
                "worker_id",
                "answer",
                "answer_reason",
                "answered_at",
            ),
        ),
        attention=Table(
            AttentionEntry,
            ("id", "location_id", "case_id", "source", "added_by_id", "added_at", "changed_at"),
        ),
        attention_changes=Table(
            AttentionChange,
            ("id", "location_id", "entry_id", "kind", "detail", "by_id", "role", "at"),
        ),
    )


def referral_answer(
    referral: int, at: datetime.datetime, worker: int, now: datetime.datetime | None
) -> tuple[Any, ...]:
    """(worker, answer, reason, answered at) of a referral made at `at`, as `referral_answer`
    leaves it: the receiving organisation answers within three weeks, the worker the
    escalation named accepts nine in ten and returns the rest with a reason; a referral
    younger than its answer still waits. An intake queue holds weeks of referrals, not the
    region's history (issue 17: a psychologist's lists read every referral still pending).
    Drawn from the referral's own number, so the rest of the region is as before."""
    draw = random.Random(SEED * 1_000_003 + referral)
    answered = at + datetime.timedelta(days=draw.uniform(1, 21))
    if now is None or answered >= now:
        return None, "pending", "", None
    if draw.random() < 0.1:
        return None, "returned", RETURNED_REASON, answered
    return worker, "accepted", "", answered


@dataclass
class Journal:
    """One case being written: its rows follow the order the services would write them."""

    rows: CaseRows
    rng: random.Random
    people: People
    home: Home
    case_id: int
    state: str = "signalled"
    contact: int = 0
    assignment: int = 0
    members: set[tuple[int, str]] = field(default_factory=set)
    children: dict[int, Kid] = field(default_factory=dict)
    plan_number: int = 0
    last_at: datetime.datetime | None = None
    outcome: str = ""
    assignment_row: list[Any] = field(default_factory=list)
    now: datetime.datetime | None = None  # the region's present: referrals answered before it

    @property
    def centre(self) -> Centre:
        return self.home.centre

    def staff(self, key: str) -> int:
        return self.centre.staff[key]

    def group_staff(self, key: str) -> int:
        return self.people.groups[self.centre.group][key]

    def step(
        self,
        name: str,
        source: str,
        by: int,
        role: str,
        at: datetime.datetime,
        comment: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        steps = self.rows.steps
        steps.add(
            steps.new_id(),
            self.case_id,
            name,
            source,
            self.state,
            by,
            role,
            at,
            comment,
            data or {},
        )
        self.last_at = at

    def member(
        self, professional: int, role: str, at: datetime.datetime, referral: int | None = None
    ) -> None:
        if (professional, role) in self.members:
            return
        self.members.add((professional, role))
        rows = self.rows.members
        rows.add(rows.new_id(), self.case_id, professional, role, at, "", referral)

    def signal(self, kid: Kid, at: datetime.datetime, *, opens: bool) -> None:
        rng = self.rng
        domain = rng.choice(DOMAINS)
        author, role = self.staff(TEACHERS[(kid.group - 1) // 2][0]), "teacher"
        if domain == "health" and rng.random() < 0.6:
            author, role = self.group_staff("verpleegkundige"), "school_nurse"
        elif rng.random() < 0.1:
            author, role = self.staff("ib"), "internal_coach"
        urgency = rng.choices(("low", "normal", "high"), weights=(3, 6, 1))[0]
        signals = self.rows.signals
        signal_id = signals.new_id()
        text = _SIGNAL_TEXTS[domain][signal_id % len(_SIGNAL_TEXTS[domain])]
        signals.add(
            signal_id,
            self.case_id,
            kid.id,
            author,
            role,
            self.centre.location_id,
            domain,
            urgency,
            text.format(name=kid.given_name),
            False,
            at,
            True,  # filed at the case's centre (services.signal_create)
        )
        self.children.setdefault(kid.id, kid)
        if opens:
            coach = self.staff("ib")
            self.contact = coach
            self.assignment = self.rows.assignments.new_id()
            self.assignment_row = [self.assignment, self.case_id, coach, at, None, author]
            if coach != author:
                self.member(coach, "internal_coach", at)
        self.step(
            "open" if opens else "signal_joined",
            self.state,
            author,
            role,
            at,
            data={"signal": signal_id, "child": kid.id},
        )

    def on_attention_list(self, by: int, role: str, at: datetime.datetime) -> None:
        """The school's attention list gets the pupil, as attention.services.entry_from_route
        writes it when consent is given."""
        from django.utils.translation import gettext

        entries, changes = self.rows.attention, self.rows.attention_changes
        location = self.centre.location_id
        entry = entries.new_id()
        entries.add(entry, location, self.case_id, "route", by, at, at)
        detail = gettext("consent given")
        changes.add(changes.new_id(), location, entry, "added", detail, by, role, at)

    def end_assignment(self, at: datetime.datetime) -> None:
        self.assignment_row[4] = at
        self.rows.assignments.add(*self.assignment_row)

    def transition(self, name: str, at: datetime.datetime) -> None:
        rng, source = self.rng, self.state
        self.state = TARGETS[name]
        ib, gs = self.staff("ib"), self.staff("gs")
        by, role, comment = ib, "internal_coach", ""
        data: dict[str, Any] = {}
        if name == "make_plan":
            self.plan(at, ib, goals=("Leesniveau verbeteren",))
        elif name in {"consent_given", "consent_refused"}:
            method = rng.choice(("verbal", "paper", "portal"))
            status = "given" if name == "consent_given" else "refused"
            for kid in sorted(self.children.values(), key=lambda k: k.id):
                self.consent(kid, "discuss_in_vot", None, status, method, at, ib)
            if status == "given":
                self.member(self.group_staff("swv"), "education_specialist", at)
                self.member(gs, "family_specialist", at)
                self.on_attention_list(ib, "internal_coach", at)
            data = {"consent": status, "method": method}
        elif name == "check_district_team":
            by, role = gs, "family_specialist"
            data = {"district_team_check": "not_known", "known_to": ""}
        elif name in {"start_support", "continue_support"}:
            by, role = gs, "family_specialist"
            if name == "start_support":
                if self.contact != gs:
                    self.end_assignment(at)
                    self.contact = gs
                    self.assignment = self.rows.assignments.new_id()
                    self.assignment_row = [self.assignment, self.case_id, gs, at, None, gs]
                self.member(gs, "family_specialist", at)
                data = {"contact_person": gs}
        elif name == "evaluate":
            if rng.random() < 0.5:
                by, role = gs, "family_specialist"
            comment = EVALUATION
        elif name == "escalate":
            by, role = gs, "family_specialist"
            target = rng.choice(("district_team", "psychologist", "behavioural_scientist"))
            key = {
                "district_team": "wijkteam",
                "psychologist": "psycholoog",
                "behavioural_scientist": "gedragswetenschapper",
            }[target]
            worker = self.group_staff(key)
            organisation = self.people.worker_organisations[worker]
            for kid in sorted(self.children.values(), key=lambda k: k.id):
                self.consent(kid, "referral", organisation, "given", "verbal", at, gs)
            referrals = self.rows.referrals
            number = referrals.new_id()
            answer = referral_answer(number, at, worker, self.now)
            referrals.add(number, self.case_id, organisation, target, at, *answer)
            # The worker who accepts joins the team for the referral, when they accept it.
            if answer[1] == "accepted":
                self.member(worker, target, answer[3], referral=number)
            self.plan(at, gs, goals=("Leesniveau verbeteren", "Behandeling bij de specialist"))
            data = {"escalated_to": target, "worker": worker, "plan_version": self.plan_number}
        elif name == "close":
            by, role = rng.choice(
                (
                    (self.group_staff("regisseur"), "coordinator"),
                    (ib, "internal_coach"),
                    (gs, "family_specialist"),
                )
            )
            outcome = (
                rng.choice(("school_alone", "moved_away"))
                if source == "school_plan"
                else "specialist_youth_care"
                if self.plan_number > 1
                else rng.choice(("stayed_regular", "with_family_specialist", "special_education"))
            )
            data = {"outcome": outcome}
            self.outcome = outcome
        self.step(name, source, by, role, at, comment, data)

    def plan(self, at: datetime.datetime, by: int, goals: tuple[str, ...]) -> None:
        self.plan_number += 1
        plans = self.rows.plans
        plan_id = plans.new_id()
        plans.add(
            plan_id,
            self.case_id,
            self.plan_number,
            "Extra begeleiding in de klas.",
            (at + datetime.timedelta(weeks=6)).date(),
            by,
            at,
        )
        for position, text in enumerate(goals):
            self.rows.goals.add(self.rows.goals.new_id(), plan_id, text, position)
        kid = next(iter(self.children.values()))
        teacher = self.staff(TEACHERS[(kid.group - 1) // 2][0])
        for position, (text, owner) in enumerate(
            (("Wekelijks extra leesbegeleiding", teacher), ("Gesprek met ouders", by))
        ):
            self.rows.actions.add(
                self.rows.actions.new_id(),
                plan_id,
                text,
                owner,
                (at + datetime.timedelta(weeks=2 + position)).date(),
                False,
                position,
            )
        self.member(teacher, "teacher", at)

    def consent(
        self,
        kid: Kid,
        purpose: str,
        recipient: int | None,
        status: str,
        method: str,
        at: datetime.datetime,
        by: int,
    ) -> None:
        consents = self.rows.consents
        consents.add(
            consents.new_id(),
            kid.id,
            self.case_id,
            purpose,
            recipient,
            status,
            self.home.guardian,
            False,
            method,
            at,
            by,
            None,
            None,
        )


_SIGNAL_TEXTS: dict[str, tuple[str, ...]] = {}


def seed_cases(
    sizes: Sizes, people: People, homes: list[Home], rng: random.Random, now: datetime.datetime
) -> list[tuple[int, int, int, int]]:
    """The cases with everything on them; returns (case, family, contact person, location)
    per case for the access log."""
    from kansrijk.demo.texts import SIGNALS

    _SIGNAL_TEXTS.update({str(k): v for k, v in SIGNALS.items()})
    rows = _case_rows()
    states = [s for s, _w in STATE_SHARES]
    weights = [w for _s, w in STATE_SHARES]
    # The first case of the first centre gets the long journal (the "case page, 1,149 steps").
    plan: list[tuple[Home, str, bool]] = []  # home, state, earlier (closed before another)
    order = list(range(len(homes)))
    rng.shuffle(order)
    first_centre_home = next(h for h in homes if h.centre.index == 0)
    plan.append((first_centre_home, "in_support", False))
    first_centre_home.cases = 1
    picked = 1
    for index in order:
        if picked >= sizes.cases:
            break
        home = homes[index]
        if home is first_centre_home:
            continue
        state = rng.choices(states, weights=weights)[0]
        if state != "closed" and rng.random() < 0.25 and picked + 1 < sizes.cases:
            plan.append((home, "closed", True))  # an earlier, closed case of the same family
            picked += 1
        plan.append((home, state, False))
        picked += 1
    extra = [0] * len(plan)
    extra[0] = max(0, sizes.journal_steps - len(PATHS["in_support"]) - 1)
    for _ in range(max(0, sizes.signals - len(plan) - extra[0])):
        extra[rng.randrange(1, len(plan)) if len(plan) > 1 else 0] += 1
    stalled = datetime.timedelta(days=21)
    result = []
    for (home, state, earlier), joins in zip(plan, extra, strict=True):
        path = PATHS[_path_for(state, rng)]
        if earlier:
            start = now - datetime.timedelta(days=rng.uniform(500, 760))
            end = start + datetime.timedelta(days=rng.uniform(30, 105))
        else:
            start = now - datetime.timedelta(
                days=rng.uniform(2, 380) if path else rng.uniform(0.5, 10)
            )
            end = now - (
                stalled if rng.random() < 0.1 else datetime.timedelta(hours=rng.uniform(1, 72))
            )
            end = max(end, start + datetime.timedelta(hours=1))
        moments = sorted(start + (end - start) * rng.random() for _ in range(len(path) + joins))
        # Signals join an open case only: a closing step comes after every signal.
        transitions = set(rng.sample(range(len(moments) - 1), len(path) - 1)) if path else set()
        if path:
            transitions.add(
                len(moments) - 1
                if path[-1] == "close"
                else rng.choice([i for i in range(len(moments)) if i not in transitions])
            )
        journal = Journal(rows, rng, people, home, rows.cases.new_id(), now=now)
        journal.signal(rng.choice(home.kids), start, opens=True)
        names = iter(path)
        for index, at in enumerate(moments):
            if index in transitions:
                journal.transition(next(names), at)
            else:
                journal.signal(rng.choice(home.kids), at, opens=False)
        rows.assignments.add(*journal.assignment_row)
        closed = journal.state == "closed"
        rows.cases.add(
            journal.case_id,
            home.id,
            home.centre.location_id,
            journal.state,
            "care",
            2 if rng.random() < 0.15 else 3,
            journal.contact,
            journal.outcome,
            start,
            journal.last_at if closed else None,
            journal.last_at,
        )
        result.append((journal.case_id, home.id, journal.contact, home.centre.location_id))
    # Cases first: the other rows refer to them (the foreign keys are checked at once on COPY).
    for table in rows.all():
        table.flush()
    return result


# --- the access log ------------------------------------------------------------------------


def chain_entries(
    previous: str, entries: Iterable[dict[str, Any]]
) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """(previous_hash, entry_hash, values) per entry, linked as the access log links them.
    The one place the generator hashes: it calls kansrijk.audit.chain, so it follows the
    format when that changes."""
    from kansrijk.audit.chain import link

    for values in entries:
        entry_hash = link(previous, values)
        yield previous, entry_hash, values
        previous = entry_hash


def _head_and_sign(last_id: int, last_hash: str, added: int) -> None:
    """Move the signed chain head past the entries just written (the audit service signs)."""
    from django.db import transaction

    from kansrijk.audit.services import locked_head, move_head

    with transaction.atomic():
        head = locked_head()
        move_head(head, last_id=last_id, last_hash=last_hash, count=head.count + added)


def seed_access_log(
    sizes: Sizes,
    people: People,
    cases: list[tuple[int, int, int, int]],
    rng: random.Random,
    now: datetime.datetime,
) -> int:
    from django.db import transaction

    from kansrijk.audit.models import AccessLogEntry
    from kansrijk.audit.services import locked_head

    with transaction.atomic():
        previous = locked_head().last_hash
    table = Table(
        AccessLogEntry,
        (
            "id",
            "previous_hash",
            "entry_hash",
            "at",
            "event",
            "user_id",
            "username",
            "role",
            "organisation",
            "purpose",
            "source_address",
            "case_id",
            "family_id",
            "child_id",
            "detail",
        ),
    )
    count = sizes.log_entries
    first = now - datetime.timedelta(days=365)
    span = (now - datetime.timedelta(minutes=5) - first) / count

    def entries() -> Iterable[dict[str, Any]]:
        for n in range(count):
            case_id, family_id, contact, _location = cases[rng.randrange(len(cases))]
            username, role, organisation = people.identity[contact]
            yield {
                "at": first + span * n,
                "event": "read",
                "user_id": contact,
                "username": username,
                "role": role,
                "organisation": organisation,
                "purpose": "zorgroute",
                "source_address": f"10.17.{n % 200}.{n % 250 + 1}",
                "case_id": case_id,
                "family_id": family_id,
                "child_id": None,
                "detail": "case page",
            }

    last_id, last_hash = 0, previous
    for before, entry_hash, v in chain_entries(previous, entries()):
        last_id, last_hash = table.new_id(), entry_hash
        table.add(
            last_id,
            before,
            entry_hash,
            v["at"],
            v["event"],
            v["user_id"],
            v["username"],
            v["role"],
            v["organisation"],
            v["purpose"],
            v["source_address"],
            v["case_id"],
            v["family_id"],
            v["child_id"],
            v["detail"],
        )
    table.flush()
    _head_and_sign(last_id, last_hash, count)
    return count


# --- meetings and the monitor, through their services --------------------------------------


def seed_meetings(people: People, today: datetime.date) -> list[int]:
    """A weekly care meeting for the first groups' coordinators, and every school's
    support-team meeting (VOT) every six weeks, chaired by its IB with its family specialist,
    the group's SWV specialist and school nurse at the table (seed 000, seed 001). Their
    agendas are built by the meetings service: the agenda's size is what the region makes it.
    Returns the care meetings (the load test's agendas)."""
    from kansrijk.core.models import Location, Professional
    from kansrijk.meetings.models import Meeting, MeetingKind
    from kansrijk.meetings.services import series_create

    weekday = (today.weekday() + 1) % 5
    meetings = []
    for group in people.groups[:MEETING_GROUPS]:
        chair = Professional.objects.get(pk=group["regisseur"])
        series = series_create(
            by=chair,
            kind=MeetingKind.CARE_MEETING,
            name=f"Zorgoverleg {chair.username}",
            location=None,
            weekday=weekday,
            start_time=datetime.time(9, 0),
            every_weeks=1,
            duration_minutes=120,
            members=[],
        )
        first = Meeting.objects.filter(series=series).order_by("starts_at").first()
        if first is not None:
            meetings.append(first.pk)
    staff = Professional.objects.in_bulk(
        {c.staff["ib"] for c in people.centres}
        | {c.staff["gs"] for c in people.centres}
        | {g[k] for g in people.groups for k in ("swv", "verpleegkundige")}
    )
    schools = Location.objects.in_bulk([c.location_id for c in people.centres])
    for centre in people.centres:
        group = people.groups[centre.group]
        table = [centre.staff["gs"], group["swv"], group["verpleegkundige"]]
        series_create(
            by=staff[centre.staff["ib"]],
            kind=MeetingKind.SUPPORT_TEAM_MEETING,
            name=f"Ondersteuningsteam {schools[centre.location_id].code}",
            location=schools[centre.location_id],
            weekday=weekday,
            start_time=datetime.time(13, 30),
            every_weeks=6,
            duration_minutes=90,
            members=[staff[pk] for pk in table],
        )
    return meetings


def seed_monitor() -> None:
    from kansrijk.monitor.periods import Period
    from kansrijk.monitor.services import snapshot_refresh

    snapshot_refresh(period=Period.default())


def _reset_sequences() -> None:
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _analyze(*, vacuum: bool = False) -> None:
    """Statistics for every table (sampled: seconds at 1.0). Once after the bulk tables are
    written, for the services that seed the meetings and the monitor; and again at the end,
    for the tables those services wrote (they kept none until autovacuum came round, and the
    load test's first minutes were planned without them). `vacuum`: at the end also mark
    the pages all-visible, as production's autovacuum keeps them, so that an index-only
    scan reads no heap (an SWV specialist's 991 case seats read 786 heap pages without it);
    not inside a transaction (a test's), where VACUUM cannot run."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    settle = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(settle)


# --- the whole region ----------------------------------------------------------------------


@dataclass
class Generated:
    sizes: Sizes
    seconds: dict[str, float]
    counts: dict[str, int]
    meetings: list[int]


def generate(
    scale: float,
    *,
    now: datetime.datetime | None = None,
    report: Callable[[str], None] = lambda _line: None,
) -> Generated:
    """Generate the region into the (migrated, empty) database Django is connected to."""
    from django.db import transaction
    from django.utils import timezone

    from kansrijk.cases.effects import retire_all_actions
    from kansrijk.cases.models import Family

    if Family.objects.exists():
        raise RuntimeError("The database already holds families; generate into an empty one.")
    sizes = Sizes.at(scale)
    rng = random.Random(SEED)
    now = now or timezone.now()
    today = timezone.localdate(now)
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}

    def timed(name: str, run: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = run()
        seconds[name] = round(time.perf_counter() - started, 2)
        report(f"{name}: {seconds[name]} s")
        return result

    people = timed("people", lambda: seed_people(sizes, rng))
    # One transaction for families and cases: the foreign keys (deferred) are checked once
    # at its end, so tables can be written in any order as their buffers fill.
    with transaction.atomic():
        homes = timed("families", lambda: seed_families(sizes, people, rng, today, now))
        cases = timed("cases", lambda: seed_cases(sizes, people, homes, rng, now))
        # The plan actions of closed cases and replaced versions no longer live, as the
        # services leave them (cases.effects.retire_actions).
        timed("retired_actions", retire_all_actions)
    counts["log_entries"] = timed(
        "access_log", lambda: seed_access_log(sizes, people, cases, rng, now)
    )
    timed("sequences", _reset_sequences)
    timed("analyze", _analyze)
    meetings = timed("meetings", lambda: seed_meetings(people, today))
    timed("monitor", seed_monitor)
    timed("vacuum", lambda: _analyze(vacuum=True))
    counts["cases"] = len(cases)
    return Generated(sizes, seconds, counts, meetings)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    args = parser.parse_args(argv)
    import django

    django.setup()
    started = time.perf_counter()
    result = generate(args.scale, report=lambda line: print(line, flush=True))
    print(
        json.dumps(
            {
                "scale": args.scale,
                "sizes": result.sizes.__dict__,
                "seconds": result.seconds,
                "meetings": result.meetings,
                "total_seconds": round(time.perf_counter() - started, 1),
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
