"""The Westwijk presence plan of seed 000 as solver input: the demo, the tests and the bench use it.

Requirement ids are stable, so the demo can store them as roster rules and the tests can refer to
them. The people are fictional.
"""

from __future__ import annotations

from kansrijk.roster.solver.model import (
    Location,
    Part,
    Person,
    Problem,
    Requirement,
    Shift,
    Unit,
)

CENTRES: tuple[str, str, str] = ("pwa", "schakel", "wereldwijzer")

LOCATIONS: tuple[Location, ...] = (
    Location("pwa", "Prins Willem Alexander", rooms=4),
    Location("schakel", "De Schakel", rooms=3),
    Location("wereldwijzer", "De Wereldwijzer", rooms=3),
)

#: Functions used by the plan that are not (yet) membership roles of their own.
LANGUAGE_WORKER = "language_worker"
AFTER_SCHOOL = "after_school"
HOUSING = "housing"
DEBT_HELP = "debt_help"
FORMS_HELP = "forms_help"

_MORNINGS = frozenset((d, Part.MORNING) for d in range(5))

PEOPLE: tuple[Person, ...] = (
    Person(
        "sanne",
        "Sanne de Vries",
        frozenset({"school_nurse"}),
        max_half_days=6,
        preferred_days=frozenset({0, 1, 3}),
    ),
    Person(
        "fatima",
        "Fatima El Amrani",
        frozenset({"family_specialist"}),
        max_half_days=8,
        days_off=frozenset({2}),
        locations=frozenset({"pwa"}),
    ),
    Person(
        "mark",
        "Mark Jansen",
        frozenset({"family_specialist"}),
        max_half_days=6,
        days_off=frozenset({4}),
        locations=frozenset({"schakel"}),
    ),
    Person(
        "linda",
        "Linda Bakker",
        frozenset({"family_specialist"}),
        max_half_days=4,
        preferred_days=frozenset({1, 3}),
        locations=frozenset({"wereldwijzer"}),
    ),
    Person("yusuf", "Yusuf Demir", frozenset({"psychologist"})),
    Person(
        "eva",
        "Eva Smit",
        frozenset({"district_team"}),
        max_half_days=6,
        preferred_days=frozenset({0, 1}),
    ),
    Person(
        "ahmed",
        "Ahmed Yilmaz",
        frozenset({"district_team"}),
        max_half_days=8,
        days_off=frozenset({0}),
    ),
    Person(
        "kees",
        "Kees Visser",
        frozenset({"community_officer"}),
        max_half_days=4,
        available=_MORNINGS,
    ),
    Person("ingrid", "Ingrid Mulder", frozenset({"education_specialist"})),
    # The SWV's back-up ("achterwacht", seed 000): stands in when the SWV specialist is absent.
    Person("bart", "Bart Willems", frozenset({"behavioural_scientist"}), max_half_days=4),
    Person("rob", "Rob de Graaf", frozenset({"coordinator"})),
    Person("aylin", "Aylin Kaya", frozenset({LANGUAGE_WORKER})),
    Person("nadia", "Nadia Bouzid", frozenset({LANGUAGE_WORKER})),
    Person("peter", "Peter Hoek", frozenset({HOUSING}), max_half_days=2),
    Person(
        "marieke",
        "Marieke Vos",
        frozenset({DEBT_HELP}),
        max_half_days=2,
        preferred_days=frozenset({2}),
    ),
    Person("jan", "Jan Bos", frozenset({FORMS_HELP}), max_half_days=2),
    Person("sem", "Sem Koster", frozenset({AFTER_SCHOOL}), max_half_days=3),
    Person("lotte", "Lotte Dekker", frozenset({AFTER_SCHOOL}), max_half_days=3),
)

_NAMES = {"pwa": "PWA", "schakel": "De Schakel", "wereldwijzer": "De Wereldwijzer"}
#: Seed 000: the nurse's one fixed day a week per centre, and the community officer's half-day.
NURSE_DAYS = {"pwa": 0, "schakel": 1, "wereldwijzer": 3}
POLICE_DAYS = {"pwa": 1, "schakel": 2, "wereldwijzer": 3}
#: District-team workers stand in for an absent family specialist (same organisation).
GS_STAND_INS = frozenset({"eva", "ahmed"})


def _per_centre() -> list[Requirement]:
    found = []
    for code in CENTRES:
        found += [
            Requirement(
                f"nurse-{code}",
                f"Schoolverpleegkundige {_NAMES[code]}",
                "school_nurse",
                (code,),
                1,
                weekdays=frozenset({NURSE_DAYS[code]}),
                fixed=True,
                needs_room=True,
            ),
            Requirement(
                f"district-{code}",
                f"Wijkteam {_NAMES[code]}",
                "district_team",
                (code,),
                1,
                needs_room=True,
            ),
            Requirement(
                f"police-{code}",
                f"Wijkagent {_NAMES[code]}",
                "community_officer",
                (code,),
                1,
                unit=Unit.HALF_DAY,
                parts=frozenset({Part.MORNING}),
                weekdays=frozenset({POLICE_DAYS[code]}),
                fixed=True,
            ),
        ]
    return found


REQUIREMENTS: tuple[Requirement, ...] = (
    *_per_centre(),
    Requirement(
        "gs-pwa",
        "Gezinsspecialist PWA",
        "family_specialist",
        ("pwa",),
        4,
        needs_room=True,
        stand_ins=GS_STAND_INS,
    ),
    Requirement(
        "gs-schakel",
        "Gezinsspecialist De Schakel",
        "family_specialist",
        ("schakel",),
        3,
        needs_room=True,
        stand_ins=GS_STAND_INS,
    ),
    Requirement(
        "gs-wereldwijzer",
        "Gezinsspecialist De Wereldwijzer",
        "family_specialist",
        ("wereldwijzer",),
        2,
        needs_room=True,
        stand_ins=GS_STAND_INS,
    ),
    Requirement("psychologist", "Psycholoog", "psychologist", CENTRES, 5, needs_room=True),
    Requirement(
        "swv",
        "Senior medewerker SWV",
        "education_specialist",
        CENTRES,
        5,
        stand_ins=frozenset({"bart"}),
    ),
    Requirement("coordinator", "Regisseur", "coordinator", CENTRES, 5),
    Requirement(
        "language",
        "Taal, VVE en ouderkamer",
        LANGUAGE_WORKER,
        CENTRES,
        10,
        max_concurrent=2,
        needs_room=True,
    ),
    Requirement(
        "housing",
        "Spreekuur woningcorporatie",
        HOUSING,
        CENTRES,
        1,
        unit=Unit.HALF_DAY,
        rotation=True,
        rotation_offset=0,
        needs_room=True,
    ),
    Requirement(
        "debt",
        "Spreekuur schuldhulpverlening",
        DEBT_HELP,
        CENTRES,
        1,
        unit=Unit.HALF_DAY,
        rotation=True,
        rotation_offset=1,
        needs_room=True,
    ),
    Requirement(
        "forms",
        "Spreekuur formulierenbrigade",
        FORMS_HELP,
        CENTRES,
        1,
        unit=Unit.HALF_DAY,
        rotation=True,
        rotation_offset=2,
        needs_room=True,
    ),
    Requirement(
        "after-school",
        "Naschoolse activiteiten",
        AFTER_SCHOOL,
        CENTRES,
        4,
        unit=Unit.HALF_DAY,
        parts=frozenset({Part.AFTERNOON}),
        distinct_days=True,
        needs_room=True,
    ),
)


def westwijk_problem(iso_year: int, iso_week: int, previous: tuple[Shift, ...] = ()) -> Problem:
    """The Westwijk week as seed 000 describes it."""
    return Problem(iso_year, iso_week, LOCATIONS, PEOPLE, REQUIREMENTS, previous=previous)
