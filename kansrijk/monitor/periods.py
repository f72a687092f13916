"""Periods of whole calendar months, the only periods the monitor computes figures for.

Whole months keep the number of distinct reports small (one snapshot per period) and stop
anyone from narrowing a period day by day to isolate one child by differencing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

#: The longest period the monitor computes at once.
MAX_MONTHS = 36


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: datetime.date  # the first day of the first month
    end: datetime.date  # the last day of the last month

    @classmethod
    def months(cls, first: datetime.date, last: datetime.date) -> Period:
        first, last = _month_start(first), _month_start(last)
        if last < first:
            first, last = last, first
        if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
            first = _add_months(last, -(MAX_MONTHS - 1))
        return cls(first, _add_months(last, 1) - datetime.timedelta(days=1))

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        """From "YYYY-MM" strings; ValueError when they are not months."""
        return cls.months(
            datetime.date.fromisoformat(f"{first}-01"), datetime.date.fromisoformat(f"{last}-01")
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
            raise ValueError("no such quarter")
        first = datetime.date(year, 3 * quarter - 2, 1)
        return cls.months(first, _add_months(first, 2))

    @classmethod
    def default(cls, today: datetime.date | None = None) -> Period:
        """The last twelve months, the current one included."""
        today = today or timezone.localdate()
        return cls.months(_add_months(_month_start(today), -11), today)

    @property
    def first_month(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def last_month(self) -> str:
        return self.end.strftime("%Y-%m")

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period (exclusive bound)."""
        after = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(after, datetime.time.min))

    def month_keys(self) -> list[str]:
        keys, month = [], self.start
        while month <= self.end:
            keys.append(month.strftime("%Y-%m"))
            month = _add_months(month, 1)
        return keys

    def __str__(self) -> str:
        if self.first_month == self.last_month:
            return self.first_month
        return f"{self.first_month} - {self.last_month}"
