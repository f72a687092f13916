"""The BSN check (elfproef), with hypothesis."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kansrijk.cases.bsn import bsn_is_valid, validate_bsn

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(first_eight: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS, strict=True))
    digit = total % 11
    return digit if digit < 10 else None


valid_bsns = (
    st.text(alphabet="0123456789", min_size=8, max_size=8)
    .map(lambda eight: (eight, check_digit(eight)))
    .filter(lambda pair: pair[1] is not None and pair[0] + str(pair[1]) != "000000000")
    .map(lambda pair: pair[0] + str(pair[1]))
)


@given(valid_bsns)
def test_a_number_built_by_the_elfproef_is_valid(bsn):
    assert bsn_is_valid(bsn)
    validate_bsn(bsn)


@given(valid_bsns, st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_is_always_caught(bsn, position, delta):
    digits = list(bsn)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not bsn_is_valid("".join(digits))


@given(st.text(max_size=12).filter(lambda s: not (len(s) == 9 and s.isdigit() and s.isascii())))
def test_anything_but_nine_digits_is_refused(text):
    assert not bsn_is_valid(text)


@pytest.mark.parametrize(
    "value", ["000000000", "123456789", "12345678", "1234567890", "99999003a", "９９９９９００３６"]
)
def test_known_bad_numbers_are_refused_with_a_message(value):
    with pytest.raises(ValidationError) as error:
        validate_bsn(value)
    assert error.value.code == "invalid_bsn"


@pytest.mark.parametrize("value", ["999990019", "999993653", "111222333", "123456782"])
def test_known_good_numbers_pass(value):
    assert bsn_is_valid(value)
