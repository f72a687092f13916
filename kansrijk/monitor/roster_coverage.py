"""The figure "roster requirements met", read from the roster app without writing to it.

The roster app owns what a requirement is and when a week covers it (its independent
checker). The monitor only asks, week by week: which active rules are fully covered by the
planned shifts? When the roster app does not (yet) offer that, the figure is shown as not
available with the reason, rather than being re-derived here and disagreeing with the roster.
Roster rules are about presence, not about children, so these cells need no suppression.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils.translation import gettext_noop

from kansrijk.monitor.definitions import Unit
from kansrijk.monitor.periods import Period
from kansrijk.monitor.tables import EMPTY, Axis, Cell, Table

#: Reasons are stored language-neutral (English msgid) and translated when shown.
NO_ROSTER_API = gettext_noop(
    "The roster module does not offer a way to check a week's coverage yet."
)
NO_WEEKS = gettext_noop("No roster was planned in this period.")


def _weeks(period: Period) -> list[tuple[int, int]]:
    """ISO weeks whose Monday falls in the period."""
    monday = period.start + datetime.timedelta(days=(7 - period.start.weekday()) % 7)
    weeks = []
    while monday <= period.end:
        year, week, _day = monday.isocalendar()
        weeks.append((year, week))
        monday += datetime.timedelta(weeks=1)
    return weeks


def _columns() -> list[Axis]:
    return [Axis("rules", "stat"), Axis("met", "stat"), Axis("met_share", "stat")]


def _unavailable(centres: list[tuple[int, str]], reason: str) -> Table:
    rows = [Axis(str(pk), "centre", name, centre=pk) for pk, name in centres]
    rows.append(Axis("*", "centre", total=True))
    return Table(
        "roster_coverage",
        Unit.PERCENT,
        _columns(),
        rows,
        [[Cell(None, EMPTY)] * 3 for _row in rows],
        available=False,
        reason=reason,
    )


def roster_table(period: Period, centres: list[tuple[int, str]]) -> Table:
    try:
        from kansrijk.core.models import Location
        from kansrijk.roster.checker import check, shortfalls
        from kansrijk.roster.selectors import problem_for_week, to_solver_shift, week_shifts
    except ImportError:
        return _unavailable(centres, NO_ROSTER_API)
    by_code = dict(
        Location.objects.filter(pk__in=[pk for pk, _n in centres]).values_list("code", "pk")
    )
    rules: Counter[int | str] = Counter()
    met: Counter[int | str] = Counter()
    try:
        for year, week in _weeks(period):
            shifts = [to_solver_shift(s) for s in week_shifts(year, week)]
            if not shifts:
                continue  # not planned: neither met nor missed
            problem = problem_for_week(year, week, stay_close_to_last_week=False)
            missing = shortfalls(check(problem, shifts))
            for requirement in problem.requirements:
                covered = requirement.id not in missing
                rules["*"] += 1
                met["*"] += covered
                for code in problem.active_locations(requirement):
                    if code in by_code:
                        rules[by_code[code]] += 1
                        met[by_code[code]] += covered
    except (AttributeError, TypeError):
        return _unavailable(centres, NO_ROSTER_API)
    if not rules["*"]:
        return _unavailable(centres, NO_WEEKS)
    rows = [Axis(str(pk), "centre", name, centre=pk) for pk, name in centres]
    rows.append(Axis("*", "centre", total=True))
    cells = []
    for row in rows:
        key: int | str = row.centre if row.centre is not None else "*"
        total, good = rules[key], met[key]
        share = Cell(round(100.0 * good / total, 1)) if total else Cell(None, EMPTY)
        cells.append([Cell(total), Cell(good), share])
    return Table("roster_coverage", Unit.PERCENT, _columns(), rows, cells, charts=["met_share"])
