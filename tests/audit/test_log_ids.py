"""A list read is logged whole: every id shown, in as many entries as the ids need."""

from __future__ import annotations

import pytest

from kansrijk.audit.models import AccessLogEntry
from kansrijk.audit.paging import log_ids

pytestmark = pytest.mark.django_db


def _logged(purpose: str) -> tuple[list[str], list[int]]:
    details = list(
        AccessLogEntry.objects.filter(purpose=purpose)
        .order_by("id")
        .values_list("detail", flat=True)
    )
    ids = [
        int(pk)
        for detail in details
        for pk in detail.removeprefix("cases ").split(" (part")[0].split(",")
        if pk != "none"
    ]
    return details, ids


def test_ids_that_fill_more_than_nine_entries_are_all_logged_in_order() -> None:
    ids = list(range(10**6, 10**6 + 1000))  # 8 characters each: 17 entries of 500
    log_ids(ids, by=None, purpose="many", opening="cases ", username="test")
    details, logged = _logged("many")
    assert len(details) > 10 and all(len(d) <= 500 for d in details)
    assert details[9].endswith(f" (part 10/{len(details)})")
    assert logged == ids


def test_an_empty_list_is_logged_as_none_and_a_short_one_in_one_entry() -> None:
    log_ids([], by=None, purpose="empty list", opening="cases ", username="test")
    log_ids([3, 1, 2], by=None, purpose="short list", opening="cases ", username="test")
    assert _logged("empty list") == (["cases none"], [])
    assert _logged("short list") == (["cases 3,1,2"], [3, 1, 2])
