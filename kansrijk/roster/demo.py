"""The Westwijk roster demo: seed 000's presence rules on top of the demo's core data."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from faker import Faker

from kansrijk.access.roles import Role
from kansrijk.core.models import Location, Membership, Organisation, Professional
from kansrijk.roster import selectors, services, solver
from kansrijk.roster.models import CONSULTATION_FUNCTIONS, Booking, Parts, RosterRule
from kansrijk.roster.solver import westwijk

_CENTRE_NAMES = {loc.code: loc.name for loc in westwijk.LOCATIONS}
_ROLE_ORGANISATIONS = {
    Role.SCHOOL_NURSE: ("CJG Rijnmond", Organisation.Kind.CJG),
    Role.FAMILY_SPECIALIST: ("Wijkteam Vlaardingen", Organisation.Kind.DISTRICT_TEAM),
    Role.DISTRICT_TEAM: ("Wijkteam Vlaardingen", Organisation.Kind.DISTRICT_TEAM),
    Role.PSYCHOLOGIST: ("GGZ Delfland", Organisation.Kind.MENTAL_HEALTH),
    Role.COMMUNITY_OFFICER: ("Politie Vlaardingen", Organisation.Kind.POLICE),
    Role.EDUCATION_SPECIALIST: ("SWV Onderwijs dat past", Organisation.Kind.SWV),
    Role.COORDINATOR: ("Regie Westwijk", Organisation.Kind.COORDINATION),
    Role.BEHAVIOURAL_SCIENTIST: ("SWV Onderwijs dat past", Organisation.Kind.SWV),
    Role.LANGUAGE_WORKER: ("Taalhuis Vlaardingen", Organisation.Kind.PARTNER),
    Role.AFTER_SCHOOL: ("Vlaardingen in Beweging", Organisation.Kind.PARTNER),
}
_PARTNER_ORGANISATIONS = {
    westwijk.LANGUAGE_WORKER: "Taalhuis Vlaardingen",
    westwijk.AFTER_SCHOOL: "Vlaardingen in Beweging",
    westwijk.HOUSING: "Woningcorporatie Waterweg Wonen",
    westwijk.DEBT_HELP: "Schuldhulpverlening Vlaardingen",
    westwijk.FORMS_HELP: "Formulierenbrigade Vlaardingen",
}
#: Staff in the demo who agreed to have their name on the public pages.
_PUBLIC_NAMES = {"sanne", "fatima", "kees", "peter", "marieke", "jan", "sem", "lotte"}


def _centres() -> dict[str, Location]:
    found = {loc.code: loc for loc in Location.objects.filter(code__in=westwijk.CENTRES)}
    for code in westwijk.CENTRES:
        if code not in found:
            board, _ = Organisation.objects.get_or_create(
                name=f"Kindcentrum {_CENTRE_NAMES[code]}",
                defaults={"kind": Organisation.Kind.SCHOOL_BOARD},
            )
            found[code] = Location.objects.create(
                organisation=board,
                name=_CENTRE_NAMES[code],
                code=code,
                kind=Location.Kind.CHILD_CENTRE,
            )
    return found


def _professional_for(
    spec: solver.Person, centres: dict[str, Location], taken: set[int]
) -> Professional:
    """An existing demo professional with the spec's role (and centre), or a new one."""
    (function,) = spec.roles
    first, _, last = spec.name.partition(" ")
    if function in Role.values:
        members = Membership.objects.filter(role=function).exclude(professional__in=taken)
        if spec.locations:
            members = members.filter(location__code__in=spec.locations)
        member = members.select_related("professional").order_by("professional_id").first()
        if member is not None:
            return member.professional
        name, kind = _ROLE_ORGANISATIONS[Role(function)]
    else:
        name, kind = _PARTNER_ORGANISATIONS[function], Organisation.Kind.PARTNER
    organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    person, created = Professional.objects.get_or_create(
        username=f"rooster.{spec.id}", defaults={"first_name": first, "last_name": last}
    )
    if created:
        person.set_unusable_password()
        person.save(update_fields=["password"])
    if function in Role.values:
        location = centres[next(iter(spec.locations))] if spec.locations else None
        Membership.objects.get_or_create(
            professional=person, role=function, organisation=organisation, location=location
        )
    elif function in CONSULTATION_FUNCTIONS:
        Membership.objects.get_or_create(
            professional=person,
            role=Role.CONSULTATION_PARTNER,
            organisation=organisation,
            location=None,
        )
    return person


def _half_days(spec: solver.Person) -> str:
    if spec.available is None:
        return ""
    return ",".join(
        f"{d}{'m' if p is solver.Part.MORNING else 'a'}" for d, p in sorted(spec.available)
    )


def _numbers(values: frozenset[int]) -> str:
    return ",".join(str(v) for v in sorted(values))


@transaction.atomic
def seed_roster_demo(
    *, plan: bool = True, weeks: int = services.HORIZON_WEEKS, published: int = 2
) -> solver.Result | None:
    """Rules, availability and rooms of the Westwijk plan, and the roster of the coming weeks.

    The first ``published`` weeks are published, the rest stay drafts for the coordinator.
    Returns this week's plan.
    """
    centres = _centres()
    taken: set[int] = set()
    by_spec: dict[str, Professional] = {}
    for spec in westwijk.PEOPLE:
        person = _professional_for(spec, centres, taken)
        taken.add(person.pk)
        by_spec[spec.id] = person
        (function,) = spec.roles
        services.set_availability(
            professional=person,
            hours_per_week=spec.max_half_days * 4,
            days_off=_numbers(spec.days_off),
            half_days=_half_days(spec),
            preferred_days=_numbers(spec.preferred_days),
            functions="" if function in Role.values else function,
            public_name=spec.id in _PUBLIC_NAMES,
            locations=[centres[c] for c in sorted(spec.locations)],
        )
    for location in westwijk.LOCATIONS:
        services.set_rooms(location=centres[location.code], rooms=location.rooms)
    for req in westwijk.REQUIREMENTS:
        parts = Parts.BOTH
        if req.parts == frozenset({solver.Part.AFTERNOON}):
            parts = Parts.AFTERNOON
        elif req.parts == frozenset({solver.Part.MORNING}):
            parts = Parts.MORNING
        services.save_rule(
            code=req.id,
            locations=[centres[c] for c in req.locations],
            people=[by_spec[p] for p in sorted(req.people)],
            stand_ins=[by_spec[p] for p in sorted(req.stand_ins)],
            fixed=req.fixed,
            label=req.label,
            function=req.role,
            amount=req.amount,
            unit=req.unit.value,
            parts=parts,
            weekdays=_numbers(req.weekdays),
            rotation=req.rotation,
            rotation_offset=req.rotation_offset,
            max_concurrent=req.max_concurrent,
            distinct_days=req.distinct_days,
            needs_room=req.needs_room,
            active=True,
        )
    if not plan:
        return None
    planned = services.plan_horizon(by=None, weeks=weeks)
    for year, week in selectors.horizon(min(published, weeks)):
        services.publish_week(by=None, iso_year=year, iso_week=week)
    _seed_activities(by_spec)
    _seed_bookings(centres)
    return planned[0][1]


#: Seed 000's activities: (code, name, kind, audience, rule, weekdays, parts, places).
ACTIVITIES = (
    ("nl-les", "Nederlandse les", "language_lesson", "parents", "language", "0,1,2", "morning", 12),
    ("vve-taal", "VVE-taalondersteuning", "vve", "children", "language", "3,4", "morning", 10),
    (
        "lezen-schrijven",
        "Hulp bij lezen en schrijven",
        "literacy",
        "parents",
        "language",
        "0,1",
        "afternoon",
        8,
    ),
    ("ouderkamer", "Ouderkamer", "parent_room", "parents", "language", "2,3,4", "afternoon", 15),
    (
        "naschools",
        "Naschoolse activiteiten",
        "after_school",
        "children",
        "after-school",
        "",
        "afternoon",
        20,
    ),
)


def _seed_activities(by_spec: dict[str, Professional]) -> None:
    """The activities, and a few sign-ups per centre by the language worker (Faker names)."""
    fake = Faker("nl_NL")
    fake.seed_instance(15)
    rules = {r.code: r for r in RosterRule.objects.filter(code__in={a[4] for a in ACTIVITIES})}
    worker = {"after_school": by_spec["sem"]}
    for code, name, kind, audience, rule, weekdays, parts, places in ACTIVITIES:
        activity = services.save_activity(
            code=code,
            rule=rules[rule],
            name=name,
            kind=kind,
            audience=audience,
            weekdays=weekdays,
            parts=parts,
            capacity=places,
            active=True,
        )
        by = worker.get(kind, by_spec["aylin"])
        if activity.enrolments.exists():
            continue
        for location in activity.rule.locations.all():
            for _n in range(6 if code in ("nl-les", "naschools") else 3):
                services.enrol(
                    by=by,
                    activity=activity,
                    location=location,
                    name=fake.first_name() if audience == "children" else fake.name(),
                    phone="" if audience == "children" else fake.phone_number()[:30],
                )


def _seed_bookings(centres: dict[str, Location]) -> None:
    """Two appointments in each centre's next consultation hours (Faker names and numbers)."""
    if Booking.objects.exists():
        return
    fake = Faker("nl_NL")
    fake.seed_instance(16)
    count = 0
    for centre in centres.values():
        for consultation in selectors.consultations_at(centre, timezone.localdate())[:2]:
            shift = consultation.shift
            for start in consultation.free[1:5:3]:
                count += 1
                services.book(
                    location=centre,
                    rule=shift.rule.code if shift.rule else "",
                    day=shift.date,
                    part=shift.part,
                    start=start,
                    name=fake.name(),
                    phone=f"06-{fake.random_number(digits=8, fix_len=True)}",
                    client=f"demo-{count}",
                )
