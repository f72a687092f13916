"""The Westwijk demo as one deterministic load: people, pupils, cases, then the other apps' demos.

`make demo` loads it on every start, so loading is idempotent: when the demo's pupils are
already there nothing happens, and `reset` removes the demo's families and cases first. The
staff logins are kept and reset in place, because the append-only access log refers to them.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kansrijk.cases.models import Case, Child, Family
from kansrijk.consent.models import Consent
from kansrijk.demo.cases import DemoCase, seed_cases
from kansrijk.demo.people import CENTRE_CODES, CHILDCARE_CODES, seed_people
from kansrijk.demo.pupils import seed_pupils

#: Demos of other apps, loaded after the core demo: (module, function). A module that does not
#: exist (yet) is skipped; one that fails is rolled back alone and reported.
OTHER_DEMOS: tuple[tuple[str, str], ...] = (
    ("kansrijk.roster.demo", "seed_roster_demo"),
    ("kansrijk.safety.demo", "seed_safety_demo"),
    ("kansrijk.attention.demo", "seed_attention_demo"),
    ("kansrijk.meetings.demo", "seed_meetings_demo"),
    ("kansrijk.portal.demo", "seed_portal_demo"),
    ("kansrijk.early_years.demo", "seed_early_years_demo"),
    ("kansrijk.special_education.demo", "seed_special_education_demo"),
    ("kansrijk.threads.demo", "seed_threads_demo"),
    ("kansrijk.standins.demo", "seed_standins_demo"),
    ("kansrijk.homework.demo", "seed_homework_demo"),
    ("kansrijk.dyslexia.demo", "seed_dyslexia_demo"),
)


@dataclass(frozen=True)
class DemoLoad:
    cases: list[DemoCase]
    families: int
    pupils: int
    other_demos: list[str]
    failed_demos: list[str]


def demo_exists() -> bool:
    return Child.objects.filter(location__code__in=CENTRE_CODES).exists()


def remove_demo_data() -> None:
    """Delete the families, children, cases and consents of the demo's locations."""
    codes = [*CENTRE_CODES, *CHILDCARE_CODES]
    family_ids = list(
        Family.objects.filter(
            Q(children__location__code__in=codes) | Q(cases__location__code__in=codes)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    Case.objects.filter(family__in=family_ids).delete()
    Consent.objects.filter(child__family__in=family_ids).delete()
    Family.objects.filter(pk__in=family_ids).delete()


def _other_demos() -> list[tuple[str, Callable[[], Any]]]:
    found = []
    for path, name in OTHER_DEMOS:
        try:
            module = importlib.import_module(path)
        except ModuleNotFoundError as error:
            if error.name != path:
                raise
            continue
        function = getattr(module, name, None)
        if callable(function):
            found.append((f"{path}.{name}", function))
    return found


def seed_westwijk(
    *, reset: bool = False, today: datetime.date | None = None, other_demos: bool = True
) -> DemoLoad | None:
    """Load the demo in one transaction; None when it is already there and `reset` is off.

    `other_demos=False` leaves out the other apps' demos (the tests of this one)."""
    run_start = timezone.now()
    today = today or timezone.localdate()
    with transaction.atomic():
        if demo_exists():
            if not reset:
                return None
            remove_demo_data()
        westwijk = seed_people()
        families = seed_pupils(westwijk, today)
        cases = seed_cases(westwijk, families, today, run_start)
        loaded, failed = [], []
        for label, function in _other_demos() if other_demos else []:
            # Another app's demo runs in a savepoint: when it breaks, the Westwijk demo still
            # loads (and `make demo` still starts) and the command reports the failure.
            try:
                with transaction.atomic():
                    function()
            except Exception as error:
                failed.append(f"{label}: {error!r}")
            else:
                loaded.append(label)
    return DemoLoad(
        cases=cases,
        families=len(families),
        pupils=sum(len(f.pupils) for f in families),
        other_demos=loaded,
        failed_demos=failed,
    )
