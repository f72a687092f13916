"""The roster reads days and half-days from text the administrator typed ("1,3", "1m,2a"):
any text reads as the numbers it holds, never as an error ("²" passes str.isdigit() and
fails int())."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kansrijk.roster.selectors import _half_days, _numbers


@given(st.text())
def test_any_text_reads_as_numbers_or_nothing(text: str) -> None:
    assert all(isinstance(n, int) for n in _numbers(text))
    _half_days(text)


def test_the_numbers_it_holds() -> None:
    assert _numbers("1, 3,²,x,٣,4") == frozenset({1, 3, 4})  # "٣" is a 3 too
    assert _half_days("²m") == frozenset()
