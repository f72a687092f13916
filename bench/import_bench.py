"""Pupil import benchmark (issue 11): a generated 5,000-pupil EDEXML file with guardians and
siblings is imported into an empty school — read and validated against the XSD, previewed,
confirmed — then the same file again (nothing to change) and a newer file (group moves, new
phone numbers, leavers, new pupils). Target: the first import ≤ 30 s on this machine.

    DJANGO_SETTINGS_MODULE=kansrijk.conf.test .venv/bin/python -m bench.import_bench [--pupils 5000]

Wall and CPU time are both reported: on a shared machine the wall time includes waiting for
a core. It runs in a throw-away test database (created and dropped like the test runner does).
Writes bench/results/import.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansrijk.conf.test")

RESULTS = Path(__file__).resolve().parent / "results" / "import.json"
TARGET_S = 30.0
TODAY = datetime.date(2026, 11, 30)


def pupils(count: int) -> list[Any]:
    """`count` pupils in groups 1-8, about a third with a sibling, each with guardians."""
    from faker import Faker

    from kansrijk.demo.pupils import test_bsns
    from kansrijk.imports.rows import GuardianRow, PupilRow

    fake = Faker("nl_NL")
    fake.seed_instance(11)
    rng = random.Random(11)
    bsns = iter(test_bsns())
    rows: list[PupilRow] = []
    while len(rows) < count:
        last = fake.last_name()
        street = f"{fake.street_name()} {rng.randint(1, 300)}"
        letters = fake.random_uppercase_letter() + fake.random_uppercase_letter()
        postcode = f"{rng.randint(1000, 9999)} {letters}"
        guardians = [
            GuardianRow(f"{fake.first_name_female()} {last}", "moeder",
                        f"06-{rng.randint(10_000_000, 99_999_999)}", ""),
            GuardianRow(f"{fake.first_name_male()} {last}", "vader",
                        f"06-{rng.randint(10_000_000, 99_999_999)}", ""),
        ][: rng.choice((1, 2, 2))]  # fmt: skip
        for _sibling in range(rng.choices((1, 2, 3), weights=(65, 28, 7))[0]):
            group = rng.randint(1, 8)
            born = datetime.date(2026 - group - 4, rng.randint(1, 12), rng.randint(1, 28))
            rows.append(
                PupilRow(
                    line=0, pupil_number=f"P{len(rows) + 1:06d}", bsn=next(bsns),
                    given_name=fake.first_name(), family_name=last,
                    date_of_birth=born.isoformat(), group=str(group), address=street,
                    postcode=postcode, guardians=list(guardians),
                )
            )  # fmt: skip
    return rows[:count]


def newer(rows: list[Any]) -> list[Any]:
    """The next file: 5 % move group, 5 % new phone, 3 % left, 2 % new pupils."""
    from dataclasses import replace

    rng = random.Random(12)
    next_rows = [replace(r, guardians=[replace(g) for g in r.guardians]) for r in rows]
    for row in rng.sample(next_rows, len(rows) // 20):
        row.group = str(int(row.group) % 8 + 1)
    for row in rng.sample(next_rows, len(rows) // 20):
        row.guardians[0].phone = f"06-{rng.randint(10_000_000, 99_999_999)}"
    gone = set(rng.sample(range(len(next_rows)), len(rows) * 3 // 100))
    kept = [r for i, r in enumerate(next_rows) if i not in gone]
    extra = pupils(len(rows) + len(rows) // 50)[len(rows) :]
    return kept + extra


def timed_import(by: Any, location: Any, data: bytes) -> dict[str, Any]:
    from kansrijk.imports import services

    start, cpu = time.perf_counter(), time.process_time()
    batch = services.pupil_import_prepare(
        by=by, location=location, data=data, file_name="bench.xml", today=TODAY
    )
    prepared, prepared_cpu = time.perf_counter(), time.process_time()
    counts = services.pupil_import_confirm(by=by, batch=batch, today=TODAY)
    done, done_cpu = time.perf_counter(), time.process_time()
    return {
        # Wall time, and the CPU time of this process (the machine's 2 cores are shared:
        # under load the wall time includes waiting for a core).
        "cpu_parse_and_preview_s": round(prepared_cpu - cpu, 2),
        "cpu_confirm_s": round(done_cpu - prepared_cpu, 2),
        "parse_and_preview_s": round(prepared - start, 2),
        "confirm_s": round(done - prepared, 2),
        "total_s": round(done - start, 2),
        "preview": batch.preview["counts"],
        "written": counts,
    }


def run(count: int) -> dict[str, Any]:
    from kansrijk.access.roles import Role
    from kansrijk.core.models import Group, Location, Membership, Organisation, Professional
    from kansrijk.imports.samples import edexml_bytes

    board = Organisation.objects.create(name="Bench", kind=Organisation.Kind.SCHOOL_BOARD)
    school = Location.objects.create(
        organisation=board, name="Kindcentrum Bench", code="bench",
        kind=Location.Kind.CHILD_CENTRE,
    )  # fmt: skip
    Group.objects.bulk_create([Group(location=school, name=str(g)) for g in range(1, 9)])
    coach = Professional.objects.create(username="bench-ib")
    Membership.objects.create(
        professional=coach, role=Role.INTERNAL_COACH, organisation=board, location=school
    )
    rows = pupils(count)
    start = time.perf_counter()
    first_file = edexml_bytes(rows, school="99ZZ", school_year="2026-2027")
    generated = time.perf_counter() - start
    first = timed_import(coach, school, first_file)
    again = timed_import(coach, school, first_file)
    second_file = edexml_bytes(newer(rows), school="99ZZ", school_year="2026-2027")
    update = timed_import(coach, school, second_file)
    return {
        "pupils": count,
        "file_bytes": len(first_file),
        "generate_file_s": round(generated, 2),
        "first_import": first,
        "same_file_again": again,
        "newer_file": update,
        "target_first_import_s": TARGET_S,
        "meets_target": first["total_s"] <= TARGET_S,
        "first_import_cpu_s": round(first["cpu_parse_and_preview_s"] + first["cpu_confirm_s"], 2),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=5000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result = run(args.pupils)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    result |= {
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
