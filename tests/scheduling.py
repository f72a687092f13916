"""The order in which `pytest -n 3` runs the suite, and which worker runs what.

The suite keeps both cores busy, so its length is the work done: a test run twice costs
its time twice, and a long test that starts last leaves one worker running it alone.

- The longest tests (LONGEST) go first, dealt out over the workers (`_spread`).
- The tests of a module with an expensive fixture of its own (TOGETHER: a demo loaded, a
  roster solved) run on one worker, which builds it once. xdist's `load` scheduling sends
  runs of consecutive tests and cut such modules anywhere: the Westwijk demo was loaded by
  each of the three workers, ~15 s a time on PostgreSQL. `ModulesTogether` is xdist's
  `load`, except that a run never ends inside such a module. (xdist's own `loadgroup`,
  tried before, ended a whole-suite run at 92 % reporting success with 90 tests never run:
  xdist 3.8 with pytest 9.2.)
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadScheduling

#: The tests that take longest (half a minute to minutes each), run first and spread over
#: the workers (`_spread`), so that no worker is left running them alone at the end of the
#: run. The PostgreSQL half's operations tests (a cluster of their own, migrated, stopped and
#: started) mostly wait: first of all.
LONGEST = (
    "tests/ops/test_postgres_restart.py::",
    "tests/ops/test_two_servers.py::",
    "tests/ops/test_backup_restore.py::",
    "tests/browser/test_axe_walk.py::",
    "tests/browser/test_screenshots.py::",
    "tests/access/test_matrix_walk.py::test_pages_and",
)

#: The modules whose tests share a module-scoped fixture of the module's own (a
#: `tests.module_data` fixture or `scope="module"`): each runs on one worker. `order`
#: refuses a run in which such a module is missing here.
TOGETHER = frozenset(
    {
        "tests/bench/test_region.py",
        "tests/core/test_module_data.py",
        "tests/demo/test_all_demos.py",
        "tests/demo/test_seed_demo.py",
        "tests/roster/test_absence.py",
        "tests/roster/test_activities.py",
        "tests/roster/test_checker.py",
        "tests/roster/test_consultations.py",
        "tests/roster/test_django.py",
        "tests/roster/test_planning.py",
        "tests/roster/test_solver.py",
        "tests/test_api_fuzz.py",
    }
)

#: pytest-django's fixtures that open the test database.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_setup", "live_server", "django_db_reset_sequences"}
)


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def together(first: str, second: str) -> bool:
    """Whether two tests (node ids) must run on the same worker."""
    return _group(first) == _group(second)


def order(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest tests first, spread over the workers; a TOGETHER module's tests in one
    run, ranked as its first-ranked test. (pytest-django has moved the tests that use no
    database fixture of their own to the end: a test of the demo's module that reads only
    the module's demo came last, and a worker loaded it again.)"""
    _check_together(items)
    first: dict[str, int] = {}
    best: dict[str, int] = {}
    for index, item in enumerate(items):
        group = _group(item.nodeid)
        first.setdefault(group, index)
        best[group] = min(best.get(group, len(LONGEST) + 1), _longest_first(item))
    rank = {item.nodeid: best[_group(item.nodeid)] for item in items}
    items.sort(key=lambda item: (rank[item.nodeid], first[_group(item.nodeid)]))
    items[:] = _spread(items, config, rank)


def _group(nodeid: str) -> str:
    """What runs as one: a TOGETHER module, any other test alone."""
    return module_of(nodeid) if module_of(nodeid) in TOGETHER else nodeid


def _check_together(items: list[pytest.Item]) -> None:
    for item in items:
        module = module_of(item.nodeid)
        if module in TOGETHER:
            continue
        for definitions in item._fixtureinfo.name2fixturedefs.values():  # type: ignore[attr-defined]
            definition = definitions[-1]
            if definition.scope == "module" and module_of(definition.baseid or "") == module:
                raise pytest.UsageError(
                    f"{module} has a module-scoped fixture ({definition.argname}): "
                    "add the module to TOGETHER in tests/scheduling.py"
                )


def _longest_first(item: pytest.Item) -> int:
    for number, start in enumerate(LONGEST):
        if item.nodeid.startswith(start):
            return number
    return len(LONGEST) + (0 if item.get_closest_marker("browser") else 1)


def _spread(
    items: list[pytest.Item], config: pytest.Config, rank: dict[str, int]
) -> list[pytest.Item]:
    """The long tests (LONGEST, then the browser's) dealt out in turn over the chunks that
    xdist's `load` scheduling first sends each worker: a run of consecutive tests, a quarter
    of a worker's share. Sorted to the front only, they all fell in the first worker's
    chunk: the SQLite half waited ~12 minutes for that one worker's axe walk, matrix walk
    and browser tests while the others had finished. Each worker sorts the same way, so
    they agree on the order xdist needs. The tests that need no database go first on the
    workers after the first. A TOGETHER module is one unit: dealt, when it holds a long test
    or needs no database, else sent as soon as the chunks are out."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers < 2:
        return items
    most = getattr(config.option, "maxschedchunk", None) or len(items)
    chunk = max(min(len(items) // workers // 4, most), 2)  # as xdist's LoadScheduling
    # The first worker's first test migrates the template (~35 s on one core); the others
    # begin with the tests that need no database meanwhile, instead of waiting for it.
    long: list[list[pytest.Item]] = []
    no_database: list[list[pytest.Item]] = []
    modules: list[list[pytest.Item]] = []
    rest: list[pytest.Item] = []
    for unit in _units(items):
        if rank[unit[0].nodeid] <= len(LONGEST):
            long.append(unit)
        elif not any(_uses_database(item) for item in unit):
            no_database.append(unit)
        elif module_of(unit[0].nodeid) in TOGETHER:
            modules.append(unit)
        else:
            rest += unit
    ordered: list[pytest.Item] = []
    for worker in range(workers):
        units = (no_database[worker - 1 :: workers - 1] if worker else []) + long[worker::workers]
        dealt = [item for unit in units for item in unit]
        taken = max(chunk - len(dealt), 0)
        ordered += dealt + rest[:taken]
        rest = rest[taken:]
    # The modules' runs are the first sent once the chunks are out, largest first: in their
    # place near the end of the collection, the fuzzer's 95 tests (~100 s) left one worker
    # running them alone for the half's last ~40 s.
    modules.sort(key=len, reverse=True)
    return ordered + [item for unit in modules for item in unit] + rest


def _units(items: list[pytest.Item]) -> list[list[pytest.Item]]:
    """The runs that go to one worker each: a TOGETHER module's tests, any other test alone."""
    units: list[list[pytest.Item]] = []
    for item in items:
        if units and together(units[-1][-1].nodeid, item.nodeid):
            units[-1].append(item)
        else:
            units.append([item])
    return units


def _uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(names & DATABASE_FIXTURES)


class ModulesTogether(LoadScheduling):
    """xdist's `load` scheduling, except that a run of tests sent to a worker never ends
    inside a TOGETHER module: it takes the rest of the module along."""

    def _send_tests(self, node: Any, num: int) -> None:
        pending, collection = self.pending, self.collection
        assert collection is not None
        while 0 < num < len(pending) and together(
            collection[pending[num - 1]], collection[pending[num]]
        ):
            num += 1
        super()._send_tests(node, num)


def make_scheduler(config: pytest.Config, log: Any) -> LoadScheduling | None:
    """`ModulesTogether` for xdist's default distribution; any other `--dist` as xdist has it."""
    if config.getoption("dist") != "load":
        return None
    return ModulesTogether(config, log)
