"""Reading meetings, their agendas and actions.

Cases reach an agenda only through `cases.selectors.cases_visible_to` with the chair's
visibility (the permission matrix in the query); what the table then sees of a case is
decided per item by the consent register (`consent.selectors.disclosure_allowed`) for every
organisation present, and re-checked each time the agenda is shown, so a withdrawal takes
effect at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Case as Case_
from django.db.models import (
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kansrijk.access.matrix import Action
from kansrijk.access.policies import read_list_grants
from kansrijk.attention.models import SchoolAgreement
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Case, Child, PlanAction, PlanVersion, Signal, Step
from kansrijk.cases.selectors import (
    CHILDREN_BY_AGE,
    SignalShown,
    actions_owned_by,
    allowed_transitions_per_case,
    cases_visible_to,
    children_of,
    children_shown,
    read_children,
    reported_known,
    signals_shown,
    stalled_before,
)
from kansrijk.cases.workflow import (
    ATTENTION_LIST_STATES,
    BY_NAME,
    OPEN_STATES,
    Mark,
    Transition,
    marked,
)
from kansrijk.compiled import fetch, fetch_among, ids_in
from kansrijk.consent.models import Purpose
from kansrijk.consent.selectors import Disclosure, disclosures
from kansrijk.core.choices import per_language
from kansrijk.core.models import Organisation, Professional
from kansrijk.core.pages import PageNumbers
from kansrijk.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    Participant,
    WithoutConsent,
)
from kansrijk.meetings.timebox import must_discuss
from kansrijk.plans import CUSTOM

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

Reason = AgendaItem.Reason

#: The order in which reasons weigh, for sorting items of equal priority and for display.
REASON_ORDER: tuple[str, ...] = (
    Reason.PRIORITY_1,
    Reason.ESCALATED,
    Reason.NEW_SIGNAL,
    Reason.NEW_ON_LIST,
    Reason.OVERDUE_ACTION,
    Reason.EVALUATION_DUE,
    Reason.AGREEMENT_REVIEW_DUE,
    Reason.STALLED,
    Reason.ADDED_BY_CHAIR,
)
#: Both meeting kinds discuss cases with the organisations at the table (seed 001).
PURPOSE = Purpose.DISCUSS_IN_VOT


# --- meetings and series -------------------------------------------------------------------


def meetings_of(user: Professional | int) -> QuerySet[Meeting]:
    """Meetings the user (of this id) sits in (chair, member or invitee); nobody else sees
    them."""
    return (
        Meeting.objects.filter(
            Exists(Participant.objects.filter(meeting=OuterRef("pk"), professional=user))
        )
        .select_related("chair", "location", "series")
        .order_by("starts_at", "id")
    )


def upcoming_meetings_of(user: Professional, *, days_back: int = 14) -> QuerySet[Meeting]:
    since = timezone.now() - datetime.timedelta(days=days_back)
    return meetings_of(user).filter(Q(starts_at__gte=since) | ~Q(state=Meeting.State.FINISHED))


def meeting_for(user: Professional, meeting_id: int) -> Meeting:
    """One meeting the user sits in, or NotFound (missing and forbidden answer alike)."""
    found = fetch(
        ("meeting for",), Meeting.objects.db, _meeting_read, uid=user.pk, meeting=meeting_id
    )
    if not found:
        raise NotFound
    return found[0]


def _meeting_read(uid: int, meeting: int) -> QuerySet[Meeting]:
    """`meeting_for`'s query, built only to be compiled (building it on every page cost the
    agenda 2 % of its CPU): the meeting with when the previous meeting of its series was
    held (or planned, had it not started)."""
    previous = (
        Meeting.objects.filter(series=OuterRef("series"), starts_at__lt=OuterRef("starts_at"))
        .order_by("-starts_at")
        .annotate(at=Coalesce("started_at", "starts_at"))
        .values("at")[:1]
    )
    return meetings_of(uid).filter(pk=meeting).annotate(previous_at=Subquery(previous))[:1]


def series_chaired_by(user: Professional) -> QuerySet[MeetingSeries]:
    return (
        MeetingSeries.objects.filter(chair=user).select_related("location").order_by("kind", "name")
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    if meeting.series_id is None:
        return None
    return (
        Meeting.objects.filter(series=meeting.series_id, starts_at__lt=meeting.starts_at)
        .order_by("-starts_at")
        .first()
    )


def since_last_meeting(meeting: Meeting) -> datetime.datetime:
    """The moment 'new' counts from: the previous meeting of the series, or one rhythm back
    (meeting_for reads the previous one's moment with the meeting)."""
    if hasattr(meeting, "previous_at"):
        previous_at: datetime.datetime | None = meeting.previous_at
    else:
        previous = previous_meeting(meeting)
        previous_at = None if previous is None else previous.started_at or previous.starts_at
    if previous_at is not None:
        return previous_at
    weeks = meeting.series.every_weeks if meeting.series else 1
    return meeting.starts_at - datetime.timedelta(weeks=weeks)


@dataclass(frozen=True)
class Table:
    """Who sits at the meeting's table, and every organisation they work for (the consent
    must cover each of them)."""

    participants: list[Participant]
    organisations: list[Organisation]


def at_the_table(meeting: Meeting) -> Table:
    """The participants and their organisations in one query: a row per participant and
    membership (issue 17: the meeting screen in at most 15 queries)."""
    using = Participant.objects.db
    rows = fetch(  # compiled once per process (kansrijk.compiled): every meeting screen asks
        ("at the table",),
        using,
        lambda meeting: (
            Participant.objects.filter(meeting=meeting)
            .select_related("professional")
            .annotate(
                org_id=F("professional__memberships__organisation_id"),
                org_name=F("professional__memberships__organisation__name"),
                org_kind=F("professional__memberships__organisation__kind"),
            )
            .order_by("kind", "professional__first_name", "pk")
        ),
        meeting=meeting.pk,
    )
    participants: dict[int, Participant] = {}
    organisations: dict[int, Organisation] = {}
    for row in rows:
        Participant.meeting.field.set_cached_value(row, meeting)
        participants.setdefault(row.pk, row)
        org_id = row.org_id
        if org_id is not None and org_id not in organisations:
            values = (org_id, row.org_name, row.org_kind)
            organisations[org_id] = Organisation.from_db(using, ["id", "name", "kind"], values)
    return Table(
        participants=list(participants.values()),
        organisations=sorted(organisations.values(), key=lambda o: (o.name, o.pk)),
    )


def participants(meeting: Meeting) -> list[Participant]:
    return at_the_table(meeting).participants


def organisations_present(meeting: Meeting) -> list[Organisation]:
    """Every organisation of everyone at the table; the consent must cover each of them."""
    return at_the_table(meeting).organisations


# --- building the agenda -------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    case: Case
    reasons: list[str]


def _reason_rank(reasons: Iterable[str]) -> int:
    return min(
        (REASON_ORDER.index(r) for r in reasons if r in REASON_ORDER), default=len(REASON_ORDER)
    )


def agenda_cases(meeting: Meeting) -> QuerySet[Case]:
    """The cases this meeting may discuss, as its chair may see them: a VOT the attention
    list of its school, the care meeting every open case of the chair's centres."""
    if meeting.kind == MeetingKind.SUPPORT_TEAM_MEETING:
        return cases_visible_to(
            meeting.chair,
            action=Action.SUMMARY,
            states=ATTENTION_LIST_STATES,
            location=meeting.location,
        )
    return cases_visible_to(
        meeting.chair, action=Action.SUMMARY, states=OPEN_STATES, location=meeting.location
    )


def agenda_candidates(meeting: Meeting) -> list[Candidate]:
    """The cases that need the table now, each with every reason it does, P1 first."""
    since = since_last_meeting(meeting)
    day = timezone.localtime(meeting.starts_at).date()
    current_number = (
        PlanVersion.objects.filter(case=OuterRef(OuterRef("pk")))
        .order_by("-number")
        .values("number")[:1]
    )
    overdue_plan = PlanAction.objects.filter(
        plan__case=OuterRef("pk"),
        plan__number=Subquery(current_number),
        done=False,
        due_date__lt=day,
    )
    overdue_meeting = MeetingAction.objects.filter(
        case=OuterRef("pk"), done=False, due_date__lt=day
    )
    current_plan = PlanVersion.objects.filter(case=OuterRef("pk")).order_by("-number")
    last_evaluation = (
        Step.objects.filter(case=OuterRef("pk"), transition__in=marked(Mark.EVALUATION))
        .order_by("-at")
        .values("at")[:1]
    )
    cases = agenda_cases(meeting).annotate(
        has_new_signal=Exists(Signal.objects.filter(case=OuterRef("pk"), created_at__gt=since)),
        was_escalated=Exists(
            Step.objects.filter(
                case=OuterRef("pk"), transition__in=marked(Mark.ESCALATION), at__gt=since
            )
        ),
        is_new_on_list=Exists(
            Step.objects.filter(
                case=OuterRef("pk"), transition__in=marked(Mark.ONTO_LIST), at__gt=since
            )
        ),
        has_overdue_action=Exists(overdue_plan) | Exists(overdue_meeting),
        evaluation_date=Subquery(current_plan.values("evaluation_date")[:1]),
        last_evaluated_at=Subquery(last_evaluation),
        agreement_due=Exists(
            SchoolAgreement.objects.filter(
                case=OuterRef("pk"), ended_at__isnull=True, review_on__lte=day
            )
        ),
    )
    stalled = stalled_before()
    found: list[Candidate] = []
    for case in cases:
        reasons: list[str] = []
        if case.priority == Case.Priority.SAFETY:
            reasons.append(Reason.PRIORITY_1)
        if case.was_escalated:
            reasons.append(Reason.ESCALATED)
        if case.has_new_signal:
            reasons.append(Reason.NEW_SIGNAL)
        if case.is_new_on_list and meeting.kind == MeetingKind.SUPPORT_TEAM_MEETING:
            reasons.append(Reason.NEW_ON_LIST)
        if case.has_overdue_action:
            reasons.append(Reason.OVERDUE_ACTION)
        evaluation: datetime.date | None = case.evaluation_date
        evaluated: datetime.datetime | None = case.last_evaluated_at
        if (
            evaluation is not None
            and evaluation <= day
            and (evaluated is None or timezone.localtime(evaluated).date() < evaluation)
        ):
            reasons.append(Reason.EVALUATION_DUE)
        if case.agreement_due:
            reasons.append(Reason.AGREEMENT_REVIEW_DUE)
        if case.last_step_at < stalled:
            reasons.append(Reason.STALLED)
        if reasons:
            found.append(Candidate(case, reasons))
    # What must be discussed comes first, so that the time box gives it the table.
    found.sort(
        key=lambda c: (
            c.case.priority,
            not must_discuss(c.reasons, meeting.kind),
            _reason_rank(c.reasons),
            c.case.last_step_at,
            c.case.pk,
        )
    )
    return found


def addable_cases(meeting: Meeting) -> QuerySet[Case]:
    """Cases the chair may put on the agenda by hand: those the meeting may discuss."""
    on_agenda = meeting.items.filter(case__isnull=False).values("case_id")
    return agenda_cases(meeting).exclude(pk__in=on_agenda)


def case_for_agenda(meeting: Meeting, case_id: int) -> Case:
    case = agenda_cases(meeting).filter(pk=case_id).first()
    if case is None:
        raise NotFound
    return case


# --- the agenda as the table sees it -------------------------------------------------------


@dataclass
class ConsentCheck:
    allowed: bool
    notes: list[str] = field(default_factory=list)  # per organisation, for the chair


def consent_check(
    case: Case,
    organisations: Iterable[Organisation],
    answers: dict[tuple[int, int], Disclosure] | None = None,
) -> ConsentCheck:
    """Does the family's consent (or a legal ground) cover discussing the case with every
    organisation at the table? The notes say, per organisation, on what basis or why not.
    `answers` are the consent register's answers for the whole agenda, asked at once."""
    organisations = list(organisations)
    if answers is None:
        answers = disclosures([case], purpose=PURPOSE, organisations=organisations)
    allowed = True
    notes: list[str] = []
    for organisation in organisations:
        disclosure = answers[(case.pk, organisation.pk)]
        if not disclosure.allowed:
            allowed = False
            notes.append(disclosure.reason)
        elif disclosure.basis == "legal_ground":
            notes.append(
                _("%(organisation)s: legal ground (%(ground)s)")
                % {"organisation": organisation.name, "ground": disclosure.reason}
            )
    return ConsentCheck(allowed, notes)


def _children(case: Case) -> list[Child]:
    """The children the case's signals are about, youngest last (set per agenda by
    `_signalled_children`, else read here)."""
    known: list[Child] | None = getattr(case, "signalled_children", None)
    if known is not None:
        return known
    children = {s.child_id: s.child for s in case.signals.select_related("child")}
    return sorted(children.values(), key=lambda c: c.date_of_birth)


def _signalled_children(cases: list[Case], viewer: Professional) -> set[tuple[int, int]]:
    """`case.signalled_children` for every case of an agenda (not every signal of every
    case: a case at region scale holds dozens); returns the (case, child) pairs the viewer
    signalled (what `children_shown` shows in summary). One query reads the (case, child)
    pairs and whether the viewer signalled them; the children are the family's, which the
    agenda has read (`read_children`). Joining every signal to its child and sorting the
    rows to drop the repeats read ~800 rows for ~100 children: 5 ms of an agenda's 17 ms in
    the database at region scale 0.05 (issue 17)."""
    ids = [case.pk for case in cases]
    using = Signal.objects.db
    pairs: Iterable[tuple[int, int, int]]
    if connections[using].vendor == "postgresql":  # compiled once, the cases one array
        # Planned for the ids at hand: the plan PostgreSQL kept after five views walked every
        # signal of the region in (case, child) order, 2.6 → 279 ms at region scale 1.0.
        pairs = fetch(
            ("signalled pairs",), using, _pairs, CUSTOM, viewer=viewer.pk, cases=ids_in(ids)
        )
    else:
        pairs = _pairs(viewer.pk, ids)
    own: set[tuple[int, int]] = set()
    signalled: dict[int, set[int]] = {}
    for case_id, child_id, by_viewer in pairs:
        signalled.setdefault(case_id, set()).add(child_id)
        if by_viewer:
            own.add((case_id, child_id))
    read_children([case.family for case in cases if not hasattr(case.family, CHILDREN_BY_AGE)])
    # A signal's child is one of its case's family (`signal_create`); one that is not
    # (moved since) is read by its id rather than left out.
    elsewhere = {
        pk
        for case in cases
        for pk in signalled.get(case.pk, set()) - {c.pk for c in children_of(case.family)}
    }
    others = (
        fetch_among(("children by id",), Child.objects.all(), "pk", sorted(elsewhere))
        if elsewhere
        else []
    )
    for case in cases:
        on_case = signalled.get(case.pk, set())
        known = {c.pk: c for c in [*others, *children_of(case.family)]}
        children = sorted(
            (known[pk] for pk in on_case if pk in known), key=lambda c: (c.date_of_birth, c.pk)
        )
        case.signalled_children = children  # type: ignore[attr-defined]
    return own


def _pairs(viewer: int, cases: RawSQL | list[int]) -> QuerySet[Signal, tuple[int, int, int]]:
    """The (case, child) pairs of these cases' signals, and 1 where the viewer signalled that
    child there. Grouped, not one signal per pair with an EXISTS on the viewer: PostgreSQL ran
    that EXISTS for every signal before dropping the repeats, 53 ms for an agenda of 25 cases
    holding a case of 1,144 signals (region scale 1.0), against 1.1 ms grouped."""
    return (
        Signal.objects.filter(case__in=cases)
        .values_list("case_id", "child_id")
        .annotate(by_viewer=Max(Case_(When(author=viewer, then=1), default=0)))
        .order_by()
    )


@per_language
def _label_formats() -> tuple[str, str]:
    """An identified item's label, translated once per language (an agenda writes ~30)."""
    return _("%(name)s (%(age)s)"), _("Family %(family)s: %(children)s — %(school)s")


def identified_label(case: Case, day: datetime.date) -> str:
    child, family = _label_formats()
    children = ", ".join(
        child % {"name": c.given_name, "age": c.age_on(day)} for c in _children(case)
    )
    return family % {
        "family": case.family.name,
        "children": children or "—",
        "school": case.location.name,
    }


def anonymous_label(case: Case, day: datetime.date) -> str:
    """Age and school only: no name, no BSN, not even the case number."""
    ages = [c.age_on(day) for c in _children(case)]
    text = ", ".join(str(a) for a in ages) or "?"
    return ngettext(
        "Pupil, age %(ages)s — %(school)s", "Pupils, ages %(ages)s — %(school)s", len(ages) or 1
    ) % {"ages": text, "school": case.location.name}


@dataclass
class ItemView:
    item: AgendaItem
    label: str
    identified: bool
    left_out: bool
    consent: ConsentCheck
    reasons: list[str]
    seconds: int
    actions: list[MeetingAction]
    step_label: str
    transitions: list[Transition] = field(default_factory=list)
    #: What the signals are about, at the viewer's level; the text only when identified.
    signals: list[SignalShown] = field(default_factory=list)
    more_signals: int = 0  # older signals, not shown here
    #: When its turn is planned in the time box (meetings.timebox).
    planned_at: datetime.datetime | None = None
    #: Shown as one line: the meeting runs and another item is being discussed.
    compact: bool = False
    #: The chair's decision form, on the item being discussed or opened (meetings.views);
    #: None, not missing, elsewhere: the template asks every item (a missing attribute
    #: costs Django's template a `dir()` of the item, ~25 a page; issue 17).
    form: Any = None

    @property
    def minutes(self) -> int:
        return self.seconds // 60

    @property
    def running(self) -> bool:
        return self.item.running_since is not None


def _reason_labels(reasons: list[str], labels: dict[str, str]) -> list[str]:
    """The reasons' labels in the agenda's order; `labels`: translated once for a whole agenda
    (`_translated_reasons`)."""
    ordered = sorted(reasons, key=lambda r: REASON_ORDER.index(r) if r in REASON_ORDER else 99)
    return [labels[r] for r in ordered if r in labels]


def _translated_reasons() -> dict[str, str]:
    return {str(value): str(label) for value, label in Reason.choices}


def agenda_items(meeting: Meeting, ids: Sequence[int] | None = None) -> list[AgendaItem]:
    """The meeting's items (those of `ids`), in agenda order, with their case, family,
    location, step, the family's children and the meeting's actions on the item. On
    PostgreSQL with SQL compiled once per process (kansrijk.compiled: the ids are one array
    parameter; building and compiling the query cost the agenda ~3 ms of CPU, issue 17)."""
    using = AgendaItem.objects.db
    if connections[using].vendor != "postgresql":
        items = list(_agenda_items(meeting.pk, ids))
    else:  # the ids one array parameter
        among: dict[str, int | RawSQL] = {} if ids is None else {"among": ids_in(ids)}
        items = fetch(
            ("agenda items", ids is None),
            using,
            lambda meeting, among=None: _agenda_items(meeting, among),
            meeting=meeting.pk,
            **among,
        )
    for item in items:
        AgendaItem.meeting.field.set_cached_value(item, meeting)
    read_children([item.case.family for item in items if item.case is not None])
    _read_actions(items)
    return items


def _read_actions(items: list[AgendaItem]) -> None:
    """Each item's actions decided at the table, with their owner, as `action_list`: one
    query for the page, compiled once on PostgreSQL (the item ids one array parameter)."""
    if not items:
        return
    actions = MeetingAction.objects.select_related("owner")
    ids = [item.pk for item in items]
    found = fetch_among(("meeting actions of items",), actions, "item_id", ids)
    by_item: dict[int, list[MeetingAction]] = {}
    for action in found:
        by_item.setdefault(action.item_id, []).append(action)
    for item in items:
        decided = by_item.get(item.pk, [])
        for action in decided:
            MeetingAction.item.field.set_cached_value(action, item)
        item.action_list = decided  # type: ignore[attr-defined]


def _agenda_items(meeting: int, among: Sequence[int] | RawSQL | None) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.filter(meeting_id=meeting)
    if among is not None:
        items = items.filter(pk__in=among)
    return (
        items.select_related("case__family", "case__location", "step")
        .annotate(vt_reported=reported_known("case_id"))
        .order_by("position", "id")
    )


#: Agenda items per page of the meeting screen: a region's care meeting holds 600 (issue 17).
AGENDA_PAGE_SIZE = 25


@dataclass(frozen=True)
class AgendaPage(PageNumbers):
    """One page of the agenda: which items, and where it lies in the whole agenda."""

    ids: list[int]
    total: int
    #: Per item of the page: the minutes from the meeting's start to its planned turn.
    offsets: dict[int, int] = field(default_factory=dict)

    @property
    def start(self) -> int:
        """How many items come before this page."""
        return (self.number - 1) * AGENDA_PAGE_SIZE


@dataclass(frozen=True)
class Agenda:
    """The time-boxed agenda (meetings.timebox): a page of the items on the table, with
    their planned turns, and a page of the list to pull in."""

    table: AgendaPage
    rest: AgendaPage
    #: Minutes the items on the table get together, against the meeting's time box.
    allotted_minutes: int
    budget_minutes: int
    #: The time spent over the whole agenda, from the same read of its items.
    time_box: TimeBox
    #: Every item's id in agenda order (the API pages over it).
    order: tuple[int, ...]
    #: Whether the list to pull in is shown: a page of it was asked for, or it holds the item
    #: asked for. Closed, only its count is shown and its items are not read: the chair opens
    #: it now and then, and its page of 25 items cost the agenda a sixth of its CPU (issue 17).
    rest_shown: bool = False

    @property
    def over(self) -> bool:
        return self.allotted_minutes > self.budget_minutes


def _page(ids: list[int], number: int, offsets: dict[int, int] | None = None) -> AgendaPage:
    pages = max(1, -(-len(ids) // AGENDA_PAGE_SIZE))
    number = min(max(number, 1), pages)
    start = (number - 1) * AGENDA_PAGE_SIZE
    shown = ids[start : start + AGENDA_PAGE_SIZE]
    return AgendaPage(
        number, pages, shown, len(ids), {pk: (offsets or {}).get(pk, 0) for pk in shown}
    )


def _number(requested: str | None) -> int:
    return int(requested) if requested and requested.isdecimal() and len(requested) < 6 else 0


def agenda_page(
    meeting: Meeting,
    requested: str | None = None,
    *,
    item_id: int | None = None,
    rest_requested: str | None = None,
) -> Agenda:
    """The page of the table asked for; else the one holding `item_id`, else the running
    item's, else the first; and the page of the rest asked for, else the one holding
    `item_id` (shown then: `Agenda.rest_shown`). One query of ids (compiled once): the items
    themselves are read for these pages only."""
    rows = fetch(
        ("agenda order",),
        AgendaItem.objects.db,
        lambda mid: (
            AgendaItem.objects.filter(meeting=mid)
            .order_by("position", "id")
            .values_list("pk", "running_since", "on_table", "allotted_minutes", "seconds_spent")
        ),
        mid=meeting.pk,
    )
    table = [pk for pk, _running, on_table, *_ in rows if on_table]
    rest = [pk for pk, _running, on_table, *_ in rows if not on_table]
    offsets: dict[int, int] = {}
    elapsed = 0
    for pk, _running, on_table, minutes, _spent in rows:
        if on_table:
            offsets[pk] = elapsed
            elapsed += minutes
    number = _number(requested)
    if not number:
        wanted = item_id or next((pk for pk, running, *_ in rows if running is not None), None)
        if wanted in table:
            number = table.index(wanted) // AGENDA_PAGE_SIZE + 1
    rest_number = _number(rest_requested)
    if not rest_number and item_id in rest:
        rest_number = rest.index(item_id) // AGENDA_PAGE_SIZE + 1
    now = timezone.now()
    spent = sum(
        seconds + (max(int((now - running).total_seconds()), 0) if running else 0)
        for _pk, running, _on_table, _minutes, seconds in rows
    )
    return Agenda(
        table=_page(table, number, offsets),
        rest=_page(rest, rest_number),
        allotted_minutes=elapsed,
        budget_minutes=meeting.duration_minutes,
        time_box=TimeBox(spent, meeting.duration_minutes * 60),
        order=tuple(pk for pk, *_ in rows),
        rest_shown=bool(rest_number),
    )


def agenda_view(
    meeting: Meeting,
    viewer: Professional,
    *,
    now: datetime.datetime | None = None,
    with_transitions: bool = False,
    item_ids: Sequence[int] | None = None,
    signals_for: Collection[int] | None = None,
    organisations: list[Organisation] | None = None,
) -> list[ItemView]:
    """The agenda as shown at the table: per item its label (identifying only when the
    consent covers everyone present), why it is there, the time spent and what was decided.
    `item_ids` limits it to pages of the agenda (`agenda_page`); `signals_for` the items
    whose signals are shown (default all)."""
    now = now or timezone.now()
    day = timezone.localtime(meeting.starts_at).date()
    if organisations is None:
        organisations = organisations_present(meeting)
    items = list(agenda_items(meeting, item_ids))
    cases = [item.case for item in items if item.case is not None]
    for item in items:
        if item.case is not None:  # the rows after a report, without a query of their own
            item.case.vt_reported = item.vt_reported  # type: ignore[attr-defined]
    # Which signals may be read and which steps taken: both actions' grants in one query.
    wanted = [Action.FULL, Action.TRANSITION] if with_transitions else [Action.FULL]
    read_list_grants(viewer, [case.pk for case in cases], wanted)
    children_shown(viewer, cases, signalled=_signalled_children(cases, viewer))
    answers = disclosures(cases, purpose=PURPOSE, organisations=organisations)
    steps = allowed_transitions_per_case(viewer, cases) if with_transitions else {}
    with_signals = [
        item.case
        for item in items
        if item.case is not None and (signals_for is None or item.pk in signals_for)
    ]
    signals = signals_shown(viewer, with_signals)
    reason_labels = _translated_reasons()
    views: list[ItemView] = []
    for item in items:
        step_label = ""
        if item.step is not None:
            transition = BY_NAME.get(item.step.transition)
            step_label = str(transition.label) if transition else item.step.transition
        if item.case is None:
            check = ConsentCheck(True)
            label, identified, left_out = item.topic, True, False
        else:
            check = consent_check(item.case, organisations, answers)
            identified = check.allowed
            left_out = not check.allowed and meeting.without_consent == WithoutConsent.LEAVE_OUT
            label = (
                identified_label(item.case, day) if identified else anonymous_label(item.case, day)
            )
        view = ItemView(
            item=item,
            label=label,
            identified=identified,
            left_out=left_out,
            consent=check,
            reasons=_reason_labels(item.reasons, reason_labels),
            seconds=item.seconds_at(now),
            actions=item.action_list,  # type: ignore[attr-defined]
            step_label=step_label,
        )
        if item.case is not None and not left_out and item.case.pk in signals:
            view.signals = [
                s if identified else replace(s, child=None, description=None, author=None)
                for s in signals[item.case.pk]
            ]
            view.more_signals = item.case.more_signals  # type: ignore[attr-defined]
        if (
            with_transitions
            and item.case is not None
            and not left_out
            and item.step is None
            and item.case.is_open
        ):
            view.transitions = steps[item.case.pk]
        views.append(view)
    return views


@dataclass
class TimeBox:
    seconds: int
    budget_seconds: int

    @property
    def minutes(self) -> int:
        return self.seconds // 60

    @property
    def over(self) -> bool:
        return self.seconds > self.budget_seconds


def time_box(meeting: Meeting, items: Iterable[ItemView]) -> TimeBox:
    return TimeBox(sum(v.seconds for v in items), meeting.duration_minutes * 60)


def action_owner_choices(meeting: Meeting, case: Case | None) -> QuerySet[Professional]:
    """Who may own an action: someone at the table, or someone working at the case's school."""
    condition = Q(meeting_participations__meeting=meeting)
    if case is not None:
        condition |= Q(memberships__location=case.location_id)
    return (
        Professional.objects.filter(condition, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


# --- actions ---------------------------------------------------------------------------------


def meeting_actions_of(user: Professional, *, open_only: bool = False) -> QuerySet[MeetingAction]:
    queryset = MeetingAction.objects.filter(owner=user).select_related("meeting", "owner")
    if open_only:
        queryset = queryset.filter(done=False)
    return queryset.order_by("done", "due_date", "id")


def my_actions(user: Professional) -> dict[str, QuerySet[Any]]:
    """The 'my actions' page: actions from meetings (open, and done in the last 30 days)
    and the open actions of the plans the user owns (cases.selectors.actions_owned_by);
    the page reads each a page at a time."""
    recent = timezone.now() - datetime.timedelta(days=30)
    meeting = meeting_actions_of(user).filter(Q(done=False) | Q(done_at__gte=recent))
    return {"meeting": meeting, "plan": actions_owned_by(user)}


def actions_due_between(first: datetime.date, last: datetime.date) -> QuerySet[MeetingAction]:
    return (
        MeetingAction.objects.filter(done=False, due_date__range=(first, last))
        .select_related("owner", "meeting")
        .order_by("due_date", "id")
    )


def plan_actions_due_between(first: datetime.date, last: datetime.date) -> QuerySet[PlanAction]:
    """Open plan actions of the current version of open cases, due in the window."""
    current_number = (
        PlanVersion.objects.filter(case=OuterRef("plan__case"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        PlanAction.objects.filter(
            owner__isnull=False,
            done=False,
            due_date__range=(first, last),
            plan__number=Subquery(current_number),
            plan__case__state__in=OPEN_STATES,
        )
        .select_related("owner", "plan")
        .order_by("due_date", "id")
    )


# --- calendar feed ---------------------------------------------------------------------------


def feed_meetings(user: Professional, *, today: datetime.date | None = None) -> list[Meeting]:
    today = today or timezone.localdate()
    start = datetime.datetime.combine(
        today - datetime.timedelta(weeks=4), datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    return list(meetings_of(user).filter(starts_at__gte=start)[:200])


def feed_actions(user: Professional) -> tuple[list[MeetingAction], list[PlanAction]]:
    return list(meeting_actions_of(user, open_only=True)[:200]), list(actions_owned_by(user)[:200])


def transition_label(name: str) -> str | _StrPromise:
    transition = BY_NAME.get(name)
    return transition.label if transition else name
