"""The roster reads days and half-days from text the administrator typed ("1,3", "1m,2a"):
any text reads as the numbers it holds, never as an error ("²" passes str.isdigit() and
fails int(); "0\x1f" strips to "0" but int() refuses it whole)."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from kansrijk.roster.selectors import _half_days, _numbers


@given(st.text())
@example("0\x1f")  # str.strip() takes the unit separator, int() does not (found by hypothesis)
def test_any_text_reads_as_numbers_or_nothing(text: str) -> None:
    assert all(isinstance(n, int) for n in _numbers(text))
    _half_days(text)


def test_the_numbers_it_holds() -> None:
    assert _numbers("1, 3,²,x,٣,4") == frozenset({1, 3, 4})  # "٣" is a 3 too
    assert _numbers("0\x1f,2\x1c") == frozenset({0, 2})
    assert _half_days("²m") == frozenset()
