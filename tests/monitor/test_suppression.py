"""The small-numbers rule: no cell about fewer than 5 children, none derivable by subtraction."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kansrijk.monitor.figures import compute_report
from kansrijk.monitor.suppression import Universe
from kansrijk.monitor.tables import PRIMARY, SECONDARY, Table
from tests.monitor.reading import grid, table


def crosstab(rows: list[list[int]]) -> Universe:
    """A table with row totals, column totals and a grand total, keys (row, column)."""
    universe = Universe()
    r_keys, c_keys = list(range(len(rows))), list(range(len(rows[0])))
    for r, c in itertools.product(r_keys, c_keys):
        universe.cell((r, c), rows[r][c])
    for r in r_keys:
        universe.cell((r, "*"), sum(rows[r]))
    for c in c_keys:
        universe.cell(("*", c), sum(row[c] for row in rows))
    universe.cell(("*", "*"), sum(map(sum, rows)))
    universe.crosstab(r_keys, c_keys)
    return universe


def test_small_cells_are_hidden_zero_included():
    status = crosstab([[7, 3], [8, 9]]).status()
    assert status[(0, 1)] == PRIMARY
    assert status[(0, 0)] == "" or status[(0, 0)] == SECONDARY
    assert crosstab([[0, 12], [9, 9]]).status()[(0, 0)] == PRIMARY


def test_one_hidden_cell_in_a_row_hides_the_next_smallest_too():
    status = crosstab([[20, 3, 7, 12], [30, 30, 30, 30]]).status()
    assert status[(0, 1)] == PRIMARY
    assert status[(0, 2)] == SECONDARY  # 7 is the next-smallest of the row
    # and each of their columns now has one hidden cell, so those hide one more each
    assert status[(1, 1)] == SECONDARY and status[(1, 2)] == SECONDARY


def test_the_total_is_hidden_when_no_other_cell_is_left():
    universe = Universe()
    universe.cell("a", 3)
    universe.cell("total", 9, subjects=9)
    universe.relation("total", ["a"])
    assert universe.status() == {"a": PRIMARY, "total": SECONDARY}


def test_a_small_total_without_members_ends():
    """A table with no rows (a region without centres yet) has only its small total."""
    universe = Universe()
    universe.cell("total", 2, subjects=2)
    universe.relation("total", [])
    assert universe.status() == {"total": PRIMARY}


def _derivable(universe: Universe) -> list[tuple[object, tuple[object, ...]]]:
    status = universe.status()
    return [
        (total, members)
        for total, members in universe.relations
        if sum(1 for k in (total, *members) if status[k]) == 1
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=6), min_size=1, max_size=5).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_no_hidden_cell_can_be_computed_from_its_relations(rows):
    universe = crosstab(rows)
    status = universe.status()
    assert not _derivable(universe)
    for key, value in universe.values.items():
        if value < 5:
            assert status[key] == PRIMARY


# --- the real report --------------------------------------------------------------------


@pytest.fixture
def suppressed(dataset):
    return compute_report(dataset.period)


def _additive_groups(t: Table) -> list[list[tuple[str, str]]]:
    """Rows with their total column and columns with their total row, where they add up."""
    total_col = next((c.key for c in t.columns if c.total), None)
    total_row = next((r.key for r in t.rows if r.total), None)
    groups = []
    if total_col:
        members = [c.key for c in t.columns if not c.total and c.kind == t.columns[0].kind]
        groups += [[(r.key, k) for k in [*members, total_col]] for r in t.rows]
    if total_row:
        for c in t.columns:
            if c.kind in ("stat", "outcome", "consent", "domain", "centre") and t.unit != "days":
                groups.append([(r.key, c.key) for r in t.rows])
    return groups


def test_the_report_hides_every_cell_about_fewer_than_five_children(dataset, suppressed):
    school, other = str(dataset.world.school.pk), str(dataset.world.other_school.pk)
    signals = grid(table(suppressed, "signals"))
    assert signals[(school, "behaviour")] == "< 5"  # 2 children
    assert signals[(other, "home")] == "< 5"
    assert signals[(other, "*")] == "< 5"
    # learning at De Schakel (6 signals, 5 children) is shown in the raw table, but the
    # Wereldwijzer's learning cell (0) is hidden, so it would follow from the region's 6:
    assert signals[(school, "learning")] == "x"
    assert signals[("*", "*")] == 10
    outcomes = grid(table(suppressed, "outcomes"))
    assert outcomes[(school, "stayed_regular")] == "< 5"
    assert outcomes[(school, "total")] == "x"  # else 5 - (hidden Wereldwijzer 0) = region
    assert outcomes[("*", "total")] == 5
    share = grid(table(suppressed, "share_signalled"))
    assert share[(other, "signalled")] == "< 5" and share[(other, "share")] == "x"


def test_no_hidden_cell_of_the_report_is_the_difference_of_shown_ones(suppressed):
    for data in suppressed["tables"]:
        t = Table.from_dict(data)
        if t.figure in ("lead_times", "roster_coverage", "experience"):
            continue
        g = grid(t)
        for group in _additive_groups(t):
            hidden = [key for key in group if isinstance(g[key], str)]
            assert len(hidden) != 1, (t.figure, t.variant, t.domain, group)
        for key, value in g.items():
            assert (
                isinstance(value, str)
                or value is None
                or t.column_unit(next(c for c in t.columns if c.key == key[1])) != "count"
                or value >= 5
            ), (t.figure, key, value)


def test_lead_times_over_fewer_than_five_cases_are_hidden(dataset, suppressed):
    other = str(dataset.world.other_school.pk)
    school = str(dataset.world.school.pk)
    g = grid(table(suppressed, "lead_times"))
    assert g[(f"lead_plan|{other}", "n")] == "< 5"
    assert g[(f"lead_plan|{other}", "median")] == "x"
    # De Schakel's 6 cases would be the region's 6 minus the hidden 0: hidden as well.
    assert g[(f"lead_plan|{school}", "n")] == "x"
    assert g[("lead_plan|*", "median")] == 2.0
