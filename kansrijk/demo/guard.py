"""When `seed_demo` may run: the demo's logins have a published password and a second factor
anyone can compute, so they must never appear next to real data."""

from __future__ import annotations

from kansrijk.cases.models import Case, Child
from kansrijk.core.models import Professional
from kansrijk.demo.people import CENTRE_CODES, CHILDCARE_CODES, STAFF


def real_data() -> list[str]:
    """What in the database is not the demo's: children and cases outside the demo's
    locations, and professionals who are not demo logins (an empty database has none)."""
    codes = [*CENTRE_CODES, *CHILDCARE_CODES]
    found = []
    children = Child.objects.exclude(location__code__in=codes).count()
    if children:
        found.append(f"{children} child(ren) outside the demo's locations")
    cases = Case.objects.exclude(location__code__in=codes).count()
    if cases:
        found.append(f"{cases} case(s) outside the demo's locations")
    people = Professional.objects.exclude(username__in=[s.username for s in STAFF]).count()
    if people:
        found.append(f"{people} professional(s) who are not demo logins")
    return found
