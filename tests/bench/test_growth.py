"""The growth measured in one run (bench/load/growth.py): each scale's median over the rounds,
and the ratio of the medians against the target of issue 17."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest

from bench.load.growth import TARGET, interleaved, summarise


def _figures(p50: float) -> dict[str, float]:
    return {"p50_ms": p50, "app_cpu_ms": p50 / 2, "db_cpu_ms": p50 / 4}


def test_the_ratio_is_of_the_medians_so_one_slow_round_does_not_decide() -> None:
    rounds = [
        {"monitor": {"small": _figures(10), "large": _figures(12)}},
        {"monitor": {"small": _figures(30), "large": _figures(11)}},  # a slow moment
        {"monitor": {"small": _figures(10), "large": _figures(13)}},
    ]
    result = summarise(rounds)
    monitor = result["pages"]["monitor"]
    assert monitor["small"]["p50_ms"] == [10, 30, 10]
    assert (monitor["small"]["median_p50_ms"], monitor["large"]["median_p50_ms"]) == (10, 12)
    assert monitor["large"]["median_app_cpu_ms"] == 6
    assert monitor["ratio"] == 1.2
    assert (result["highest_ratio"], result["within_target"], result["target"]) == (1.2, True, 1.3)


def test_a_page_over_the_target_is_named_by_the_highest_ratio() -> None:
    rounds = [
        {
            "monitor": {"small": _figures(10), "large": _figures(11)},
            "attention_list": {"small": _figures(10), "large": _figures(14)},
        }
    ]
    result = summarise(rounds)
    assert result["highest_ratio"] == 1.4 > TARGET
    assert result["within_target"] is False


class _Pages(http.server.BaseHTTPRequestHandler):
    """Two "scales" of one page: /small answers at once, /large after 20 ms; each answer
    names its CPU as the server's X-Bench headers do, and the order of the asks is kept."""

    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path == "/large":
            time.sleep(0.02)
        if self.headers.get("Cookie") != "sessionid=s" or self.path == "/gone":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("X-Bench-App-CPU-ms", "4.0" if self.path == "/small" else "6.0")
        self.send_header("X-Bench-DB-CPU-ms", "1.5")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def pages() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Pages.asked = []
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_both_scales_are_asked_in_turn_so_they_share_the_machines_moment(pages: str) -> None:
    targets = {side: (pages, f"/{side}", "sessionid=s") for side in ("small", "large")}
    result = interleaved(targets, seconds=0.2, warm_up=2)
    asked = _Pages.asked
    pairs = [asked[i : i + 2] for i in range(0, len(asked), 2)]
    # Every pair asks both, and which goes first alternates.
    assert all(sorted(pair) == ["/large", "/small"] for pair in pairs)
    assert [pair[0] for pair in pairs[:4]] == ["/small", "/large", "/small", "/large"]
    # For 0.2 s a side, 0.4 s in all: at most one pair past twenty 20 ms answers.
    assert 4 <= len(pairs) <= 21
    large, small = result["large"], result["small"]
    assert large["requests"] == small["requests"] == len(pairs) - 2  # warm-up left out
    assert large["p50_ms"] >= 20 > small["p50_ms"]
    assert (small["app_cpu_ms"], large["app_cpu_ms"], large["db_cpu_ms"]) == (4.0, 6.0, 1.5)


def test_a_page_that_does_not_answer_stops_the_measurement(pages: str) -> None:
    with pytest.raises(RuntimeError, match="/gone answered 404"):
        interleaved({"small": (pages, "/gone", "sessionid=s")}, seconds=0.1)
