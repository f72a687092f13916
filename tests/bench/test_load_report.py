"""The load test's report (bench/load/run.py): the growth from one scale to the other names
the two runs it compares, because only runs back to back on one machine compare."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.load import run


def _report(folder: Path, scale: float, when: str, p50: float) -> None:
    pages = {page: {"users_1": {page: {"p50_ms": p50}}} for page in run.PAGES}
    machine = {"speed_probe_ms": [p50 / 2, p50 / 2 + 1]}
    data = {"scale": scale, "when": when, "machine": machine, "pages": pages}
    (folder / f"load_{scale:g}.json").write_text(json.dumps(data))


def test_the_growth_names_the_runs_it_compares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    _report(tmp_path, 0.1, "2026-12-05T00:55:00+00:00", 20.0)
    assert run._growth(0.1) is None  # one scale measured: nothing to compare

    _report(tmp_path, 1.0, "2026-12-05T00:59:45+00:00", 25.0)
    (tmp_path / "load_0.1_before.json").write_text(json.dumps({"scale": 0.1, "when": "old"}))
    growth = run._growth(1.0)

    assert growth is not None
    assert (growth["from_scale"], growth["to_scale"]) == (0.1, 1.0)
    assert growth["from_when"] == "2026-12-05T00:55:00+00:00"
    assert growth["to_when"] == "2026-12-05T00:59:45+00:00"
    assert (growth["from_speed_probe_ms"], growth["to_speed_probe_ms"]) == ([10, 11], [12.5, 13.5])
    assert growth["pages"]["monitor"] == {"small_p50_ms": 20.0, "large_p50_ms": 25.0, "ratio": 1.25}


def test_what_the_access_log_added_is_summarised_from_the_servers_figures() -> None:
    """Each sample: time, queries, app CPU, database CPU, bytes, failed, when, log ms."""
    samples = [[10.0, 8, 5.0, 2.0, 1000, 0, 1.0, log] for log in (0.2,) * 98 + (0.9, 3.0)]
    summary = run._summary(samples, seconds=1.0)
    assert summary["access_log_ms"] == {"p50": 0.2, "p95": 0.2, "p99": 3.0, "max": 3.0}

    older = [[10.0, 8, 5.0, 2.0, 1000, 0, 1.0]]  # a server without the header: no figure
    assert run._summary(older, seconds=1.0)["access_log_ms"] is None


def test_the_speed_probe_measures_cpu_time_in_milliseconds() -> None:
    probe = run.speed_probe()
    assert 1 < probe < 5000


def test_a_database_on_this_machine_is_reached_through_its_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KANSRIJK_PG_SOCKET_DIR", "/run/kansrijk-pg.x1")
    url = "postgres://kansrijk_owner:s%40cret@127.0.0.1:5433/kansrijk"
    assert (
        run.through_socket(url)
        == "postgres://kansrijk_owner:s%40cret@%2Frun%2Fkansrijk-pg.x1:5433/kansrijk"
    )
    elsewhere = "postgres://kansrijk_app@db.example.nl:5432/kansrijk"
    assert run.through_socket(elsewhere) == elsewhere  # another machine: TCP as given
    monkeypatch.delenv("KANSRIJK_PG_SOCKET_DIR")
    assert run.through_socket(url) == url


def test_the_load_tests_servers_connect_to_the_throw_away_cluster_through_its_socket() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("KANSRIJK_PG_SOCKET_DIR"):
        pytest.skip("needs the cluster of scripts/with_postgres.sh")
    import psycopg

    with psycopg.connect(run.through_socket(url)) as connection:
        # NULL for a connection through a Unix socket, the address for TCP.
        assert connection.execute("SELECT inet_server_addr()").fetchone() == (None,)
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT inet_server_addr()").fetchone() != (None,)


def test_first_views_are_each_logins_first_page_but_the_warm_ups() -> None:
    """One request per login and page, but for the login the warm-up's mix gave the page
    (user number i: page i, its login i), each with its session; the server's CPU figure."""
    import http.server
    import threading

    seen: list[tuple[str, str]] = []

    class Server(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers["Cookie"]))
            self.send_response(200)
            self.send_header("X-Bench-App-CPU-ms", self.path.rsplit("/", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    plan = {
        "pages": {
            "a": {"url": "/a/10", "logins": ["x", "y", "z"]},
            "b": {"urls": ["/b/2", "/b/4"], "logins": ["x", "y"]},
        },
        "sessions": {login: {"sessionid": login} for login in "xyz"},
    }
    try:
        found = run.first_views(f"127.0.0.1:{server.server_port}", plan)
    finally:
        server.shutdown()
    # Page a (number 0) leaves out its login 0, page b (number 1) its login 1.
    assert seen == [("/a/10", "sessionid=y"), ("/a/10", "sessionid=z"), ("/b/2", "sessionid=x")]
    assert found["views"] == 3
    assert found["per_page_mean"] == {"a": 10.0, "b": 2.0}
    assert found["app_cpu_ms"]["max"] == 10.0
