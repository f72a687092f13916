"""The automatic check of a school file against the criteria of the Protocol Dyslexie
Diagnostiek en Behandeling 3.0 (NKD, 2021) that a system can check. It shows the gatekeeper
what holds and what is missing; the gatekeeper decides (docs/dyslexia.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kansrijk.dyslexia.models import DyslexiaFile, Measurement, SupportPeriod

#: Achterstand: the lowest 10 % on reading, or the lowest 16 % on reading together with the
#: lowest 10 % on spelling, at three consecutive measurements.
CONSECUTIVE = 3
LOWEST = 10
LOW_READING = 16
#: Didactic resistance: at least two periods of intensive guidance at level 3 of about 12
#: weeks each; a period of 10 weeks or more counts as "about 12" (school holidays).
SUPPORT_PERIODS = 2
MIN_WEEKS = 10


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Promise
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class CheckResult:
    criteria: list[Criterion]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.criteria)

    @property
    def missing(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.passed]


def _last(measurements: Iterable[Measurement], skill: str) -> list[Measurement]:
    of_skill = sorted(
        (m for m in measurements if m.skill == skill), key=lambda m: (m.measured_on, m.pk or 0)
    )
    return of_skill[-CONSECUTIVE:]


def _percentiles(measurements: list[Measurement]) -> str:
    return ", ".join(f"P{m.percentile}" for m in measurements)


def check(
    file: DyslexiaFile,
    measurements: Iterable[Measurement],
    periods: Iterable[SupportPeriod],
    *,
    consent_given: bool,
) -> CheckResult:
    measurements = list(measurements)
    reading = _last(measurements, Measurement.Skill.READING)
    spelling = _last(measurements, Measurement.Skill.SPELLING)
    three = len({m.measured_on for m in reading}) == CONSECUTIVE
    lowest_reading = three and all(m.percentile <= LOWEST for m in reading)
    low_reading_and_spelling = (
        three
        and all(m.percentile <= LOW_READING for m in reading)
        and len({m.measured_on for m in spelling}) == CONSECUTIVE
        and all(m.percentile <= LOWEST for m in spelling)
    )
    long_periods = [p for p in periods if p.weeks >= MIN_WEEKS]
    exclusion = (
        file.hearing_checked is True
        and file.vision_checked is True
        and bool(file.iq_indication)
        and bool(file.absence)
    )
    return CheckResult(
        [
            Criterion(
                "measurements",
                _("Three consecutive reading measurements"),
                three,
                _percentiles(reading),
            ),
            Criterion(
                "lowest_10",
                _(
                    "Lowest 10 % on reading, or lowest 16 % on reading and lowest 10 % on "
                    "spelling, at each of the three"
                ),
                lowest_reading or low_reading_and_spelling,
                " / ".join(filter(None, [_percentiles(reading), _percentiles(spelling)])),
            ),
            Criterion(
                "support",
                _("Two periods of intensive guidance at level 3 of about 12 weeks"),
                len(long_periods) >= SUPPORT_PERIODS,
                ", ".join(str(p.weeks) for p in periods),
            ),
            Criterion("exclusion", _("Other causes excluded"), exclusion),
            Criterion("consent", _("The parents' consent"), consent_given),
        ]
    )
