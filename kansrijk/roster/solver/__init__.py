"""Presence roster solver: pure Python and OR-Tools, no Django (dataclasses in, dataclasses out)."""

from kansrijk.roster.solver.cpsat import solve
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
    Status,
    Unit,
    Weights,
    week_days,
)
from kansrijk.roster.solver.replan import replan

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
    "Status",
    "Unit",
    "Weights",
    "replan",
    "solve",
    "week_days",
]
