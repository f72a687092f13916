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
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kansrijk.roster.checker import check
from kansrijk.roster.solver import Options, Part, Problem, Result, Score, replan, solve
from kansrijk.roster.solver.model import slot_index
from kansrijk.roster.solver.region import region_problem
from kansrijk.roster.solver.replan import absent_from
from kansrijk.roster.solver.westwijk import westwijk_problem

RESULTS = Path(__file__).resolve().parent / "results" / "roster.json"
TARGETS = {"westwijk_optimal_s": 1.0, "region_first_valid_s": 2.0, "replan_s": 5.0}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--long", action="store_true", help="also run the region for 60 s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT workers for the region")
    args = parser.parse_args()

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
    region_report = report["region"]["after_10s"]  # type: ignore[index]
    report["met"] = {
        "westwijk_optimal_s": report["westwijk"]["proven_optimal"]  # type: ignore[index]
        and report["westwijk"]["max_s"] < TARGETS["westwijk_optimal_s"],  # type: ignore[index]
        "region_first_valid_s": (region_report["first_valid_s"] or 99)
        < TARGETS["region_first_valid_s"],
        "replan_s": all(r["wall_s"] < TARGETS["replan_s"] for r in report["replan"].values()),  # type: ignore[attr-defined]
    }
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
