"""The portal's part of the Westwijk demo: the first door (CJG) of the district and demo
parents with public test BSNs who can sign in at the local OpenID provider, one for each of
several states of the route (seed_demo runs this after the cases are loaded)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from kansrijk.cases.models import Case, Child, Guardian
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Location, Organisation
from kansrijk.portal.models import FirstDoor


@dataclass(frozen=True)
class DemoParent:
    bsn: str  # a public test BSN (9999…, elfproef), also the `sub` at the local provider
    state: CaseState  # the state of the case of the family the parent belongs to
    what: str  # what the parent can try in the portal
    parental_authority: bool = True
    young_person: bool = False  # a child of 12 or older on such a case, not a parent


#: Fixed, so the README can list them; the highest public test BSNs, which no demo pupil
#: keeps (seed_portal_demo takes them from any child that drew one).
DEMO_PARENTS: tuple[DemoParent, ...] = (
    DemoParent("999999916", CaseState.AWAITING_CONSENT, "answers the IB's consent question"),
    DemoParent("999999928", CaseState.IN_SUPPORT, "reads the plan, writes the family section"),
    DemoParent(
        "999999941",
        CaseState.IN_SUPPORT,
        "a parent without parental authority: sees less",
        parental_authority=False,
    ),
    DemoParent("999999953", CaseState.EVALUATED, "agrees to the plan after the evaluation"),
    DemoParent("999999965", CaseState.CLOSED, "fills in the experience questions"),
    DemoParent(
        "999999977",
        CaseState.AWAITING_CONSENT,
        "a young person of 12+: answers together with the parent, has their own thread",
        young_person=True,
    ),
)


def seed_portal_demo() -> dict[str, str]:
    """Give demo parents their BSN and open the district's first door; returns BSN → family."""
    bsns = [p.bsn for p in DEMO_PARENTS]
    Child.objects.filter(bsn__in=bsns).update(bsn=None)
    Guardian.objects.filter(bsn__in=bsns).update(bsn=None)
    cjg = Organisation.objects.filter(kind=Organisation.Kind.CJG).order_by("pk").first()
    if cjg is not None:
        for district in sorted(set(Location.objects.values_list("district", flat=True))):
            FirstDoor.objects.update_or_create(
                district=district,
                defaults={
                    "slug": district.lower().replace(" ", "-"),
                    "name": f"CJG {district}",
                    "address": "Westwijkplein 1, Vlaardingen",
                    "opening_hours": "maandag t/m vrijdag 9.00–17.00\ndonderdag ook 19.00–21.00",
                    "phone": "010 123 45 67",
                    "email": "cjg-westwijk@example.org",
                    "organisation": cjg,
                },
            )
    taken: set[int] = set()
    seeded = {}
    for parent in DEMO_PARENTS:
        if parent.young_person:
            young = _young_person_on_a_case(parent.state)
            if young is not None:
                Child.objects.filter(pk=young.pk).update(bsn=parent.bsn)
                seeded[parent.bsn] = f"{young.given_name} (young person, {parent.state.label})"
            continue
        case = (
            Case.objects.filter(state=parent.state, route=Case.Route.CARE)
            .exclude(family__in=taken if parent.parental_authority else set())
            .order_by("pk")
            .first()
        )
        if case is None:
            continue
        if parent.parental_authority:
            taken.add(case.family_id)
            guardian = case.family.guardians.order_by("pk").first()
            if guardian is None:
                continue
        else:
            guardian, _created = Guardian.objects.get_or_create(
                family=case.family,
                name="Demo-ouder zonder gezag",
                defaults={"relation": "vader", "parental_authority": False},
            )
        guardian.bsn = parent.bsn
        guardian.parental_authority = parent.parental_authority
        guardian.save(update_fields=["bsn", "parental_authority"])
        seeded[parent.bsn] = f"{case.family.name} (case {case.pk}, {parent.state.label})"
    return seeded


def _young_person_on_a_case(state: CaseState) -> Child | None:
    """The oldest child of 12 or more that a case in this state is about, if any."""
    today = timezone.localdate()
    latest_birth = today.replace(year=today.year - 12)
    return (
        Child.objects.filter(
            signals__case__state=state, date_of_birth__lte=latest_birth, left_on__isnull=True
        )
        .order_by("date_of_birth", "pk")
        .first()
    )
