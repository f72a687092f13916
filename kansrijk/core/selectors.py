"""Reads of reference data: which district team serves an address."""

from __future__ import annotations

import re

from kansrijk.core.models import DistrictArea, Organisation

POSTCODE_DIGITS = re.compile(r"^\s*(\d{4})")


def district_team_for(postcode: str) -> Organisation | None:
    """The district team of a Dutch postcode ("3131 AB" or "3131AB"), or None when no area
    covers it."""
    match = POSTCODE_DIGITS.match(postcode or "")
    if match is None:
        return None
    digits = int(match.group(1))
    area = (
        DistrictArea.objects.filter(postcode_from__lte=digits, postcode_to__gte=digits)
        .select_related("district_team")
        .first()
    )
    return area.district_team if area else None
