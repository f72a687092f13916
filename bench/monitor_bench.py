"""Time the monitor's computation on a synthetic region (bulk-inserted, no services).

    DJANGO_SETTINGS_MODULE=kansrijk.conf.test scripts/with_postgres.sh \
        .venv/bin/python bench/monitor_bench.py --children 20000 --signals 60000

Creates a throw-away test database, fills it, times compute_report for the last twelve months
and one quarter, and destroys the database again.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansrijk.conf.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--centres", type=int, default=12)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--signals", type=int, default=60_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        fill(args.centres, args.children, args.signals)
        measure()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def fill(centres: int, children: int, signals: int) -> None:
    from django.utils import timezone

    from kansrijk.access.roles import Role
    from kansrijk.cases.models import Case, Child, ContactPersonAssignment, Family, Signal, Step
    from kansrijk.cases.workflow import CaseState, Outcome
    from kansrijk.core.models import Location, Membership, Organisation, Professional

    rng = random.Random(7)
    board = Organisation.objects.create(name="Bench board", kind=Organisation.Kind.SCHOOL_BOARD)
    locations = Location.objects.bulk_create(
        Location(
            organisation=board,
            name=f"Kindcentrum {i}",
            code=f"bench{i}",
            kind=Location.Kind.CHILD_CENTRE,
        )
        for i in range(centres)
    )
    coach = Professional.objects.create(username="bench-ib")
    Membership.objects.create(
        professional=coach, role=Role.INTERNAL_COACH, organisation=board, location=locations[0]
    )
    families = Family.objects.bulk_create(Family(name=f"F{i}") for i in range(children))
    kids = Child.objects.bulk_create(
        Child(
            family=f,
            given_name="K",
            family_name=f.name,
            location=rng.choice(locations),
            date_of_birth=datetime.date(2016, 1, 1),
        )
        for f in families
    )
    now = timezone.now()
    signalled = rng.sample(kids, min(len(kids), signals // 3))
    cases = []
    for child in signalled:
        opened = now - datetime.timedelta(days=rng.randint(0, 500))
        closed = rng.random() < 0.6
        cases.append(
            Case(
                family_id=child.family_id,
                location_id=child.location_id or 0,
                contact_person=coach,
                opened_at=opened,
                last_step_at=opened,
                state=CaseState.CLOSED if closed else CaseState.IN_SUPPORT,
                outcome=rng.choice(Outcome.values) if closed else "",
                closed_at=opened + datetime.timedelta(days=rng.randint(20, 120))
                if closed
                else None,
            )
        )
    cases = Case.objects.bulk_create(cases)
    ContactPersonAssignment.objects.bulk_create(
        ContactPersonAssignment(
            case=c, professional=coach, started_at=c.opened_at, assigned_by=coach
        )
        for c in cases
    )
    by_family = {c.family_id: c for c in cases}
    Signal.objects.bulk_create(
        Signal(
            case=by_family[child.family_id],
            child=child,
            author=coach,
            author_role=Role.INTERNAL_COACH,
            location_id=child.location_id or 0,
            domain=rng.choice(Signal.Domain.values),
            description="bench",
            created_at=by_family[child.family_id].opened_at
            + datetime.timedelta(days=rng.randint(0, 30)),
        )
        for child in (rng.choice(signalled) for _ in range(signals))
    )
    steps = []
    for c in cases:
        for days, name in (
            (2, "make_plan"),
            (4, "ask_consent"),
            (7, "consent_given"),
            (12, "start_support"),
            (40, "evaluate"),
        ):
            steps.append(
                Step(
                    case=c,
                    transition=name,
                    from_state="",
                    to_state="",
                    by=coach,
                    role=Role.INTERNAL_COACH,
                    at=c.opened_at + datetime.timedelta(days=days + rng.randint(0, 9)),
                )
            )
        if c.closed_at:
            steps.append(
                Step(
                    case=c,
                    transition="close",
                    from_state="",
                    to_state="",
                    by=coach,
                    role=Role.INTERNAL_COACH,
                    at=c.closed_at,
                )
            )
    Step.objects.bulk_create(steps, batch_size=5000)
    print(
        f"{centres} centres, {len(kids)} children, {len(cases)} cases, {signals} signals, "
        f"{len(steps)} steps"
    )


def measure() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kansrijk.monitor.figures import compute_report
    from kansrijk.monitor.periods import Period

    today = timezone.localdate()
    for label, period in (
        ("last 12 months", Period.default(today)),
        ("one quarter", Period.quarter(today.year, (today.month - 1) // 3 + 1)),
    ):
        compute_report(period)  # warm the imports and caches
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            compute_report(period)
        print(f"{label}: {time.perf_counter() - started:.2f} s, {len(queries)} queries")


if __name__ == "__main__":
    main()
