"""What the rows of the 0–4 route do besides changing the state (issue 12): the rows live in
`cases.workflow.TRANSITIONS`, next to the school route, and name these effects; they run
inside `cases.services.case_transition`'s transaction like the school route's
(cases.effects)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kansrijk.cases.models import Case, Child
from kansrijk.core.models import Professional
from kansrijk.early_years.models import VveIndication

#: A child is a toddler on the 0–4 route until their fourth birthday.
TODDLER_AGE = 4


def toddlers_of(case: Case) -> list[Child]:
    """The children of the case's signals who are not yet four."""
    today = timezone.localdate()
    children = {s.child for s in case.signals.select_related("child")}
    return sorted((c for c in children if c.age_on(today) < TODDLER_AGE), key=lambda c: c.pk)


def consultation(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    on = data.get("consultation_on")
    return {"consultation_on": str(on) if on else ""}


def vve_indication(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    programme = data["programme"].strip()
    toddlers = toddlers_of(case)
    for child in toddlers:
        VveIndication.objects.create(child=child, case=case, programme=programme, indicated_by=by)
    return {"programme": programme, "children": [c.pk for c in toddlers]}


def parent_activities(case: Case, by: Professional, data: dict[str, Any]) -> dict[str, Any]:
    return {"parent_room": bool(data.get("parent_room")), "language": bool(data.get("language"))}
