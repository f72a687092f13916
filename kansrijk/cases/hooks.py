"""What other apps do when a case opens a signal or closes, registered here instead of imported
(like workflow.CLOSING_CHECKS), so that cases imports none of them. Each hook runs inside the
case's transaction with the acting professional."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kansrijk.cases.models import Case, Signal
    from kansrijk.core.models import Professional

#: Called after a signal opened or joined a case: hook(case=, signal=, by=).
SIGNAL_FILED: list[Callable[..., Any]] = []
#: Called after a case was closed: hook(case=, by=).
CASE_CLOSED: list[Callable[..., Any]] = []


def signal_filed(*, case: Case, signal: Signal, by: Professional) -> None:
    for hook in SIGNAL_FILED:
        hook(case=case, signal=signal, by=by)


def case_closed(*, case: Case, by: Professional) -> None:
    for hook in CASE_CLOSED:
        hook(case=case, by=by)
