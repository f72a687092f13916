"""The growth measured in one run (bench/load/growth.py): each scale's median over the rounds,
and the ratio of the medians against the target of issue 17."""

from __future__ import annotations

from bench.load.growth import TARGET, summarise


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
