"""Re-planning the rest of a week after a sick call: the past stays, changes cost a lot."""

from __future__ import annotations

from dataclasses import replace

from kansrijk.roster.solver.model import (
    PARTS,
    REPLAN_WEIGHTS,
    Options,
    Problem,
    Result,
    Shift,
    Slot,
    SolutionListener,
    slot_index,
)


def absent_from(problem: Problem, person_id: str, start: Slot, end: Slot | None = None) -> Problem:
    """The problem with ``person_id`` absent from ``start`` up to and including ``end``."""
    days = problem.days
    first = slot_index(days, start)
    last = slot_index(days, end) if end else len(days) * 2 - 1
    absent = frozenset(
        (day, part)
        for day in days
        for part in PARTS
        if first <= slot_index(days, (day, part)) <= last
    )
    people = tuple(
        replace(p, absent=p.absent | absent) if p.id == person_id else p for p in problem.people
    )
    return replace(problem, people=people)


def replan(
    problem: Problem,
    current: tuple[Shift, ...],
    now: Slot,
    options: Options | None = None,
    on_solution: SolutionListener | None = None,
) -> Result:
    """Plan the half-days from ``now`` on, keeping the past and as much of ``current`` as possible.

    ``problem`` already carries the new absence (see :func:`absent_from`).
    """
    from kansrijk.roster.solver.cpsat import solve  # OR-Tools on first use (see solver/__init__)

    weights = replace(REPLAN_WEIGHTS, **{})
    if problem.weights.change > weights.change:
        weights = problem.weights
    return solve(
        replace(problem, previous=current, frozen_before=now, weights=weights),
        options,
        on_solution,
    )
