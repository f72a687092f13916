"""Roster solver benchmark (DESIGN §4): Westwijk, a 100 x 40 region, re-plan after a sick call.

    .venv/bin/python bench/roster_bench.py            # default run, about half a minute
    .venv/bin/python bench/roster_bench.py --long     # also the quality after 60 s

Every roster measured is first verified by the independent checker. Results go to
bench/results/roster.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kansrijk.roster.checker import check, shortfalls
from kansrijk.roster.solver import Options, Part, Problem, Result, Score, replan, solve
from kansrijk.roster.solver.model import slot_index
from kansrijk.roster.solver.region import region_problem
from kansrijk.roster.solver.replan import absent_from
from kansrijk.roster.solver.westwijk import westwijk_problem

RESULTS = Path(__file__).resolve().parent / "results" / "roster.json"
TARGETS = {
    "westwijk_optimal_s": 1.0,
    "region_first_valid_s": 2.0,
    "replan_s": 5.0,
    "horizon_first_valid_s": 5.0,
    "horizon_replan_s": 2.0,
}
HORIZON_WEEKS = 6


def verified(problem: Problem, result: Result) -> Result:
    hard = [v for v in check(problem, result.shifts) if v.code != "coverage"]
    if hard:
        raise SystemExit(f"checker found {len(hard)} broken rules, e.g. {hard[0]}")
    return result


def score_dict(score: Score | None) -> dict[str, int] | None:
    return None if score is None else dict(score.__dict__)


def timed(problem: Problem, options: Options) -> tuple[Result, list[dict[str, float]]]:
    """Solve, recording the wall time (from the call) and score of every improving solution."""
    trace: list[dict[str, float]] = []
    start = time.perf_counter()

    cpu = time.process_time()

    def listen(_: float, score: Score) -> None:
        trace.append(
            {
                "t": round(time.perf_counter() - start, 3),
                "cpu": round(time.process_time() - cpu, 3),
                "objective": score.objective,
                "shortfall": score.shortfall,
            }
        )

    result = solve(problem, options, on_solution=listen)
    return verified(problem, result), trace


def first(trace: list[dict[str, float]], complete: bool, clock: str = "t") -> float | None:
    return next((p[clock] for p in trace if not complete or p["shortfall"] == 0), None)


def westwijk(runs: int) -> dict[str, object]:
    problem = westwijk_problem(2026, 48)
    times, cpu_times, result = [], [], None
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        result = verified(problem, solve(problem))
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
    assert result is not None
    return {
        "status": result.status.value,
        "proven_optimal": result.proven_optimal,
        "shifts": len(result.shifts),
        "median_s": round(statistics.median(times), 4),
        "max_s": round(max(times), 4),
        "median_cpu_s": round(statistics.median(cpu_times), 4),
        "runs": runs,
        "score": score_dict(result.score),
    }


def region(limit: float, seed: int, workers: int) -> tuple[dict[str, object], Problem, Result]:
    problem = region_problem(seed=seed)
    result, trace = timed(problem, Options(time_limit_s=limit, num_workers=workers))
    return (
        {
            "time_limit_s": limit,
            "num_workers": workers,
            "status": result.status.value,
            "proven_optimal": result.proven_optimal,
            "wall_s": round(result.wall_time_s, 3),
            "first_solution_s": first(trace, complete=False),
            "first_valid_s": first(trace, complete=True),
            "first_valid_cpu_s": first(trace, complete=True, clock="cpu"),
            "optimal_coverage_s": first(trace, complete=True),
            "last_improvement_s": trace[-1]["t"] if trace else None,
            "solutions": len(trace),
            "score": score_dict(result.score),
        },
        problem,
        result,
    )


def sick_call(problem: Problem, before: Result, role: str, limit: float) -> dict[str, object]:
    """The busiest ``role`` calls in sick on Wednesday morning, for the rest of the week."""
    now = (problem.days[2], Part.MORNING)
    person = busiest(before, role, now[0])
    sick = absent_from(problem, person, now)
    trace: list[dict[str, float]] = []
    start, cpu = time.perf_counter(), time.process_time()

    def listen(_: float, score: Score) -> None:
        trace.append(
            {
                "t": round(time.perf_counter() - start, 3),
                "objective": score.objective,
                "shortfall": score.shortfall,
                "changes": score.changes,
            }
        )

    result = replan(sick, before.shifts, now, Options(time_limit_s=limit), on_solution=listen)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    verified(replace(sick, previous=before.shifts, frozen_before=now), result)
    lost = sum(
        1
        for s in before.shifts
        if s.person == person
        and slot_index(problem.days, (s.date, s.part)) >= slot_index(problem.days, now)
    )
    return {
        "sick": person,
        "from": f"{now[0]} {now[1].value}",
        "half_days_lost": lost,
        "status": result.status.value,
        "proven_optimal": result.proven_optimal,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "first_valid_s": first(trace, complete=True),
        "best_coverage_s": next(
            (p["t"] for p in trace if result.score and p["shortfall"] == result.score.shortfall),
            None,
        ),
        "last_improvement_s": trace[-1]["t"] if trace else None,
        "explanations": [e.text("en") for e in result.explanations],
        "shifts_changed": len(set(before.shifts) ^ set(result.shifts)),
        "score": score_dict(result.score),
    }


def horizon(seed: int) -> dict[str, object]:
    """Six weeks of the region, each planned close to the week before and stopped at its first
    complete roster; then a sick call in week 3 re-planned. The checker passes on every week."""
    monday = date.fromisocalendar(2026, 49, 1)
    previous: tuple = ()
    weeks, wall, cpu = [], 0.0, 0.0
    planned: list[tuple[Problem, Result]] = []
    for step in range(HORIZON_WEEKS):
        year, week, _ = (monday + timedelta(weeks=step)).isocalendar()
        problem = replace(
            region_problem(seed=seed, iso_year=year, iso_week=week), previous=previous
        )
        start, clock = time.perf_counter(), time.process_time()
        result = solve(
            problem,
            Options(time_limit_s=30.0, stop_when_complete=True, explain=False, hint_previous=False),
        )
        took, took_cpu = time.perf_counter() - start, time.process_time() - clock
        violations = check(problem, result.shifts)
        hard = [v for v in violations if v.code != "coverage"]
        if hard:
            raise SystemExit(f"checker: week {week}: {hard[0]}")
        wall, cpu = wall + took, cpu + took_cpu
        weeks.append(
            {
                "week": f"{year}-W{week:02d}",
                "status": result.status.value,
                "wall_s": round(took, 3),
                "cpu_s": round(took_cpu, 3),
                "shortfall": result.score.shortfall if result.score else None,
                "checker_violations": len(violations),
                "changes_against_week_before": result.score.changes if result.score else None,
            }
        )
        planned.append((problem, result))
        previous = result.shifts
    problem, before = planned[2]
    now = (problem.days[2], Part.MORNING)
    person = busiest(before, "family_specialist", now[0])
    sick = absent_from(problem, person, now)
    trace: list[dict[str, float]] = []
    start, clock = time.perf_counter(), time.process_time()

    def listen(t: float, score: Score) -> None:
        trace.append({"t": round(time.perf_counter() - start, 3), "shortfall": score.shortfall})

    after = replan(sick, before.shifts, now, Options(time_limit_s=2.0), on_solution=listen)
    took, took_cpu = time.perf_counter() - start, time.process_time() - clock
    replan_violations = check(
        replace(sick, previous=before.shifts, frozen_before=now), after.shifts
    )
    if [v for v in replan_violations if v.code != "coverage"]:
        raise SystemExit(f"checker: re-plan: {replan_violations[0]}")
    # Valid: no broken hard rule in any week, every week complete, and the re-plan short by
    # exactly what the solver reported (and explained): nobody else can take that GS's place.
    reported = {s.requirement: s.missing for s in after.shortfalls}
    valid = all(w["checker_violations"] == 0 for w in weeks) and (
        shortfalls(replan_violations) == reported
    )
    return {
        "weeks": weeks,
        "first_valid_six_weeks_s": round(wall, 3),
        "first_valid_six_weeks_cpu_s": round(cpu, 3),
        "checker_passes_every_week": valid,
        "replan_week_3": {
            "sick": person,
            "from": f"{now[0]} {now[1].value}",
            "status": after.status.value,
            "proven_optimal": after.proven_optimal,
            "wall_s": round(took, 3),
            "cpu_s": round(took_cpu, 3),
            "best_coverage_s": next(
                (p["t"] for p in trace if after.score and p["shortfall"] == after.score.shortfall),
                None,
            ),
            "shifts_changed": len(set(before.shifts) ^ set(after.shifts)),
            "shortfall": after.score.shortfall if after.score else None,
            "explanations": [e.text("en") for e in after.explanations],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--long", action="store_true", help="also run the region for 60 s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT workers for the region")
    parser.add_argument(
        "--horizon-only", action="store_true", help="only the six-week horizon and its re-plan"
    )
    args = parser.parse_args()
    if args.horizon_only:
        only = {
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "horizon": horizon(args.seed),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        }
        print(json.dumps(only, indent=2))
        return

    report: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "targets": TARGETS,
        "westwijk": westwijk(runs=20),
    }
    ten, problem, best = region(10.0, args.seed, args.workers)
    report["region"] = {
        "professionals": len(problem.people),
        "locations": len(problem.locations),
        "half_days": len(problem.slots),
        "requirements": len(problem.requirements),
        "after_10s": ten,
    }
    if args.long:
        sixty, _, best = region(60.0, args.seed, args.workers)
        report["region"]["after_60s"] = sixty  # type: ignore[index]
    westwijk_problem_ = westwijk_problem(2026, 48)
    report["replan"] = {
        "westwijk": sick_call(westwijk_problem_, solve(westwijk_problem_), "district_team", 5.0),
        "region": sick_call(problem, best, "family_specialist", 4.0),
    }
    report["horizon"] = horizon(args.seed)
    region_report = report["region"]["after_10s"]  # type: ignore[index]
    report["met"] = {
        "westwijk_optimal_s": report["westwijk"]["proven_optimal"]  # type: ignore[index]
        and report["westwijk"]["max_s"] < TARGETS["westwijk_optimal_s"],  # type: ignore[index]
        "region_first_valid_s": (region_report["first_valid_s"] or 99)
        < TARGETS["region_first_valid_s"],
        "replan_s": all(r["wall_s"] < TARGETS["replan_s"] for r in report["replan"].values()),  # type: ignore[attr-defined]
        "horizon_first_valid_s": report["horizon"]["checker_passes_every_week"]  # type: ignore[index]
        and report["horizon"]["first_valid_six_weeks_s"] <= TARGETS["horizon_first_valid_s"],  # type: ignore[index]
        "horizon_replan_s": report["horizon"]["replan_week_3"]["wall_s"]  # type: ignore[index]
        <= TARGETS["horizon_replan_s"],
        # The same targets on CPU time: on a shared machine the wall clock measures the load.
        "horizon_first_valid_cpu_s": report["horizon"]["first_valid_six_weeks_cpu_s"]  # type: ignore[index]
        <= TARGETS["horizon_first_valid_s"],
        "horizon_replan_cpu_s": report["horizon"]["replan_week_3"]["cpu_s"]  # type: ignore[index]
        <= TARGETS["horizon_replan_s"],
    }
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]  # type: ignore[index]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def busiest(result: Result, role: str, since: date) -> str:
    """The person of ``role`` with the most half-days from ``since`` on: the call that hurts."""
    counts: dict[str, int] = {}
    for s in result.shifts:
        if s.role == role and s.date >= since:
            counts[s.person] = counts.get(s.person, 0) + 1
    return max(sorted(counts), key=lambda p: counts[p])


if __name__ == "__main__":
    main()
