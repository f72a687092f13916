"""Reads about accounts: an invitation by its link, and what a leaver is still responsible for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from kansrijk.accounts.models import Invitation
from kansrijk.cases.models import Case, PlanAction
from kansrijk.cases.selectors import actions_owned_by
from kansrijk.cases.workflow import CaseState

if TYPE_CHECKING:
    from kansrijk.core.models import Professional


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation of a link, whatever its state (the page tells why it no longer works)."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("professional")
        .filter(token_hash=token_hash(token))
        .first()
    )


@dataclass(frozen=True)
class Responsibilities:
    """The open work a professional must hand over before they can be deactivated."""

    cases: list[Case]
    actions: list[PlanAction]

    def __bool__(self) -> bool:
        return bool(self.cases or self.actions)


def contact_cases_of(professional: Professional) -> QuerySet[Case]:
    return (
        Case.objects.filter(contact_person=professional)
        .exclude(state=CaseState.CLOSED)
        .select_related("location")
        .order_by("pk")
    )


def responsibilities_of(professional: Professional) -> Responsibilities:
    """Open cases where they are the family's contact person, and open actions of the current
    plan versions that they own."""
    return Responsibilities(
        cases=list(contact_cases_of(professional)),
        actions=list(actions_owned_by(professional).select_related("plan__case__location")),
    )
