"""What the portal reads for a family member: always starting from their own family.

Never shown here: notes, steps, signals and the safety route (meldcode, Veilig Thuis) —
the portal shows the plan, the contact person, consents and the message thread only. A
young person's own thread is shown to them, never to their parents."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as When_
from django.db.models import IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Case, Child, PlanAction, PlanVersion
from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent, ConsentRequest, Purpose
from kansrijk.consent.services import GUARDIAN, YOUNG_PERSON, who_decides
from kansrijk.core.models import Membership, Organisation, Professional
from kansrijk.portal.models import FamilySection, Message
from kansrijk.portal.visitors import Visitor
from kansrijk.roster.models import PART_HOURS, Shift

#: What each consent purpose means, in one plain sentence for the family.
PURPOSE_MEANING: dict[str, Promise] = {
    Purpose.DISCUSS_IN_VOT: _(
        "The school may talk about your child in the support-team meeting with the people "
        "who help the school."
    ),
    Purpose.SHARE_WITH_DISTRICT_TEAM: _(
        "The school may tell the district team what is going on, so they can help you."
    ),
    Purpose.WARM_HANDOVER: _(
        "Your contact person may introduce you to a new helper and tell them what they know."
    ),
    Purpose.REFERRAL: _(
        "Your contact person may send what is needed to the organisation that will help further."
    ),
    Purpose.JOINT_TEAM: _(
        "The special school and the youth-care provider may work as one team for your child, "
        "with one plan."
    ),
    Purpose.DYSLEXIA_REFERRAL: _(
        "The school may send the dyslexia file to the gatekeeper and, if needed, to the "
        "dyslexia care provider."
    ),
}
#: Purposes that concern only some children: shown once there is an answer or a question.
OCCASIONAL_PURPOSES = frozenset({Purpose.JOINT_TEAM, Purpose.DYSLEXIA_REFERRAL})
#: How many weeks ahead the contact person's days at the child centre are shown.
PRESENCE_WEEKS = 2


def family_case(visitor: Visitor) -> Case | None:
    """The family's open case, or else their most recent one ("1 gezin 1 plan")."""
    open_first = When_(When(state=CaseState.CLOSED, then=Value(1)), default=Value(0),
                       output_field=IntegerField())  # fmt: skip
    return (
        Case.objects.filter(family=visitor.family_id)
        .select_related("contact_person", "location")
        .order_by(open_first, "-opened_at", "-id")
        .first()
    )


def children_of(visitor: Visitor) -> list[Child]:
    """The children this family member sees: all of the family, or a young person's self."""
    if visitor.young_person is not None:
        return [visitor.young_person]
    return list(Child.objects.filter(family=visitor.family_id).order_by("date_of_birth", "pk"))


def current_plan(case: Case) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(case=case)
        .select_related("family_section")
        .prefetch_related(
            "goals",
            Prefetch("actions", queryset=PlanAction.objects.select_related("owner")),
            "responses__guardian",
        )
        .order_by("-number")
        .first()
    )


def section_text(plan: PlanVersion) -> FamilySection | None:
    """The family section of this version, or the last one written for an earlier version."""
    own = getattr(plan, "family_section", None)
    if own is not None:
        return own
    return (
        FamilySection.objects.filter(plan__case=plan.case_id, plan__number__lt=plan.number)
        .order_by("-plan__number")
        .first()
    )


@dataclass
class Presence:
    date: datetime.date
    start: datetime.time
    end: datetime.time
    location: str


@dataclass
class ContactPerson:
    professional: Professional
    organisations: list[Organisation]
    presence: list[Presence] = field(default_factory=list)


def contact_person(case: Case, today: datetime.date | None = None) -> ContactPerson:
    """Name, organisation, how to reach them, and their days at the child centre (roster)."""
    today = today or timezone.localdate()
    person = case.contact_person
    organisations = sorted(
        {m.organisation for m in Membership.objects.filter(professional=person)
         .select_related("organisation")},
        key=lambda o: o.name,
    )  # fmt: skip
    shifts = (
        Shift.objects.filter(
            person=person,
            date__gte=today,
            date__lt=today + datetime.timedelta(weeks=PRESENCE_WEEKS),
        )
        .select_related("location")
        .order_by("date", "part")
    )
    presence = [
        Presence(s.date, *PART_HOURS[s.part], location=s.location.name)
        for s in shifts
        if s.part in PART_HOURS
    ]
    return ContactPerson(person, organisations, presence)


@dataclass
class ConsentRow:
    child: Child
    purpose: str
    recipient: Organisation | None
    meaning: Promise
    current: Consent | None
    question: ConsentRequest | None
    can_answer: bool  # this family member has a say for this child
    awaiting_other: bool  # they answered; the other party has not yet

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label)

    @property
    def status(self) -> str:
        return self.current.status if self.current else ""


def consent_rows(visitor: Visitor) -> list[ConsentRow]:
    """Every purpose × recipient × child: the answer in force, and any open question."""
    children = children_of(visitor)
    ids = [c.pk for c in children]
    current = {
        (c.child_id, c.purpose, c.recipient_id): c
        for c in Consent.objects.filter(child__in=ids, superseded_at__isnull=True).select_related(
            "given_by", "recipient", "recorded_by"
        )
    }
    questions = {
        (q.child_id, q.purpose, q.recipient_id): q
        for q in ConsentRequest.objects.filter(
            child__in=ids, answered_at__isnull=True
        ).select_related("recipient")
    }
    recipients: dict[int | None, Organisation | None] = {None: None}
    items: list[Any] = [*current.values(), *questions.values()]
    for item in items:
        recipients.setdefault(item.recipient_id, item.recipient)
    party = YOUNG_PERSON if visitor.young_person is not None else GUARDIAN
    rows = []
    for child in children:
        deciders = who_decides(child)
        if deciders == {YOUNG_PERSON} and party == GUARDIAN:
            continue  # from 16 the young person decides alone, and their parents are not told
        say = party in deciders and (party == YOUNG_PERSON or visitor.has_authority)
        for purpose in Purpose:
            keys = [(child.pk, purpose.value, r) for r in recipients]
            found = [k for k in keys if k in current or k in questions]
            if not found and purpose in OCCASIONAL_PURPOSES:
                continue
            for key in found or [(child.pk, purpose.value, None)]:
                question = questions.get(key)
                answered = question is not None and bool(
                    question.child_answer if party == YOUNG_PERSON else question.guardian_answer
                )
                rows.append(
                    ConsentRow(
                        child=child,
                        purpose=purpose.value,
                        recipient=recipients[key[2]],
                        meaning=PURPOSE_MEANING[purpose],
                        current=current.get(key),
                        question=question,
                        can_answer=say,
                        awaiting_other=answered,
                    )
                )
    return rows


def open_questions(visitor: Visitor) -> list[ConsentRow]:
    """The consent questions this family member still has to answer."""
    return [
        r for r in consent_rows(visitor) if r.question and r.can_answer and not r.awaiting_other
    ]


def thread(case: Case, visitor: Visitor) -> QuerySet[Message]:
    """The family's thread for parents; a young person's own thread for the young person."""
    messages = Message.objects.filter(case=case).select_related(
        "professional", "guardian", "young_person"
    )
    if visitor.young_person is not None:
        return messages.filter(young_person=visitor.young_person)
    return messages.filter(young_person__isnull=True)


def case_thread(case: Case) -> QuerySet[Message]:
    """Every message on the case, for the professionals' case page."""
    return Message.objects.filter(case=case).select_related(
        "professional", "guardian", "young_person"
    )


def match_registrations(visitor: Visitor) -> list[Any]:
    """Which organisations registered involvement with the family's children (a young person:
    with them) in the match register, from when to when; never why (kansrijk.matches)."""
    from kansrijk.matches.selectors import family_registrations

    return family_registrations(children_of(visitor))
