"""About 60 demo cases over every state of the zorgroute, made through the real services.

Each case follows a script of service calls (signal, plan, consent, check, support,
evaluation, escalation, closing) by the professional whose step it is, so its steps,
consents, support team and access-log entries are the real ones. The services stamp
everything "now"; afterwards each action's rows are moved back to the action's planned
moment with queryset updates, so lead times spread over the last ten months and some cases
stall. The access log is never touched: it is append-only and hash-chained, and it records
truthfully that the demo was loaded today.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, ForeignKey, Model
from django.utils import timezone

from kansrijk.cases import services
from kansrijk.cases.models import (
    Case,
    CaseMember,
    Child,
    ContactPersonAssignment,
    FamilyContact,
    Note,
    PlanAction,
    PlanVersion,
    Referral,
    Signal,
    Step,
)
from kansrijk.cases.workflow import CaseState, DistrictTeamCheck, EscalationTarget, Outcome
from kansrijk.consent.models import Consent
from kansrijk.core.models import Professional
from kansrijk.demo import texts
from kansrijk.demo.people import CENTRE_CODES, Westwijk
from kansrijk.demo.pupils import DemoFamily

CASE_SEED = 20211224
S = CaseState
O = Outcome  # noqa: E741
E = EscalationTarget


@dataclass(frozen=True)
class CaseSpec:
    """Where a demo case ends up and what happens on the way there."""

    target: CaseState
    outcome: str = ""
    refused: bool = False  # the parents refused consent for the support-team meeting
    escalate_to: str = ""
    known: bool = False  # the district team already knows the family
    rounds: int = 0  # extra rounds of support after an evaluation
    joins: int = 0  # signals about a sibling that join the case
    childcare_join: bool = False  # the joining signal comes from childcare, about a toddler
    stalled: bool = False  # no step for longer than KANSRIJK_STALLED_AFTER_DAYS
    meldcode: int = 0  # meldcode steps taken (kansrijk.safety); 5 means reported to VT


SPECS: tuple[CaseSpec, ...] = (
    CaseSpec(S.SIGNALLED),
    CaseSpec(S.SIGNALLED),
    CaseSpec(S.SIGNALLED),
    CaseSpec(S.SIGNALLED),
    CaseSpec(S.SIGNALLED, joins=1),
    CaseSpec(S.SIGNALLED, stalled=True),
    CaseSpec(S.SCHOOL_PLAN),
    CaseSpec(S.SCHOOL_PLAN),
    CaseSpec(S.SCHOOL_PLAN),
    CaseSpec(S.SCHOOL_PLAN, refused=True),
    CaseSpec(S.SCHOOL_PLAN, refused=True),
    CaseSpec(S.SCHOOL_PLAN, stalled=True),
    CaseSpec(S.AWAITING_CONSENT),
    CaseSpec(S.AWAITING_CONSENT),
    CaseSpec(S.AWAITING_CONSENT),
    CaseSpec(S.AWAITING_CONSENT),
    CaseSpec(S.AWAITING_CONSENT, stalled=True),
    CaseSpec(S.ON_ATTENTION_LIST),
    CaseSpec(S.ON_ATTENTION_LIST),
    CaseSpec(S.ON_ATTENTION_LIST),
    CaseSpec(S.ON_ATTENTION_LIST),
    CaseSpec(S.ON_ATTENTION_LIST, joins=1),
    CaseSpec(S.ON_ATTENTION_LIST, stalled=True),
    CaseSpec(S.CHECKED),
    CaseSpec(S.CHECKED),
    CaseSpec(S.CHECKED, known=True),
    CaseSpec(S.CHECKED, known=True),
    CaseSpec(S.CHECKED, stalled=True),
    CaseSpec(S.IN_SUPPORT),
    CaseSpec(S.IN_SUPPORT),
    CaseSpec(S.IN_SUPPORT),
    CaseSpec(S.IN_SUPPORT, known=True),
    CaseSpec(S.IN_SUPPORT),
    CaseSpec(S.IN_SUPPORT, rounds=1),
    CaseSpec(S.IN_SUPPORT, joins=1, childcare_join=True),
    CaseSpec(S.IN_SUPPORT, stalled=True),
    CaseSpec(S.IN_SUPPORT, known=True, stalled=True),
    CaseSpec(S.EVALUATED),
    CaseSpec(S.EVALUATED),
    CaseSpec(S.EVALUATED, known=True),
    CaseSpec(S.EVALUATED, rounds=1),
    CaseSpec(S.ESCALATED, escalate_to=E.DISTRICT_TEAM, meldcode=2),
    CaseSpec(S.ESCALATED, escalate_to=E.PSYCHOLOGIST),
    CaseSpec(S.ESCALATED, escalate_to=E.BEHAVIOURAL_SCIENTIST),
    CaseSpec(S.ESCALATED, escalate_to=E.DISTRICT_TEAM, known=True, stalled=True),
    CaseSpec(S.ESCALATED, escalate_to=E.PSYCHOLOGIST, joins=1),
    CaseSpec(S.CLOSED, O.SCHOOL_ALONE),
    CaseSpec(S.CLOSED, O.SCHOOL_ALONE, refused=True),
    CaseSpec(S.CLOSED, O.STAYED_REGULAR),
    CaseSpec(S.CLOSED, O.STAYED_REGULAR),
    CaseSpec(S.CLOSED, O.STAYED_REGULAR, rounds=1),
    CaseSpec(S.CLOSED, O.WITH_FAMILY_SPECIALIST),
    CaseSpec(S.CLOSED, O.WITH_FAMILY_SPECIALIST),
    CaseSpec(S.CLOSED, O.WITH_FAMILY_SPECIALIST, known=True, joins=1),
    CaseSpec(S.CLOSED, O.SPECIAL_EDUCATION),
    CaseSpec(S.CLOSED, O.SPECIAL_EDUCATION),
    CaseSpec(S.CLOSED, O.SPECIALIST_YOUTH_CARE, escalate_to=E.PSYCHOLOGIST),
    CaseSpec(S.CLOSED, O.SPECIALIST_YOUTH_CARE, escalate_to=E.BEHAVIOURAL_SCIENTIST),
    CaseSpec(S.CLOSED, O.VEILIG_THUIS, escalate_to=E.DISTRICT_TEAM, meldcode=5),
    CaseSpec(S.CLOSED, O.MOVED_AWAY),
    # Advice was enough (seed 003); after a report, waiting for Veilig Thuis's answer.
    CaseSpec(S.CLOSED, O.ADVICE_GIVEN),
    CaseSpec(S.AWAITING_VEILIG_THUIS, escalate_to=E.DISTRICT_TEAM, meldcode=5),
    # The 0–4 route (issue 12): a childcare signal about a toddler, taken up by the CJG.
    CaseSpec(S.EARLY_CONSULTATION),
    CaseSpec(S.EARLY_SUPPORT),
    # Escalated to child protection (seed 001: Jeugdbescherming stays for the most vulnerable).
    CaseSpec(S.ESCALATED, escalate_to=E.CHILD_PROTECTION),
)

#: How many days ago a case in this state was opened (a range), when it has not stalled.
OPENED_DAYS_AGO: dict[str, tuple[int, int]] = {
    S.SIGNALLED: (1, 8),
    S.SCHOOL_PLAN: (10, 40),
    S.AWAITING_CONSENT: (12, 45),
    S.ON_ATTENTION_LIST: (20, 60),
    S.CHECKED: (25, 75),
    S.IN_SUPPORT: (40, 180),
    S.EVALUATED: (60, 200),
    S.ESCALATED: (80, 240),
    S.AWAITING_VEILIG_THUIS: (80, 240),
    S.CLOSED: (60, 300),
    S.EARLY_CONSULTATION: (5, 20),
    S.EARLY_SUPPORT: (20, 60),
}
#: The states of the 0–4 route: opened by the childcare worker about a toddler.
EARLY = frozenset({S.EARLY_CONSULTATION, S.EARLY_SUPPORT})

#: The models whose rows each kind of action stamps with "now"; all their date-time fields
#: that the action set are moved back to the action's moment afterwards.
_STEP: tuple[type[Model], ...] = (Step, Case)
STAMPS: dict[str, tuple[type[Model], ...]] = {
    "signal": (*_STEP, Signal, ContactPersonAssignment, CaseMember),
    "plan": (PlanVersion, Case, CaseMember),
    "consent_given": (*_STEP, Consent, CaseMember),
    "consent_refused": (*_STEP, Consent),
    "start_support": (*_STEP, ContactPersonAssignment, CaseMember),
    "escalate": (*_STEP, Referral, PlanVersion, CaseMember, Consent),
    "close": _STEP,
    "note": (Note,),
    "contact": (FamilyContact, Case),
    "tick": (),
}

_DOMAIN_WEIGHTS = {
    Signal.Domain.LEARNING: 25,
    Signal.Domain.BEHAVIOUR: 25,
    Signal.Domain.DEVELOPMENT: 10,
    Signal.Domain.HOME: 15,
    Signal.Domain.HEALTH: 8,
    Signal.Domain.ATTENDANCE: 10,
    Signal.Domain.MONEY_HOUSING: 7,
}
_ESCALATION_WORKER: dict[str, str] = {
    E.DISTRICT_TEAM: "wijkteam",
    E.PSYCHOLOGIST: "psycholoog",
    E.BEHAVIOURAL_SCIENTIST: "gedragswetenschapper",
    E.CHILD_PROTECTION: "jeugdbeschermer",
}

Run = Callable[[datetime.datetime], None]


@dataclass(frozen=True)
class Action:
    """One service call of a script and what it stamps."""

    run: Run
    stamps: tuple[type[Model], ...]


@dataclass(frozen=True)
class DemoCase:
    case_id: int
    spec: CaseSpec
    family: DemoFamily


class CaseScript:
    """The service calls that take one family's case to its spec, and when each happened."""

    def __init__(
        self, westwijk: Westwijk, rng: random.Random, spec: CaseSpec, family: DemoFamily
    ) -> None:
        self.w = westwijk
        self.rng = rng
        self.spec = spec
        self.family = family
        self.centre = family.centre
        self.child = family.toddlers[0] if spec.target in EARLY else family.pupils[0]
        self.name = self.child.given_name
        self.case_id = 0
        self.domain = rng.choices(list(_DOMAIN_WEIGHTS), weights=list(_DOMAIN_WEIGHTS.values()))[0]
        if spec.outcome == O.VEILIG_THUIS:
            self.domain = Signal.Domain.HOME
        self.actions: list[Action] = []

    # people ------------------------------------------------------------------------------

    @property
    def guardian_id(self) -> int | None:
        """The parent with parental authority who answers the consent questions."""
        guardian = next((g for g in self.family.guardians if g.parental_authority), None)
        return guardian.pk if guardian else None

    def staff(self, username: str) -> Professional:
        return self.w.staff[username]

    @property
    def ib(self) -> Professional:
        return self.staff(f"ib.{self.centre}")

    @property
    def gs(self) -> Professional:
        return self.staff(f"gs.{self.centre}")

    def teacher(self, child: Child) -> Professional:
        return self.w.teacher_for(self.centre, int(child.group))

    def pick(self, *weighted: tuple[str, int]) -> Professional:
        names = [n for n, _ in weighted]
        return self.staff(self.rng.choices(names, weights=[w for _, w in weighted])[0])

    # the script --------------------------------------------------------------------------

    def build(self) -> list[Action]:
        spec, add = self.spec, self.actions.append
        if spec.target in EARLY:
            nurse = self.staff("verpleegkundige")
            author = self.staff(f"kinderopvang.{self.centre}")
            add(self.signal(author, self.child, joined=False))
            add(self.transition(nurse, "jgz_consultation"))
            if spec.target == S.EARLY_SUPPORT:
                add(self.transition(nurse, "vve_indication", data={"programme": "Piramide"}))
                add(self.transition(self.gs, "offer_parent_activities", data={"parent_room": True}))
            return self.actions
        add(Action(self.open, STAMPS["signal"]))
        if spec.target != S.SIGNALLED:
            add(Action(self.plan, STAMPS["plan"]))
            add(self.transition(self.ib, "make_plan"))
        if spec.target == S.SCHOOL_PLAN and not spec.refused:
            pass
        elif spec.outcome == O.ADVICE_GIVEN:
            add(self.contact(self.ib, texts.CONTACTS[3]))
            add(self.transition(self.ib, "advice_given", comment="Het advies was genoeg."))
        elif (
            spec.outcome in {O.SCHOOL_ALONE, O.MOVED_AWAY}
            and not spec.refused
            and (spec.outcome == O.SCHOOL_ALONE or self.rng.random() < 0.5)
        ):
            add(self.contact(self.ib, texts.CONTACTS[3]))
            add(self.close(self.ib))
        elif spec.target != S.SIGNALLED:
            self._consent_and_beyond()
        self._insert_joins()
        return self.actions

    def _consent_and_beyond(self) -> None:
        spec, add = self.spec, self.actions.append
        add(self.transition(self.ib, "ask_consent"))
        add(
            self.contact(
                self.ib, (FamilyContact.Channel.PHONE, self.rng.choice(texts.CONSENT_NOTES))
            )
        )
        if spec.target == S.AWAITING_CONSENT:
            return
        method = self.rng.choice(["verbal", "paper", "portal"])
        data = {"method": method, "guardian": self.guardian_id}
        if spec.refused:
            add(
                self.contact(
                    self.ib, (FamilyContact.Channel.PHONE, self.rng.choice(texts.REFUSAL_NOTES))
                )
            )
            add(self.transition(self.ib, "consent_refused", data=data))
            if spec.target == S.CLOSED:
                add(self.contact(self.ib, texts.CONTACTS[3]))
                add(self.close(self.ib))
            return
        add(self.transition(self.ib, "consent_given", data=data))
        if spec.target == S.ON_ATTENTION_LIST:
            return
        add(self.note(self.staff("swv"), "Op de aandachtslijst gezet; besproken met de GS."))
        check: dict[str, Any] = {"district_team_check": DistrictTeamCheck.NOT_KNOWN}
        if spec.known:
            worker = self.staff("wijkteam")
            check = {
                "district_team_check": DistrictTeamCheck.ALREADY_KNOWN,
                "known_team": worker.memberships.filter(role="district_team")
                .values_list("organisation_id", flat=True)
                .first(),
                "known_worker": worker.pk,
                "approach": self.rng.choice(texts.KNOWN_APPROACHES),
            }
        add(self.transition(self.gs, "check_district_team", data=check))
        if spec.target == S.CHECKED:
            return
        add(self.transition(self.gs, "start_support"))
        add(Action(self.tick_first_action, STAMPS["tick"]))
        add(self.contact(self.gs))
        if self.rng.random() < 0.6:
            add(self.contact(self.gs))
        for _ in range(spec.rounds):
            add(self.evaluate(texts.EVALUATIONS[1]))
            add(self.transition(self.gs, "continue_support"))
            add(self.contact(self.gs))
        if spec.target == S.IN_SUPPORT:
            return
        if spec.escalate_to:
            add(self.evaluate(texts.EVALUATIONS[2]))
            add(Action(self.escalate, STAMPS["escalate"]))
            if spec.escalate_to == E.CHILD_PROTECTION:  # for the demo's user to answer
                add(self.contact(self.gs, texts.CONTACTS[2]))
            else:
                add(self.take_referral(self.staff(_ESCALATION_WORKER[spec.escalate_to])))
            self.actions += self.meldcode()
            if spec.target == S.ESCALATED:
                return
            if spec.target == S.AWAITING_VEILIG_THUIS:
                add(self.transition(self.gs, "await_veilig_thuis"))
                return
            add(self.evaluate(texts.EVALUATIONS[3]))
        else:
            add(self.evaluate(self.rng.choice([texts.EVALUATIONS[0], texts.EVALUATIONS[3]])))
        if spec.target == S.EVALUATED:
            return
        closer = (
            self.staff("swv")
            if spec.outcome == O.SPECIAL_EDUCATION
            else self.pick(("regisseur", 5), (f"ib.{self.centre}", 3), (f"gs.{self.centre}", 2))
        )
        add(self.close(closer))

    def _insert_joins(self) -> None:
        siblings = self.family.toddlers if self.spec.childcare_join else self.family.pupils[1:]
        for child in siblings[: self.spec.joins]:
            author = (
                self.staff(f"kinderopvang.{self.centre}")
                if self.spec.childcare_join
                else self.teacher(child)
            )
            position = min(len(self.actions), self.rng.choice([1, 2]))
            self.actions.insert(position, self.signal(author, child, joined=True))

    # the actions ------------------------------------------------------------------------

    def open(self, at: datetime.datetime) -> None:
        author = self.teacher(self.child)
        if self.domain == Signal.Domain.HEALTH and self.rng.random() < 0.6:
            author = self.staff("verpleegkundige")
        elif self.domain == Signal.Domain.HOME and self.rng.random() < 0.2:
            author = self.staff(f"ib.{self.centre}")  # the GS picks pupils only through cases
        self.signal(author, self.child, joined=False).run(at)

    def signal(self, author: Professional, child: Child, *, joined: bool) -> Action:
        def act(at: datetime.datetime) -> None:
            domain = self.domain if not joined else self.rng.choice(list(_DOMAIN_WEIGHTS))
            urgency = self.rng.choices(["low", "normal", "high"], weights=[3, 6, 1])[0]
            if self.spec.outcome == O.VEILIG_THUIS:
                urgency = "high"
            text = self.rng.choice(texts.SIGNALS[domain]).format(name=child.given_name)
            signal = services.signal_create(
                by=author,
                child=child,
                domain=domain,
                urgency=urgency,
                description=text,
                parents_agree=True,
            )
            self.case_id = signal.case_id

        return Action(act, STAMPS["signal"])

    def plan(self, at: datetime.datetime) -> None:
        approach, goals, actions = texts.PLANS[self.domain]
        day = at.date()
        services.plan_create_version(
            by=self.ib,
            case_id=self.case_id,
            summary=approach,
            evaluation_date=day + datetime.timedelta(weeks=6),
            as_of=day,
            goals=[g.format(name=self.name) for g in goals],
            actions=[
                {
                    "description": text.format(name=self.name),
                    "owner": self.teacher(self.child) if index % 2 == 0 else self.ib,
                    "due_date": day + datetime.timedelta(weeks=2 + index),
                }
                for index, text in enumerate(actions)
            ],
        )

    def meldcode(self) -> list[Action]:
        """The meldcode's steps on this case, and the report to Veilig Thuis after step 5."""
        if not self.spec.meldcode:
            return []
        try:
            from kansrijk.safety import services as safety
        except ModuleNotFoundError:  # the safety route is not part of this build
            return []
        everything = tuple(_stamped_models())

        def start(at: datetime.datetime) -> None:
            safety.meldcode_start(by=self.gs, case_id=self.case_id)

        def step(number: int) -> Run:
            summary, data = texts.MELDCODE_STEPS[number - 1]

            def act(at: datetime.datetime) -> None:
                safety.meldcode_step(
                    by=self.gs,
                    case_id=self.case_id,
                    number=number,
                    summary=summary.format(name=self.name),
                    data=data,
                )

            return act

        def report(at: datetime.datetime) -> None:
            safety.meldcode_report(
                by=self.gs,
                case_id=self.case_id,
                reported_on=at.date(),
                reference=f"VT-{at:%Y}-{self.case_id:04d}",
                note="Melding gedaan na overleg met het wijkteam.",
            )

        actions = [Action(start, everything)]
        actions += [Action(step(n), everything) for n in range(1, self.spec.meldcode + 1)]
        if self.spec.meldcode == 5:
            actions.append(Action(report, everything))
        return actions

    def tick_first_action(self, at: datetime.datetime) -> None:
        action = (
            PlanAction.objects.filter(plan__case_id=self.case_id)
            .select_related("owner")
            .order_by("plan__number", "position")
            .first()
        )
        if action is not None and action.owner is not None:
            services.plan_action_set_done(by=action.owner, action_id=action.pk, done=True)

    def transition(
        self, by: Professional, name: str, comment: str = "", data: dict[str, Any] | None = None
    ) -> Action:
        def act(at: datetime.datetime) -> None:
            services.case_transition(
                by=by, case_id=self.case_id, name=name, comment=comment, data=data
            )

        return Action(act, STAMPS.get(name, _STEP))

    def evaluate(self, text: str) -> Action:
        by = self.pick(("regisseur", 5), (f"ib.{self.centre}", 3), ("swv", 2))
        return self.transition(by, "evaluate", comment=text.format(name=self.name))

    def escalate(self, at: datetime.datetime) -> None:
        by = self.pick((f"gs.{self.centre}", 3), ("regisseur", 2))
        goal = texts.ESCALATION_GOALS[self.spec.escalate_to].format(name=self.name)
        services.case_transition(
            by=by,
            case_id=self.case_id,
            name="escalate",
            comment="Opgeschaald met een plan op maat.",
            data={
                "escalated_to": self.spec.escalate_to,
                "plan_goal": goal,
                "referral_consent": self.rng.choice(["verbal", "paper"]),
                "guardian": self.guardian_id,
            },
        )

    def take_referral(self, worker: Professional) -> Action:
        """The referred worker accepts the referral (and so joins the support team) and calls
        the family."""
        channel, summary = texts.CONTACTS[2]

        def act(at: datetime.datetime) -> None:
            referral = Referral.objects.get(case=self.case_id, answer=Referral.Answer.PENDING)
            services.referral_answer(by=worker, referral_id=referral.pk, accept=True)
            services.family_contact_log(
                by=worker, case_id=self.case_id, channel=channel, summary=summary, happened_at=at
            )

        return Action(act, (Referral, CaseMember, *STAMPS["contact"]))

    def close(self, by: Professional) -> Action:
        def act(at: datetime.datetime) -> None:
            services.case_transition(
                by=by,
                case_id=self.case_id,
                name="close",
                comment="Afgesloten in het zorgoverleg.",
                data={"outcome": self.spec.outcome},
            )
            if self.spec.outcome == O.MOVED_AWAY:
                Child.objects.filter(family_id=self.family.family.pk).update(left_on=at.date())

        return Action(act, STAMPS["close"])

    def note(self, by: Professional, text: str) -> Action:
        def act(at: datetime.datetime) -> None:
            services.note_add(by=by, case_id=self.case_id, text=text)

        return Action(act, STAMPS["note"])

    def contact(self, by: Professional, what: tuple[str, str] | None = None) -> Action:
        channel, summary = what or self.rng.choice(texts.CONTACTS)

        def act(at: datetime.datetime) -> None:
            services.family_contact_log(
                by=by, case_id=self.case_id, channel=channel, summary=summary, happened_at=at
            )

        return Action(act, STAMPS["contact"])


class Timeline:
    """Planned moments for a script: weekdays, office hours, strictly in order, before today."""

    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng = rng
        self.today = today
        self.stalled_after = int(settings.KANSRIJK_STALLED_AFTER_DAYS)

    def window(self, spec: CaseSpec, steps: int) -> tuple[int, int]:
        """(opened, last action) in days ago."""
        low, high = OPENED_DAYS_AGO[spec.target]
        if spec.target == S.CLOSED:
            opened = self.rng.randint(low, high)
            return opened, max(
                1, opened - self.rng.randint(min(25, opened - 1), min(150, opened - 1))
            )
        if spec.stalled:
            last = self.stalled_after + self.rng.randint(6, 45)
        else:
            last = self.rng.randint(1, max(1, min(8, self.stalled_after - 3)))
        opened = max(self.rng.randint(low, high), last + 3 * (steps - 1))
        return (last if steps == 1 else opened), last

    def moments(self, spec: CaseSpec, steps: int) -> list[datetime.datetime]:
        opened, last = self.window(spec, steps)
        middle = sorted(
            (self.rng.randint(last, opened) for _ in range(max(0, steps - 2))), reverse=True
        )
        days_ago = [opened, *middle, last][:steps] if steps > 1 else [last]
        moments: list[datetime.datetime] = []
        zone = timezone.get_current_timezone()
        for ago in days_ago:
            day = self.today - datetime.timedelta(days=ago)
            day -= datetime.timedelta(days=max(0, day.weekday() - 4))  # weekend → Friday
            start = datetime.datetime.combine(day, datetime.time(8, 15), tzinfo=zone)
            at = start + datetime.timedelta(minutes=self.rng.randint(0, 420))
            if moments and at <= moments[-1]:
                at = moments[-1] + datetime.timedelta(minutes=self.rng.randint(10, 50))
            moments.append(at)
        return moments


@dataclass(frozen=True)
class Stamped:
    """A model that records things on a case: its date-times, and the UPDATE that moves the
    ones stamped during this load back to an action's moment."""

    model: type[Model]
    fields: tuple[str, ...]
    #: Parameters: (load start, now, moment) per field, then (load start, now) per field,
    #: then the case's id.
    update: str


def _update_sql(model: type[Model], fields: list[DateTimeField], path: list[ForeignKey]) -> str:
    """The backdating UPDATE of `model`, its rows found through `path` (the foreign keys from
    the model to Case; none for Case itself). Plain SQL, built once: the load runs it about
    2,600 times, and the ORM's compiling of a conditional UPDATE cost ~3 ms a call."""
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in fields]
    sets = ", ".join(f"{c} = CASE WHEN {c} BETWEEN %s AND %s THEN %s ELSE {c} END" for c in columns)
    fresh = " OR ".join(f"{c} BETWEEN %s AND %s" for c in columns)
    if not path:
        condition = f"{quote(model._meta.pk.column)} = %s"
    elif len(path) == 1:
        condition = f"{quote(path[0].column)} = %s"
    else:  # through its parent, e.g. a meldcode's step: its meldcode's case
        parent = path[1].model._meta
        condition = (
            f"{quote(path[0].column)} IN (SELECT {quote(parent.pk.column)} "  # noqa: S608
            f"FROM {quote(parent.db_table)} WHERE {quote(path[1].column)} = %s)"
        )
    table = quote(model._meta.db_table)
    return f"UPDATE {table} SET {sets} WHERE ({fresh}) AND {condition}"  # noqa: S608


@functools.cache
def _stamped_models() -> dict[type[Model], Stamped]:
    """Every model with date-times that belongs to a case, directly or through one parent
    (a meldcode's steps); found by introspection, so the other apps' records are included."""

    def times(model: type[Model]) -> list[DateTimeField]:
        return [f for f in model._meta.concrete_fields if isinstance(f, DateTimeField)]

    def case_fk(model: type[Model]) -> ForeignKey | None:
        for f in model._meta.concrete_fields:
            if isinstance(f, ForeignKey) and f.related_model is Case:
                return f
        return None

    paths: dict[type[Model], list[ForeignKey]] = {Case: []}
    direct = {m: key for m in apps.get_models() if (key := case_fk(m))}
    paths.update({model: [key] for model, key in direct.items()})
    for model in apps.get_models():
        if model in paths:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, ForeignKey) and f.related_model in direct:
                paths[model] = [f, direct[f.related_model]]  # type: ignore[index]
                break
    return {
        model: Stamped(model, tuple(f.name for f in fields), _update_sql(model, fields, path))
        for model, path in paths.items()
        if (fields := times(model))
    }


def _backdate(
    case_id: int, at: datetime.datetime, run_start: datetime.datetime, models: Iterable[type[Model]]
) -> None:
    """Move the date-times an action stamped "now" back to its planned moment. Only values
    set during this load are touched (between its start and now), never the access log."""
    adapt = connection.ops.adapt_datetimefield_value
    start, now, moment = adapt(run_start), adapt(timezone.now()), adapt(at)
    stamped = _stamped_models()
    with connection.cursor() as cursor:
        for model in models:
            if model not in stamped:
                continue
            spec = stamped[model]
            cursor.execute(
                spec.update,
                [start, now, moment] * len(spec.fields)
                + [start, now] * len(spec.fields)
                + [case_id],
            )


def _notifications() -> type[Model] | None:
    try:
        return apps.get_model("notifications", "Notification")
    except LookupError:
        return None


def _settle_notifications(
    at: datetime.datetime, run_start: datetime.datetime, today: datetime.date
) -> None:
    """Date the notifications an action sent to its moment, and never mail them.

    The services notify (and mail) the new contact person and new action owners. For a demo
    loaded in one go, hundreds of mails about months-old events would only be noise: marking
    them mailed makes the mail task skip them, and the ones older than a week count as read.
    """
    model = _notifications()
    if model is None:
        return
    read = at if at.date() < today - datetime.timedelta(days=7) else None
    model._default_manager.filter(created_at__gte=run_start).update(
        created_at=at, mailed_at=at, read_at=read
    )


def _families_for(
    specs: tuple[CaseSpec, ...], families: list[DemoFamily], rng: random.Random
) -> list[tuple[CaseSpec, DemoFamily]]:
    """A different family for each case, at the centres in turn, with siblings where needed."""
    pattern = ("pwa", "schakel", "pwa", "wereldwijzer", "schakel", "pwa", "wereldwijzer")
    assert set(pattern) == set(CENTRE_CODES)
    used: set[int] = set()
    chosen = []
    for index, spec in enumerate(specs):
        centre = pattern[index % len(pattern)]

        def fits(f: DemoFamily, spec: CaseSpec = spec, centre: str = centre) -> bool:
            if f.centre != centre or id(f) in used:
                return False
            if spec.target in EARLY:
                return len(f.toddlers) >= 1
            if spec.childcare_join:
                return len(f.toddlers) >= spec.joins
            return len(f.pupils) > spec.joins

        family = rng.choice([f for f in families if fits(f)])
        used.add(id(family))
        chosen.append((spec, family))
    return chosen


def seed_cases(
    westwijk: Westwijk,
    families: list[DemoFamily],
    today: datetime.date,
    run_start: datetime.datetime,
) -> list[DemoCase]:
    rng = random.Random(CASE_SEED)
    timeline = Timeline(rng, today)
    made: list[DemoCase] = []
    for spec, family in _families_for(SPECS, families, rng):
        script = CaseScript(westwijk, rng, spec, family)
        actions = script.build()
        for action, at in zip(actions, timeline.moments(spec, len(actions)), strict=True):
            action.run(at)
            if action.stamps:
                _backdate(script.case_id, at, run_start, action.stamps)
            _settle_notifications(at, run_start, today)
        # Whatever else the services recorded on the case goes to its last moment.
        _backdate(script.case_id, at, run_start, _stamped_models())
        made.append(DemoCase(script.case_id, spec, family))
    return made
