"""Explanations of unmet requirements: cheap pre-checks per requirement, and the message texts.

The pre-checks look at one requirement on its own (candidates, availability, contract, rooms), so
their messages can name a person and a number. Conflicts *between* requirements are found by the
solver (an infeasible core over assumption literals) and reported with the ``conflict`` code.
"""

from __future__ import annotations

from collections.abc import Iterable

from kansrijk.roster.solver.model import (
    PARTS,
    Explanation,
    Person,
    Problem,
    Requirement,
    Unit,
)

#: English message ids (also the msgids for the Django catalogue) and their Dutch text.
MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_location": (
        "%(label)s: location %(location)s does not exist",
        "%(label)s: locatie %(location)s bestaat niet",
    ),
    "no_candidates": (
        "%(label)s: nobody who can do this (%(role)s) works at %(location)s",
        "%(label)s: er is niemand die dit kan (%(role)s) en op %(location)s werkt",
    ),
    "person_unavailable": (
        "%(label)s: %(needed)s needed, but %(name)s is only available %(available)s",
        "%(label)s: %(needed)s nodig, maar %(name)s is maar %(available)s beschikbaar",
    ),
    "person_contract": (
        "%(label)s: %(needed)s needed, but the contract of %(name)s allows only %(available)s",
        "%(label)s: %(needed)s nodig, maar het contract van %(name)s laat maar %(available)s toe",
    ),
    "group_unavailable": (
        "%(label)s: %(needed)s needed, but the %(count)s candidates (%(names)s) "
        "are together only available %(available)s",
        "%(label)s: %(needed)s nodig, maar de %(count)s kandidaten (%(names)s) "
        "zijn samen maar %(available)s beschikbaar",
    ),
    "rooms": (
        "%(label)s: %(needed)s with a room needed, "
        "but %(location)s has a room on only %(available)s",
        "%(label)s: %(needed)s met een ruimte nodig, maar %(location)s heeft maar "
        "%(available)s een ruimte",
    ),
    "conflict": (
        "%(label)s cannot be planned together with %(others)s: "
        "they need the same people, half-days or rooms",
        "%(label)s kan niet samen met %(others)s worden ingepland: "
        "ze vragen dezelfde mensen, dagdelen of ruimtes",
    ),
    "impossible": (
        "%(label)s: %(needed)s needed, but the candidates are not available enough "
        "on the allowed half-days",
        "%(label)s: %(needed)s nodig, maar de kandidaten zijn niet genoeg beschikbaar "
        "op de toegestane dagdelen",
    ),
    "not_found": (
        "%(label)s: %(missing)s could not be planned within the time limit",
        "%(label)s: %(missing)s kon niet binnen de tijdslimiet worden ingepland",
    ),
}

#: What the coordinator can change, per message code (English, Dutch); shown under the reason.
ADVICE: dict[str, tuple[str, str]] = {
    "unknown_location": (
        "Add the location, or remove it from the rule.",
        "Voeg de locatie toe, of haal haar uit de regel.",
    ),
    "no_candidates": (
        "Give someone this function or place in their availability, or name a person in the rule.",
        "Geef iemand deze functie of deze plek in de beschikbaarheid, of noem een persoon in de "
        "regel.",
    ),
    "person_unavailable": (
        "Ask %(name)s for more available half-days, name a second person, or lower the amount.",
        "Vraag %(name)s om meer beschikbare dagdelen, noem een tweede persoon, of verlaag het "
        "aantal.",
    ),
    "person_contract": (
        "Raise the contract hours of %(name)s, name a second person, or lower the amount.",
        "Verhoog de contracturen van %(name)s, noem een tweede persoon, of verlaag het aantal.",
    ),
    "group_unavailable": (
        "Add a candidate, widen the availability of the candidates, or lower the amount.",
        "Voeg een kandidaat toe, verruim de beschikbaarheid van de kandidaten, of verlaag het "
        "aantal.",
    ),
    "rooms": (
        "Give the location more rooms, allow more half-days, or lower the amount.",
        "Geef de locatie meer ruimtes, sta meer dagdelen toe, of verlaag het aantal.",
    ),
    "conflict": (
        "Lower the amount of one of these rules, or add a person who can do them.",
        "Verlaag het aantal van een van deze regels, of voeg iemand toe die ze kan doen.",
    ),
    "impossible": (
        "Allow more weekdays or half-days in the rule, or add a candidate.",
        "Sta meer weekdagen of dagdelen toe in de regel, of voeg een kandidaat toe.",
    ),
    "not_found": (
        "Plan again; if it stays, lower the amount or add a candidate.",
        "Plan opnieuw; blijft het, verlaag dan het aantal of voeg een kandidaat toe.",
    ),
}

_UNIT_WORDS = {
    "en": {Unit.DAY: ("day", "days"), Unit.HALF_DAY: ("half-day", "half-days")},
    "nl": {Unit.DAY: ("dag", "dagen"), Unit.HALF_DAY: ("dagdeel", "dagdelen")},
}
_AND = {"en": " and ", "nl": " en "}
_QUANTITY_PARAMS = ("needed", "available", "missing")


def _quantity(count: int, unit: Unit, language: str) -> str:
    one, many = _UNIT_WORDS[language][unit]
    return f"{count} {one if count == 1 else many}"


def render(explanation: Explanation, language: str = "nl") -> str:
    """The explanation as a sentence in English or Dutch (the default)."""
    language = "en" if language.startswith("en") else "nl"
    english, dutch = MESSAGES[explanation.code]
    params = dict(explanation.params)
    unit = Unit(str(params.get("unit", Unit.DAY)))
    for name in _QUANTITY_PARAMS:
        if name in params:
            params[name] = _quantity(int(str(params[name])), unit, language)
    others = params.get("others")
    if isinstance(others, list | tuple):
        params["others"] = _AND[language].join(str(o) for o in others)
    return (english if language == "en" else dutch) % params


def advise(explanation: Explanation, language: str = "nl") -> str:
    """What to change so that the requirement can be met, in English or Dutch (the default)."""
    english, dutch = ADVICE[explanation.code]
    text = english if language.startswith("en") else dutch
    return text % dict(explanation.params) if "%(" in text else text


def _units_available(problem: Problem, req: Requirement, person: Person, location: str) -> int:
    """How many units of ``req`` this person could do at ``location``, looking at nothing else."""
    previous = {s.key for s in problem.previous}
    units = 0
    for day in problem.days:
        usable = []
        for part in PARTS:
            if problem.is_frozen((day, part)):
                key = (req.id, person.id, location, day.weekday(), part)
                usable.append(key in previous)
            else:
                usable.append(problem.allowed(req, day, part) and person.is_available(day, part))
        if req.unit is Unit.DAY:
            units += usable[0] and (usable[1] or problem.is_frozen((day, PARTS[1])))
        else:
            units += min(sum(usable), 1 if req.distinct_days else 2)
    return units


def precheck(problem: Problem, req: Requirement) -> list[Explanation]:
    """Reasons, found by counting, why ``req`` cannot be met even if it were the only one."""
    base = {"label": req.label, "unit": req.unit.value}
    known = {loc.code: loc for loc in problem.locations}
    locations = problem.active_locations(req)
    missing = [code for code in locations if code not in known]
    if missing:
        return [Explanation("unknown_location", req.id, {**base, "location": missing[0]})]
    names = ", ".join(known[code].name for code in locations)
    candidates = [
        (person, code)
        for person in problem.people
        for code in locations
        if problem.eligible(req, person, code)
    ]
    if not candidates:
        role = req.role if not req.people else ", ".join(sorted(req.people))
        return [Explanation("no_candidates", req.id, {**base, "role": role, "location": names})]
    explanations = []
    per_person: dict[str, int] = {}
    for person, code in candidates:
        per_person[person.id] = max(
            per_person.get(person.id, 0), _units_available(problem, req, person, code)
        )
    people = {p.id: p for p, _ in candidates}
    contract = {pid: people[pid].max_half_days // req.half_days_per_unit for pid in people}
    slot_capacity = _slot_capacity(problem, req, people.values(), locations)
    capacity = min(slot_capacity, sum(min(per_person[p], contract[p]) for p in people))
    if capacity < req.amount:
        if len(people) == 1:
            (pid,) = people
            if per_person[pid] < req.amount:
                code, available = "person_unavailable", per_person[pid]
            else:
                code, available = "person_contract", contract[pid]
            explanations.append(
                Explanation(
                    code,
                    req.id,
                    {
                        **base,
                        "needed": req.amount,
                        "name": people[pid].name,
                        "available": available,
                    },
                )
            )
        else:
            explanations.append(
                Explanation(
                    "group_unavailable",
                    req.id,
                    {
                        **base,
                        "needed": req.amount,
                        "count": len(people),
                        "names": ", ".join(sorted(p.name for p in people.values())),
                        "available": capacity,
                    },
                )
            )
    if req.needs_room:
        room_units = 0
        for code in locations:
            for day in problem.days:
                free = [
                    problem.allowed(req, day, part) and known[code].rooms_at(day, part) > 0
                    for part in PARTS
                ]
                room_units += all(free) if req.unit is Unit.DAY else sum(free)
        if room_units < req.amount:
            explanations.append(
                Explanation(
                    "rooms",
                    req.id,
                    {**base, "needed": req.amount, "location": names, "available": room_units},
                )
            )
    return explanations


def _slot_capacity(
    problem: Problem, req: Requirement, people: Iterable[Person], locations: tuple[str, ...]
) -> int:
    """Units that fit in the week when only the half-days and the concurrency limit count."""
    people = list(people)
    total = 0
    for day in problem.days:
        per_part = []
        for part in PARTS:
            if problem.is_frozen((day, part)):
                per_part.append(req.max_concurrent)
                continue
            if not problem.allowed(req, day, part):
                per_part.append(0)
                continue
            present = sum(
                1
                for p in people
                if p.is_available(day, part)
                and any(problem.eligible(req, p, code) for code in locations)
            )
            per_part.append(min(present, req.max_concurrent))
        if req.unit is Unit.DAY:
            total += min(1, per_part[0], per_part[1]) if req.distinct_days else min(per_part)
        else:
            total += min(1, sum(per_part)) if req.distinct_days else sum(per_part)
    return total
