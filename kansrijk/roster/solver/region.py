"""A generated region (many districts shaped like the Westwijk) to measure the solver at scale.

Each district has four locations and its own nurse, district team worker, SWV specialist,
family specialists, language workers, consultation partners and after-school workers; officers and
psychologists serve two districts. ``districts=10`` gives 40 locations and 100
people with roughly 20 % spare capacity, so a complete roster exists but takes search to find.
"""

from __future__ import annotations

import random

from kansrijk.roster.solver.model import (
    PARTS,
    Location,
    Part,
    Person,
    Problem,
    Requirement,
    Unit,
)

_PER_DISTRICT = 4


def _person(
    rng: random.Random, pid: str, role: str, half_days: int, locations: list[str]
) -> Person:
    days_off = frozenset(rng.sample(range(5), 1)) if half_days <= 8 else frozenset()
    preferred = frozenset(rng.sample(range(5), 3)) if rng.random() < 0.4 else frozenset()
    return Person(
        pid,
        pid.replace("-", " ").title(),
        frozenset({role}),
        max_half_days=half_days,
        days_off=days_off,
        preferred_days=preferred,
        locations=frozenset(locations),
    )


def region_problem(
    seed: int = 1, districts: int = 10, iso_year: int = 2026, iso_week: int = 48
) -> Problem:
    """A deterministic random region of ``districts`` times 4 locations."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    locations: list[Location] = []
    people: list[Person] = []
    requirements: list[Requirement] = []
    for d in range(districts):
        codes = [f"d{d}l{i}" for i in range(_PER_DISTRICT)]
        for code in codes:
            busy = {
                (day, part): rng.choice((1, 2))
                for day in range(5)
                for part in PARTS
                if rng.random() < 0.1
            }
            locations.append(
                Location(code, code.upper(), rooms=rng.choice((3, 3, 4)), rooms_by_slot=busy)
            )
        people.append(_person(rng, f"nurse-{d}", "school_nurse", 8, codes))
        people.append(_person(rng, f"district-{d}", "district_team", 8, codes))
        people.append(_person(rng, f"swv-{d}", "education_specialist", 10, codes))
        for g in range(3):
            people.append(_person(rng, f"gs-{d}-{g}", "family_specialist", 8, codes))
        for g in range(1):
            people.append(_person(rng, f"lang-{d}-{g}", "language_worker", 10, codes))
        people.append(_person(rng, f"partner-{d}", "consultation", 4, codes))
        people.append(_person(rng, f"youth-{d}", "after_school", 6, codes))
        for code in codes:
            requirements += [
                Requirement(
                    f"nurse-{code}", f"Nurse {code}", "school_nurse", (code,), 1, needs_room=True
                ),
                Requirement(
                    f"district-{code}",
                    f"District team {code}",
                    "district_team",
                    (code,),
                    1,
                    needs_room=True,
                ),
                Requirement(
                    f"gs-{code}",
                    f"Family specialist {code}",
                    "family_specialist",
                    (code,),
                    rng.choice((1, 2, 2, 3)),
                    needs_room=True,
                ),
            ]
        requirements += [
            Requirement(f"swv-{d}", f"SWV district {d}", "education_specialist", tuple(codes), 4),
            Requirement(
                f"lang-{d}",
                f"Language district {d}",
                "language_worker",
                tuple(codes),
                4,
                needs_room=True,
            ),
            Requirement(
                f"after-{d}",
                f"After school district {d}",
                "after_school",
                tuple(codes),
                4,
                unit=Unit.HALF_DAY,
                parts=frozenset({Part.AFTERNOON}),
                distinct_days=True,
                needs_room=True,
            ),
        ]
        for k, topic in enumerate(("housing", "debt", "forms")):
            requirements.append(
                Requirement(
                    f"{topic}-{d}",
                    f"Consultation {topic} district {d}",
                    "consultation",
                    tuple(codes),
                    1,
                    unit=Unit.HALF_DAY,
                    rotation=True,
                    rotation_offset=k,
                    needs_room=True,
                )
            )
    for pair in range(0, districts, 2):
        codes = [
            loc.code for loc in locations if int(loc.code[1:].split("l")[0]) in (pair, pair + 1)
        ]
        people.append(_person(rng, f"officer-{pair}", "community_officer", 8, codes))
        people.append(_person(rng, f"psy-{pair}", "psychologist", 10, codes))
        for code in codes:
            requirements.append(
                Requirement(
                    f"police-{code}",
                    f"Officer {code}",
                    "community_officer",
                    (code,),
                    1,
                    unit=Unit.HALF_DAY,
                )
            )
        requirements += [
            Requirement(
                f"psy-{pair}",
                f"Psychologist {pair}",
                "psychologist",
                tuple(codes),
                5,
                needs_room=True,
            ),
        ]
    return Problem(iso_year, iso_week, tuple(locations), tuple(people), tuple(requirements))
