"""The suite's own scheduling (tests/scheduling.py): xdist's `load` distribution of a
collection ordered by `order`, as three workers receive it, keeps each TOGETHER module on
one worker and starts each worker with its share of the longest tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests import scheduling

SEED = "tests/demo/test_seed_demo.py"
ALL_DEMOS = "tests/demo/test_all_demos.py"
FUZZ = "tests/test_api_fuzz.py"


@dataclass
class Item:
    """What `order` reads of a collected test."""

    nodeid: str
    fixturenames: tuple[str, ...] = ("db",)
    browser: bool = False
    _fixtureinfo: Any = field(default=None)

    def __post_init__(self) -> None:
        self._fixtureinfo = type("Info", (), {"name2fixturedefs": {}})()

    def get_closest_marker(self, name: str) -> object | None:
        return object() if name == "browser" and self.browser else None


@dataclass(eq=False)
class Worker:
    """A worker as the scheduler sees it: the tests sent to it, in order."""

    name: str
    received: list[str] = field(default_factory=list)
    shutting_down: bool = False

    @property
    def gateway(self) -> Any:
        return type("Gateway", (), {"id": self.name})()

    def send_runtest_some(self, indices: list[int]) -> None:
        self.received += [str(index) for index in indices]

    def shutdown(self) -> None:
        self.shutting_down = True


def collection() -> list[Item]:
    """A suite like ours: long tests, browser tests, tests without a database, and three
    TOGETHER modules of many tests: one split by a browser test in its middle, one split by
    a test that pytest-django put last, one at the end of the collection."""
    items = [Item(f"tests/a/test_{n:03}.py::test_it") for n in range(300)]
    items += [Item(f"{FUZZ}::test_{n:02}") for n in range(40)]
    items += [Item(f"tests/nodb/test_{n:02}.py::test_it", fixturenames=()) for n in range(30)]
    items[40:40] = [Item(f"{SEED}::test_{n:02}") for n in range(12)]
    items[280:280] = [Item(f"{ALL_DEMOS}::test_{n:02}") for n in range(8)]
    items.insert(284, Item(f"{ALL_DEMOS}::test_in_the_browser", browser=True))
    items += [Item(f"tests/browser/test_axe_walk.py::test_walk[{n}]") for n in range(3)]
    items += [Item(f"tests/b/test_browser_{n}.py::test_it", browser=True) for n in range(6)]
    # pytest-django moves a test that asks for no database fixture itself to the end
    items.append(Item(f"{SEED}::test_reads_the_module_data_only", fixturenames=("demo",)))
    return items


def distribute(ordered: list[str], workers: int) -> dict[str, list[str]]:
    """What xdist's controller sends each worker with `ModulesTogether`: the first runs,
    then, as the worker with the least left finishes a test, more, until none are left."""
    config: Any = type(
        "Config",
        (),
        {
            "getvalue": lambda self, name: [f"{workers}*popen"],
            "getoption": lambda self, name: None,
        },
    )()
    quiet: Any = type("Log", (), {"loadsched": lambda self, *args: None})()
    scheduler = scheduling.ModulesTogether(config, quiet)
    nodes: Any = [Worker(f"gw{n}") for n in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
    for node in nodes:
        scheduler.add_node_collection(node, ordered)
    scheduler.schedule()
    while scheduler.pending:
        node = min(nodes, key=lambda n: len(scheduler.node2pending[n]))
        scheduler.mark_test_complete(node, scheduler.node2pending[node][0])
    return {node.name: [ordered[int(i)] for i in node.received] for node in nodes}


def ordered_for(workers: int) -> list[str]:
    items: Any = collection()
    config: Any = type("Config", (), {"workerinput": {"workercount": workers}})()
    config.option = type("Option", (), {"maxschedchunk": None})()
    scheduling.order(config, items)
    return [item.nodeid for item in items]


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_a_together_module_runs_on_one_worker(workers: int) -> None:
    ordered = ordered_for(workers)
    sent = distribute(ordered, workers)
    assert sorted(t for tests in sent.values() for t in tests) == sorted(ordered)  # once
    for module, count in ((SEED, 13), (ALL_DEMOS, 9), (FUZZ, 40)):
        holders = [name for name, tests in sent.items() if any(module in t for t in tests)]
        assert len(holders) == 1, (module, holders)
        tests = [t for t in sent[holders[0]] if t.startswith(module)]
        assert len(tests) == count
        # one run: nothing else between the module's tests
        first = sent[holders[0]].index(tests[0])
        assert sent[holders[0]][first : first + count] == tests


def test_a_together_module_is_not_left_for_the_end() -> None:
    """A module's run can be long (the fuzzer's ~100 s): sent last, one worker would run it
    alone while the others wait."""
    ordered = ordered_for(3)
    plain = [i for i, t in enumerate(ordered) if t.startswith("tests/a/")]
    start = min(i for i, t in enumerate(ordered) if t.startswith(FUZZ))
    assert start < plain[len(plain) // 2]


def test_each_worker_starts_with_its_share_of_the_longest_tests() -> None:
    sent = distribute(ordered_for(3), 3)
    walks = [
        [t for t in tests[:20] if "test_axe_walk" in t] for tests in sent.values()
    ]  # fmt: skip
    assert [len(w) for w in walks] == [1, 1, 1]
    # the workers after the first begin with tests that need no database
    assert sent["gw1"][0].startswith("tests/nodb/")
    assert sent["gw2"][0].startswith("tests/nodb/")


def test_a_module_with_a_fixture_of_its_own_must_be_listed() -> None:
    item: Any = Item("tests/x/test_new.py::test_it")
    definition = type("Def", (), {"scope": "module", "baseid": "tests/x/test_new.py"})()
    definition.argname = "expensive"
    item._fixtureinfo.name2fixturedefs = {"expensive": [definition]}
    config: Any = type("Config", (), {"workerinput": {"workercount": 1}})()
    with pytest.raises(pytest.UsageError, match="TOGETHER"):
        scheduling.order(config, [item])
