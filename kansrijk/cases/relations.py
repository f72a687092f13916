"""The relations of the permission matrix that case data makes, registered with `access`.

`access` knows the matrix (role × relation × action) but no table; these filters say which
rows make a relation: the cases the user's own rows reach (read through indexes) and the
consent condition that must hold on them (access.registry.Reach).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from kansrijk.access.matrix import Relation
from kansrijk.access.registry import (
    Reach,
    Sharing,
    register_case_model,
    register_relation,
)
from kansrijk.consent.models import Purpose

if TYPE_CHECKING:
    from kansrijk.core.models import Membership, Professional

#: Consent purposes that let an outside organisation see a case through the support team.
TEAM_SHARING = Sharing(
    frozenset({Purpose.DISCUSS_IN_VOT, Purpose.SHARE_WITH_DISTRICT_TEAM, Purpose.REFERRAL}),
    team_wide=True,
)
#: Consent purposes that let an organisation see a case referred to it.
REFERRAL_SHARING = Sharing(
    frozenset({Purpose.REFERRAL, Purpose.SHARE_WITH_DISTRICT_TEAM}), team_wide=False
)


def contact_person(user: Professional, membership: Membership) -> Reach:
    from kansrijk.cases.models import Case

    return Reach(
        (Case.objects.filter(contact_person=user).values("pk").order_by(),),
        TEAM_SHARING,
    )


def support_team(user: Professional, membership: Membership) -> Reach:
    from kansrijk.cases.models import CaseMember

    team = CaseMember.objects.filter(professional=user, role=membership.role)
    return Reach(
        (team.values("case").order_by(),),
        TEAM_SHARING,
    )


def signal_author(user: Professional, membership: Membership) -> Reach:
    from kansrijk.cases.models import Signal

    return Reach((Signal.objects.filter(author=user).values("case").order_by(),))


def referral_recipient(user: Professional, membership: Membership) -> Reach:
    """A referral goes to a function of an organisation (the district team, the
    behavioural scientist …), and once a worker accepted it, to that worker: not to everyone
    who shares an employer. Only while it stands: a referral the organisation returned gives
    it nothing more. The worker who accepts it joins the support team
    (cases.effects.referral_answered)."""
    from kansrijk.cases.models import Referral

    referred = (
        Referral.objects.filter(organisation=membership.organisation_id, target=membership.role)
        .filter(Q(worker__isnull=True) | Q(worker=user))
        .exclude(answer=Referral.Answer.RETURNED)
    )
    return Reach(
        (referred.values("case").order_by(),),
        REFERRAL_SHARING,
    )


def same_location(user: Professional, membership: Membership) -> Reach:
    """A case concerns its child centre and every location a signal on it came from: a
    family with a toddler in childcare and a pupil at school has one case, and a later
    signal about either child never hides it from the other location (issue 12). Of the
    signals, those filed at the case's own centre add nothing to its cases: only the others
    are read (`Signal.at_case_location`)."""
    from kansrijk.cases.models import Case, Signal

    elsewhere = Signal.objects.filter(at_case_location=False)
    if membership.location_id is not None:
        here = Case.objects.filter(location=membership.location_id)
        signalled = elsewhere.filter(location=membership.location_id)
    else:
        here = Case.objects.filter(location__organisation=membership.organisation_id)
        signalled = elsewhere.filter(location__organisation=membership.organisation_id)
    return Reach((here.values("pk").order_by(), signalled.values("case").order_by()))


def register() -> None:
    from kansrijk.cases.models import Case

    register_case_model(Case)
    register_relation(Relation.CONTACT_PERSON, contact_person)
    register_relation(Relation.SUPPORT_TEAM, support_team)
    register_relation(Relation.SIGNAL_AUTHOR, signal_author)
    register_relation(Relation.REFERRAL_RECIPIENT, referral_recipient)
    register_relation(Relation.SAME_LOCATION, same_location)
