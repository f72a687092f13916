"""The automatic check: what the system checks of the protocol's criteria (docs/dyslexia.md)."""

from __future__ import annotations

import datetime

from kansrijk.dyslexia.criteria import check
from kansrijk.dyslexia.models import DyslexiaFile, Measurement, SupportPeriod

START = datetime.date(2025, 1, 13)


def _measurements(skill: str, *percentiles: int) -> list[Measurement]:
    return [
        Measurement(
            measured_on=START + datetime.timedelta(weeks=20 * i),
            test="dmt",
            skill=skill,
            percentile=p,
        )
        for i, p in enumerate(percentiles)
    ]


def _periods(*weeks: int) -> list[SupportPeriod]:
    return [
        SupportPeriod(started_on=START, ended_on=START + datetime.timedelta(weeks=w)) for w in weeks
    ]


def _file(**kwargs: object) -> DyslexiaFile:
    values = {
        "hearing_checked": True,
        "vision_checked": True,
        "iq_indication": "average_or_above",
        "absence": "normal",
        **kwargs,
    }
    return DyslexiaFile(**values)


def _passed(result: object) -> dict[str, bool]:
    return {c.code: c.passed for c in result.criteria}  # type: ignore[attr-defined]


def test_a_complete_file_passes() -> None:
    result = check(
        _file(), _measurements("reading", 9, 7, 10), _periods(12, 12), consent_given=True
    )
    assert result.passed
    assert result.missing == []


def test_two_measurements_are_not_three() -> None:
    result = check(_file(), _measurements("reading", 5, 5), _periods(12, 12), consent_given=True)
    assert _passed(result) == {
        "measurements": False,
        "lowest_10": False,
        "support": True,
        "exclusion": True,
        "consent": True,
    }


def test_the_last_three_count() -> None:
    """An early good score does not count once three later ones are in the lowest 10 %."""
    measurements = _measurements("reading", 40, 9, 8, 6)
    assert check(_file(), measurements, _periods(12, 12), consent_given=True).passed


def test_reading_above_ten_needs_spelling_in_the_lowest_ten() -> None:
    reading = _measurements("reading", 14, 15, 16)
    alone = check(_file(), reading, _periods(12, 12), consent_given=True)
    assert not _passed(alone)["lowest_10"]
    with_spelling = reading + _measurements("spelling", 5, 9, 10)
    assert _passed(check(_file(), with_spelling, _periods(12, 12), consent_given=True))["lowest_10"]
    weak_spelling = reading + _measurements("spelling", 5, 12, 10)
    assert not _passed(check(_file(), weak_spelling, _periods(12, 12), consent_given=True))[
        "lowest_10"
    ]


def test_reading_above_sixteen_never_qualifies() -> None:
    measurements = _measurements("reading", 17, 8, 8) + _measurements("spelling", 1, 1, 1)
    assert not _passed(check(_file(), measurements, _periods(12, 12), consent_given=True))[
        "lowest_10"
    ]


def test_support_needs_two_periods_of_about_twelve_weeks() -> None:
    reading = _measurements("reading", 5, 5, 5)
    assert not _passed(check(_file(), reading, _periods(12), consent_given=True))["support"]
    assert not _passed(check(_file(), reading, _periods(12, 6), consent_given=True))["support"]
    assert _passed(check(_file(), reading, _periods(10, 11), consent_given=True))["support"]


def test_exclusion_and_consent() -> None:
    reading = _measurements("reading", 5, 5, 5)
    unanswered = check(_file(vision_checked=None), reading, _periods(12, 12), consent_given=False)
    assert _passed(unanswered)["exclusion"] is False
    assert _passed(unanswered)["consent"] is False
    assert not check(_file(absence=""), reading, _periods(12, 12), consent_given=True).passed
