"""Reading the consent register: what is in force, and whether a disclosure may happen."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.compiled import fetch, ids_in
from kansrijk.consent.models import Consent, LegalGround, Purpose

if TYPE_CHECKING:
    from kansrijk.cases.models import Case
    from kansrijk.core.models import Organisation


def in_force(today: datetime.date | None = None) -> Q:
    """A consent record that is the latest for its key, given, and not expired."""
    today = today or timezone.localdate()
    return Q(status=Consent.Status.GIVEN, superseded_at__isnull=True) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def sharing_condition(organisation_id: int, purposes: frozenset[str], *, team_wide: bool) -> Q:
    """Cases whose family consented to sharing with this organisation (or, when `team_wide`,
    with the support team as a whole), or on which a legal ground for it is recorded.

    Asked per case: the family's children, then their consents, through the indexes
    (child_family_ids, consent_child_in_force), stopping at the first in force; a list pays
    for its own cases. A correlated IN, not an EXISTS: PostgreSQL may plan an EXISTS as a
    hash of every consent in force in the region (issue 17: 80,929 consents × 255,360
    children, 600 ms a list) but never a correlated IN; and the families of a list's cases
    read once instead (the cases' ids read again for them) cost a specialist of 991 cases
    twice as much."""
    recipients = Q(recipient=organisation_id)
    if team_wide:
        recipients |= Q(recipient__isnull=True)
    consents = Consent.objects.filter(in_force(), purpose__in=purposes).filter(recipients)
    families = consents.filter(child__family=OuterRef("family")).values("child__family")
    grounded = LegalGround.objects.filter(case=OuterRef("pk"), organisation=organisation_id)
    return Q(family__in=families) | Q(Exists(grounded))


@dataclass(frozen=True)
class Disclosure:
    allowed: bool
    basis: str  # "own_organisation", "consent", "legal_ground" or "" when not allowed
    reason: str


#: A missing id in one half of a union (typed, so that both databases accept the NULL).
_NO_ID = Value(None, output_field=IntegerField())


def _consents_and_grounds(
    purpose: Purpose, family_ids: Iterable[int], case_ids: list[int], org_ids: list[int]
) -> list[tuple[Any, ...]]:
    """(family, recipient, None, "") of each consent in force and (None, organisation, case,
    ground) of each legal ground, as one list. On PostgreSQL compiled once a day per purpose,
    the ids arrays: the ORM built this union anew for every agenda (issue 17)."""
    today = timezone.localdate()

    def build(families: Any, cases: Any, recipients: Any) -> QuerySet[Any]:
        to = Q(recipient__in=recipients)
        if purpose == Purpose.DISCUSS_IN_VOT:
            to |= Q(recipient__isnull=True)
        consents = (
            Consent.objects.filter(in_force(today), child__family__in=families, purpose=purpose)
            .filter(to)
            .annotate(a=F("child__family_id"), b=F("recipient_id"), c=_NO_ID, d=Value(""))
            .values_list("a", "b", "c", "d")
            .order_by()  # SQLite allows no ORDER BY within a union
        )
        legal = (
            LegalGround.objects.filter(case__in=cases, organisation__in=recipients)
            .annotate(a=_NO_ID, b=F("organisation_id"), c=F("case_id"), d=F("ground"))
            .values_list("a", "b", "c", "d")
            .order_by()
        )
        return consents.union(legal, all=True)

    if connections[Consent.objects.db].vendor != "postgresql":
        return list(build(list(family_ids), case_ids, org_ids))
    return fetch(
        ("consents and grounds", purpose, today),
        Consent.objects.db,
        build,
        families=ids_in(list(family_ids)),
        cases=ids_in(case_ids),
        recipients=ids_in(org_ids),
    )


def disclosures(
    cases: Iterable[Case], *, purpose: Purpose, organisations: Iterable[Organisation]
) -> dict[tuple[int, int], Disclosure]:
    """May each case be shown to each organisation for this purpose? One query for any
    number of cases and organisations (a meeting's agenda asks for every item at once): the
    consents in force and the legal grounds, as one list."""
    cases, organisations = list(cases), list(organisations)
    family_ids = {c.family_id for c in cases}
    org_ids = [o.pk for o in organisations]
    consented: set[tuple[int, int | None]] = set()
    grounds: dict[tuple[int, int], str] = {}
    for family, recipient, case_id, ground in _consents_and_grounds(
        purpose, family_ids, [c.pk for c in cases], org_ids
    ):
        if case_id is None:
            consented.add((family, recipient))
        else:
            grounds[(case_id, recipient)] = ground
    # The answers' words, translated once for the list (an agenda asks ~50 cases × the table).
    own = Disclosure(True, "own_organisation", _("The case belongs to this organisation."))
    given = Disclosure(True, "consent", _("The parents gave consent."))
    refused = {
        o.pk: Disclosure(
            False,
            "",
            _("No consent for '%(purpose)s' with %(organisation)s.")
            % {"purpose": Purpose(purpose).label, "organisation": o.name},
        )
        for o in organisations
    }
    answers = {}
    for case in cases:
        for organisation in organisations:
            key = (case.pk, organisation.pk)
            if case.location.organisation_id == organisation.pk:
                answers[key] = own
            elif (case.family_id, None) in consented or (
                case.family_id,
                organisation.pk,
            ) in consented:
                answers[key] = given
            elif key in grounds:
                answers[key] = Disclosure(
                    True, "legal_ground", str(LegalGround.Ground(grounds[key]).label)
                )
            else:
                answers[key] = refused[organisation.pk]
    return answers


def disclosure_allowed(case: Case, *, purpose: Purpose, organisation: Organisation) -> Disclosure:
    """Asked before every disclosure: may this case go to this organisation for this purpose?"""
    return disclosures([case], purpose=purpose, organisations=[organisation])[
        (case.pk, organisation.pk)
    ]


def consents_of_family(family_id: int) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(child__family=family_id)
        .select_related("child", "recipient", "given_by", "recorded_by")
        .order_by("child__given_name", "purpose", "-recorded_at", "-id")
    )


def legal_grounds_visible_to_coordinator(location_ids: list[int]) -> QuerySet[LegalGround]:
    return (
        LegalGround.objects.filter(case__location__in=location_ids)
        .select_related("case", "organisation", "recorded_by")
        .order_by("-recorded_at")
    )
