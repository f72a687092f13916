"""The relations of the permission matrix that case data makes, registered with `access`.

`access` knows the matrix (role × relation × action) but no table; these filters say which
rows make a relation, as conditions on `Case` that the database answers with indexes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from kansrijk.access.matrix import Relation
from kansrijk.access.registry import register_case_model, register_relation, shared_with
from kansrijk.consent.models import Purpose

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional

#: Consent purposes that let an outside organisation see a case through the support team.
TEAM_PURPOSES: frozenset[str] = frozenset(
    {Purpose.DISCUSS_IN_VOT, Purpose.SHARE_WITH_DISTRICT_TEAM, Purpose.REFERRAL}
)
#: Consent purposes that let an organisation see a case referred to it.
REFERRAL_PURPOSES: frozenset[str] = frozenset({Purpose.REFERRAL, Purpose.SHARE_WITH_DISTRICT_TEAM})


def contact_person(user: Professional, membership: Membership) -> Q:
    return Q(contact_person=user) & shared_with(membership, TEAM_PURPOSES, team_wide=True)


def support_team(user: Professional, membership: Membership) -> Q:
    from kansrijk.cases.models import CaseMember

    team = CaseMember.objects.filter(case=OuterRef("pk"), professional=user, role=membership.role)
    return Q(Exists(team)) & shared_with(membership, TEAM_PURPOSES, team_wide=True)


def signal_author(user: Professional, membership: Membership) -> Q:
    from kansrijk.cases.models import Signal

    return Q(Exists(Signal.objects.filter(case=OuterRef("pk"), author=user)))


def referral_recipient(user: Professional, membership: Membership) -> Q:
    """A referral goes to a function of an organisation (the district team, the
    behavioural scientist …), and once a worker accepted it, to that worker: not to everyone
    who shares an employer."""
    from kansrijk.cases.models import Referral

    referred = Referral.objects.filter(
        case=OuterRef("pk"), organisation=membership.organisation_id, target=membership.role
    ).filter(Q(worker__isnull=True) | Q(worker=user))
    return Q(Exists(referred)) & shared_with(membership, REFERRAL_PURPOSES, team_wide=False)


def same_location(user: Professional, membership: Membership) -> Q:
    """A case concerns its child centre and every location a signal on it came from: a
    family with a toddler in childcare and a pupil at school has one case, and a later
    signal about either child never hides it from the other location (issue 12)."""
    from kansrijk.cases.models import Signal

    if membership.location_id is not None:
        here = Q(location=membership.location_id)
        signalled = Signal.objects.filter(case=OuterRef("pk"), location=membership.location_id)
    else:
        here = Q(location__organisation=membership.organisation_id)
        signalled = Signal.objects.filter(
            case=OuterRef("pk"), location__organisation=membership.organisation_id
        )
    return here | Q(Exists(signalled))


def register() -> None:
    from kansrijk.cases.models import Case

    register_case_model(Case)
    register_relation(Relation.CONTACT_PERSON, contact_person)
    register_relation(Relation.SUPPORT_TEAM, support_team)
    register_relation(Relation.SIGNAL_AUTHOR, signal_author)
    register_relation(Relation.REFERRAL_RECIPIENT, referral_recipient)
    register_relation(Relation.SAME_LOCATION, same_location)
