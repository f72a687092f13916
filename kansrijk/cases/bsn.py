"""The BSN (burgerservicenummer) check: nine digits that pass the elfproef."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def bsn_is_valid(value: str) -> bool:
    """True for nine digits whose weighted sum (9..2, then -1) is a multiple of 11, not all zero."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    if value == "000000000":
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:8], range(9, 1, -1), strict=True)
    )
    total -= int(value[8])
    return total % 11 == 0


def validate_bsn(value: str) -> None:
    if not bsn_is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid BSN: it needs nine digits that pass the elfproef."),
            code="invalid_bsn",
            params={"value": value},
        )
