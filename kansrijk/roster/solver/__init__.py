"""Presence roster solver: pure Python and OR-Tools, no Django (dataclasses in, dataclasses out).

OR-Tools is imported when a roster is solved, not when the package is: every Django process
reaches this package through the roster's views and selectors, and importing CP-SAT costs
seconds on a cold start in processes that never plan a week.
"""

from __future__ import annotations

from kansrijk.roster.solver.model import (
    PARTS,
    REPLAN_WEIGHTS,
    Explanation,
    Location,
    Options,
    Part,
    Person,
    Problem,
    Requirement,
    Result,
    Score,
    Shift,
    Shortfall,
    Slot,
    SolutionListener,
    Status,
    Unit,
    Weights,
    week_days,
)
from kansrijk.roster.solver.replan import replan


def solve(
    problem: Problem, options: Options | None = None, on_solution: SolutionListener | None = None
) -> Result:
    """Plan a week with CP-SAT (:func:`kansrijk.roster.solver.cpsat.solve`)."""
    from kansrijk.roster.solver import cpsat

    return cpsat.solve(problem, options, on_solution)


__all__ = [
    "PARTS",
    "REPLAN_WEIGHTS",
    "Explanation",
    "Location",
    "Options",
    "Part",
    "Person",
    "Problem",
    "Requirement",
    "Result",
    "Score",
    "Shift",
    "Shortfall",
    "Slot",
    "SolutionListener",
    "Status",
    "Unit",
    "Weights",
    "replan",
    "solve",
    "week_days",
]
