"""The only code that writes meetings: series, the generated agenda, decisions, actions,
the clock of the meeting screen and the reminders. Every function takes the acting
professional as `by=` (`None` for the daily task), logs what it does with case data in the
same transaction, and leaves mail to notifications.notify (sent after commit)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.policies import may_chair
from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound, TransitionRefused
from kansrijk.cases.selectors import allowed_transitions
from kansrijk.cases.services import case_transition
from kansrijk.core.models import Location, Professional
from kansrijk.meetings import selectors, timebox
from kansrijk.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingAction,
    MeetingKind,
    MeetingSeries,
    Participant,
    ReminderSent,
    WithoutConsent,
)
from kansrijk.notifications.services import notify

PURPOSE = "meeting"
#: How many days ahead meetings of a series are planned (at least the next one always is).
PLAN_AHEAD_DAYS = 14
#: A reminder goes out this many days before the due date, and one the day after it.
REMIND_DAYS_BEFORE = 2
REMIND_DAYS_AFTER = 1


def _log(
    by: Professional | None,
    event: Event,
    detail: str,
    case_id: int | None = None,
    family_id: int | None = None,
) -> None:
    log_access(
        by=by,
        event=event,
        purpose=PURPOSE,
        case_id=case_id,
        family_id=family_id,
        detail=detail,
        username="" if by is not None else "meetings task",
    )


def _chaired(by: Professional, meeting_id: int, *, lock: bool = True) -> Meeting:
    """The meeting, if `by` chairs it; a participant who does not chair is refused, anyone
    else gets NotFound like for a meeting that does not exist."""
    queryset = Meeting.objects.select_for_update() if lock else Meeting.objects.all()
    meeting = queryset.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound
    if meeting.chair_id != by.pk:
        if not Participant.objects.filter(meeting=meeting, professional=by).exists():
            raise NotFound
        raise CaseError(_("Only the chair can do this."))
    return meeting


def _open(meeting: Meeting) -> None:
    if meeting.state == Meeting.State.FINISHED:
        raise CaseError(_("This meeting is finished."))


def chaired_and_open(*, by: Professional, meeting_id: int) -> Meeting:
    """The meeting, if `by` chairs it and it is not finished: a chair's page asks before it
    shows its form (the same refusals as the change itself)."""
    meeting = _chaired(by, meeting_id, lock=False)
    _open(meeting)
    return meeting


# --- series and meetings -------------------------------------------------------------------


def series_create(
    *,
    by: Professional,
    kind: str,
    name: str,
    location: Location | None,
    weekday: int,
    start_time: datetime.time,
    every_weeks: int,
    duration_minutes: int,
    members: list[Professional],
    without_consent: str = WithoutConsent.ANONYMISE,
    starts_on: datetime.date | None = None,
) -> MeetingSeries:
    """A recurring meeting chaired by `by`; its next meeting is planned with its agenda."""
    if not may_chair(by):
        raise NotFound
    if kind not in MeetingKind.values:
        raise CaseError(_("Choose the kind of meeting."), field="kind")
    if kind == MeetingKind.CARE_MEETING and not may_chair(by, care_meeting=True):
        raise CaseError(_("The coordinator chairs the weekly care meeting."), field="kind")
    if kind == MeetingKind.SUPPORT_TEAM_MEETING and location is None:
        raise CaseError(_("A support-team meeting belongs to one school."), field="location")
    if not 1 <= every_weeks <= 8:
        raise CaseError(_("Choose a rhythm between 1 and 8 weeks."), field="every_weeks")
    if not 5 <= duration_minutes <= 240:
        raise CaseError(_("Choose a time box between 5 and 240 minutes."), field="duration_minutes")
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            kind=kind,
            name=name.strip(),
            chair=by,
            location=location,
            weekday=weekday,
            start_time=start_time,
            every_weeks=every_weeks,
            duration_minutes=duration_minutes,
            without_consent=without_consent,
            starts_on=starts_on or timezone.localdate(),
        )
        series.members.set([m for m in members if m.pk != by.pk])
        _log(by, Event.WRITE, f"meeting series {series.pk} created")
    meetings_plan(series_id=series.pk)
    return series


def next_dates(
    series: MeetingSeries, *, today: datetime.date, until: datetime.date
) -> list[datetime.date]:
    """The series' meeting days from `today` to `until`, and always at least the next one."""
    first = series.starts_on + datetime.timedelta(
        days=(series.weekday - series.starts_on.weekday()) % 7
    )
    step = datetime.timedelta(weeks=series.every_weeks)
    day = first
    if today > first:
        periods = -(-(today - first).days // step.days)
        day = first + periods * step
    dates = [day]
    while dates[-1] + step <= until:
        dates.append(dates[-1] + step)
    return dates


def meetings_plan(
    *, series_id: int | None = None, today: datetime.date | None = None
) -> list[Meeting]:
    """Plan the coming meetings of every active series (or one), each with its members and
    its generated agenda. Safe to run again: a meeting exists once per series and slot."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=PLAN_AHEAD_DAYS)
    series_list = MeetingSeries.objects.filter(active=True).select_related("chair", "location")
    if series_id is not None:
        series_list = series_list.filter(pk=series_id)
    created: list[Meeting] = []
    zone = timezone.get_current_timezone()
    for series in series_list.prefetch_related("members"):
        for day in next_dates(series, today=today, until=until):
            starts_at = datetime.datetime.combine(day, series.start_time, tzinfo=zone)
            if Meeting.objects.filter(series=series, starts_at=starts_at).exists():
                continue
            try:
                with transaction.atomic():
                    meeting = _meeting_from_series(series, starts_at)
            except IntegrityError:
                continue  # planned by a concurrent run
            agenda_build(by=None, meeting_id=meeting.pk)
            created.append(meeting)
    return created


def _meeting_from_series(series: MeetingSeries, starts_at: datetime.datetime) -> Meeting:
    meeting = Meeting.objects.create(
        series=series,
        kind=series.kind,
        title=series.name,
        location=series.location,
        chair=series.chair,
        starts_at=starts_at,
        duration_minutes=series.duration_minutes,
        without_consent=series.without_consent,
    )
    Participant.objects.create(
        meeting=meeting, professional=series.chair, kind=Participant.Kind.CHAIR
    )
    Participant.objects.bulk_create(
        Participant(meeting=meeting, professional=member, kind=Participant.Kind.MEMBER)
        for member in series.members.all()
        if member.pk != series.chair_id
    )
    return meeting


def participant_invite(
    *, by: Professional, meeting_id: int, professional: Professional
) -> Participant:
    """Invite someone to one meeting (an IB, a care coordinator, the district team)."""
    with transaction.atomic():
        meeting = _chaired(by, meeting_id)
        _open(meeting)
        participant, created = Participant.objects.get_or_create(
            meeting=meeting, professional=professional, defaults={"kind": Participant.Kind.INVITEE}
        )
        if created:
            _log(by, Event.WRITE, f"meeting {meeting.pk}: invited {professional.pk}")
            notify(
                to=professional,
                subject=_("You are invited to %(meeting)s on %(day)s")
                % {
                    "meeting": meeting.title,
                    "day": timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y %H:%M"),
                },
                url=reverse("meetings:meeting", args=[meeting.pk]),
            )
    return participant


# --- the agenda ----------------------------------------------------------------------------


def agenda_build(*, by: Professional | None, meeting_id: int) -> Meeting:
    """(Re)build the agenda from the cases as they are now. Items the chair added or
    decided stay; items that no longer qualify go; new ones come after the existing ones,
    P1 first. `by=None` is the daily task; the cases are always the chair's to see."""
    with transaction.atomic():
        if by is None:
            meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
        else:
            meeting = _chaired(by, meeting_id)
        if meeting.state != Meeting.State.PLANNED:
            raise CaseError(_("The agenda is fixed once the meeting has started."))
        candidates = selectors.agenda_candidates(meeting)
        wanted = {c.case.pk: c for c in candidates}
        existing = list(meeting.items.all())
        for item in existing:
            kept = (
                AgendaItem.Reason.ADDED_BY_CHAIR in item.reasons
                or AgendaItem.Reason.RENEWAL_DUE in item.reasons
                or item.decided_at is not None
            )
            if item.case_id in wanted:
                chair_reason = (
                    [AgendaItem.Reason.ADDED_BY_CHAIR]
                    if AgendaItem.Reason.ADDED_BY_CHAIR in item.reasons
                    else []
                )
                item.reasons = wanted.pop(item.case_id).reasons + chair_reason
                item.save(update_fields=["reasons"])
            elif not kept:
                item.delete()
        position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, case=c.case, reasons=c.reasons, position=position + index)
            for index, c in enumerate(c for c in candidates if c.case.pk in wanted)
        )
        timebox.plan_table(meeting)
        meeting.agenda_built_at = timezone.now()
        meeting.save(update_fields=["agenda_built_at"])
        log_ids(
            [c.case.pk for c in candidates],
            by=by,
            purpose=PURPOSE,
            opening=f"meeting {meeting.pk} agenda: cases ",
            username="" if by is not None else "meetings task",
        )
    return meeting


def _renumber(meeting: Meeting) -> None:
    items = list(meeting.items.order_by("position", "id"))
    for index, item in enumerate(items, start=1):
        item.position = index
    AgendaItem.objects.bulk_update(items, ["position"])


def item_add(
    *, by: Professional, meeting_id: int, case_id: int | None = None, topic: str = ""
) -> AgendaItem:
    """The chair adds a case the meeting may discuss, or a topic, at the end of the agenda."""
    topic = topic.strip()
    if case_id is None and not topic:
        raise CaseError(_("Give a case number or a topic."), field="topic")
    with transaction.atomic():
        meeting = _chaired(by, meeting_id)
        _open(meeting)
        case = None
        if case_id is not None:
            try:
                case = selectors.case_for_agenda(meeting, case_id)
            except NotFound:
                raise CaseError(
                    _("There is no such case for this meeting, or it is on the agenda already."),
                    field="case",
                ) from None
            if meeting.items.filter(case=case).exists():
                raise CaseError(_("This case is on the agenda already."), field="case")
        position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            case=case,
            topic="" if case else topic[:200],
            position=position,
            reasons=[AgendaItem.Reason.ADDED_BY_CHAIR],
        )
        timebox.plan_table(meeting)
        item.refresh_from_db()
        _log(
            by,
            Event.WRITE,
            f"meeting {meeting.pk}: item {item.pk} added",
            case_id=case.pk if case else None,
            family_id=case.family_id if case else None,
        )
    return item


def item_place(*, by: Professional, item_id: int, on_table: bool) -> AgendaItem:
    """The chair pulls an item onto the table (at its end; an item that only filled the time
    left may make way) or puts it aside into the list to pull in; the time box is planned
    again and a rebuild keeps the choice."""
    with transaction.atomic():
        item = AgendaItem.objects.filter(pk=item_id).first()
        if item is None:
            raise NotFound
        meeting = _chaired(by, item.meeting_id)
        _open(meeting)
        if not on_table and (item.running_since is not None or item.decided_at is not None):
            raise CaseError(_("An item that is being or was discussed stays on the table."))
        items = list(meeting.items.order_by("position", "id"))
        item = next(i for i in items if i.pk == item.pk)
        item.on_table, item.placed_by_chair = on_table, True
        if on_table:  # to the end of the table, before the rest
            items.remove(item)
            last = max((n for n, i in enumerate(items) if i.on_table), default=-1)
            items.insert(last + 1, item)
        timebox.plan_table(meeting, items)
        AgendaItem.objects.filter(pk=item.pk).update(placed_by_chair=True)
        _log(
            by,
            Event.WRITE,
            f"meeting {meeting.pk}: item {item.pk} {'on the table' if on_table else 'put aside'}",
            case_id=item.case_id,
        )
        item.refresh_from_db()
    return item


def topic_put_on_support_team(
    *, by: Professional | None, location_id: int, topic: str, reason: str
) -> AgendaItem | None:
    """Put a topic on the next planned support-team meeting of a school (a daily task's
    warning, `by=None`): a topic carries no name, only what the meeting must pick up. The same
    topic is not added twice; None when the school has no meeting planned."""
    topic = topic.strip()[:200]
    if not topic or reason not in AgendaItem.Reason.values:
        raise CaseError(_("Give a topic."), field="topic")
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .filter(
                kind=MeetingKind.SUPPORT_TEAM_MEETING,
                location=location_id,
                state=Meeting.State.PLANNED,
                starts_at__gte=timezone.now(),
            )
            .order_by("starts_at", "id")
            .first()
        )
        if meeting is None:
            return None
        item = meeting.items.filter(case__isnull=True, topic=topic).first()
        if item is not None:
            return item
        position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting, topic=topic, position=position, reasons=[reason]
        )
        timebox.plan_table(meeting)
        item.refresh_from_db()
        _log(by, Event.WRITE, f"meeting {meeting.pk}: item {item.pk} added ({reason})")
    return item


def item_move(*, by: Professional, item_id: int, up: bool) -> AgendaItem:
    """Move an item one place up or down its part of the agenda (the table or the rest)."""
    with transaction.atomic():
        item = AgendaItem.objects.filter(pk=item_id).first()
        if item is None:
            raise NotFound
        meeting = _chaired(by, item.meeting_id)
        _open(meeting)
        _renumber(meeting)
        items = list(meeting.items.filter(on_table=item.on_table).order_by("position", "id"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        swap = index - 1 if up else index + 1
        if 0 <= swap < len(items):
            items[index].position, items[swap].position = (
                items[swap].position,
                items[index].position,
            )
            AgendaItem.objects.bulk_update([items[index], items[swap]], ["position"])
        item.refresh_from_db()
    return item


# --- the clock -----------------------------------------------------------------------------


def _stop_running(meeting: Meeting, now: datetime.datetime) -> None:
    for item in meeting.items.filter(running_since__isnull=False):
        item.seconds_spent += max(int((now - item.running_since).total_seconds()), 0)  # type: ignore[operator]
        item.running_since = None
        item.save(update_fields=["seconds_spent", "running_since"])


def _start(item: AgendaItem, now: datetime.datetime) -> None:
    item.running_since = now
    item.started_at = item.started_at or now
    item.save(update_fields=["running_since", "started_at"])


def meeting_start(*, by: Professional, meeting_id: int) -> Meeting:
    """Open the meeting and start the clock on the first item."""
    with transaction.atomic():
        meeting = _chaired(by, meeting_id)
        _open(meeting)
        now = timezone.now()
        if meeting.state == Meeting.State.PLANNED:
            meeting.state = Meeting.State.RUNNING
            meeting.started_at = now
            meeting.save(update_fields=["state", "started_at"])
            first = meeting.items.filter(on_table=True).order_by("position", "id").first()
            if first is not None:
                _start(first, now)
            _log(by, Event.WRITE, f"meeting {meeting.pk} started")
    return meeting


def item_start(*, by: Professional, item_id: int) -> AgendaItem:
    """Stop the clock on the running item and start it on this one."""
    with transaction.atomic():
        item = AgendaItem.objects.filter(pk=item_id).first()
        if item is None:
            raise NotFound
        meeting = _chaired(by, item.meeting_id)
        if meeting.state != Meeting.State.RUNNING:
            raise CaseError(_("Start the meeting first."))
        if not item.on_table:
            raise CaseError(_("Pull the item onto the table first."))
        now = timezone.now()
        _stop_running(meeting, now)
        item.refresh_from_db()
        _start(item, now)
    return item


def item_next(*, by: Professional, meeting_id: int) -> AgendaItem | None:
    """Stop the running item and start the next one not yet discussed; None at the end."""
    with transaction.atomic():
        meeting = _chaired(by, meeting_id)
        if meeting.state != Meeting.State.RUNNING:
            raise CaseError(_("Start the meeting first."))
        now = timezone.now()
        items = list(meeting.items.filter(on_table=True).order_by("position", "id"))
        current = next((i for i in items if i.running_since is not None), None)
        _stop_running(meeting, now)
        after = items[items.index(current) + 1 :] if current else items
        following = next((i for i in after if i.started_at is None), None)
        if following is not None:
            _start(following, now)
    return following


def meeting_finish(*, by: Professional, meeting_id: int) -> Meeting:
    """Close the meeting: the clock stops and the minutes are final."""
    with transaction.atomic():
        meeting = _chaired(by, meeting_id)
        _open(meeting)
        now = timezone.now()
        _stop_running(meeting, now)
        meeting.state = Meeting.State.FINISHED
        meeting.started_at = meeting.started_at or now
        meeting.finished_at = now
        meeting.save(update_fields=["state", "started_at", "finished_at"])
        _log(by, Event.WRITE, f"meeting {meeting.pk} finished")
    return meeting


# --- decisions and actions -----------------------------------------------------------------


def item_decide(
    *,
    by: Professional,
    item_id: int,
    decision: str,
    transition: str = "",
    data: dict[str, Any] | None = None,
    actions: list[dict[str, Any]] | None = None,
) -> AgendaItem:
    """Record the item's one-line decision, its actions and the case's next step.

    The step goes through the case workflow (cases.services.case_transition) with the
    decision as its comment, in the same transaction: if the route refuses it, nothing of
    the decision is kept and the chair sees why."""
    decision = " ".join(decision.split())
    if not decision:
        raise CaseError(_("Write the decision in one line."), field="decision")
    if len(decision) > 300:
        raise CaseError(_("Keep the decision under 300 characters."), field="decision")
    rows = [a for a in (actions or []) if (a.get("description") or "").strip()]
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotFound
        meeting = _chaired(by, item.meeting_id)
        _open(meeting)
        case = item.case
        if case is not None:
            check = selectors.consent_check(case, selectors.organisations_present(meeting))
            if not check.allowed and meeting.without_consent == WithoutConsent.LEAVE_OUT:
                raise CaseError(_("This case may not be discussed here without consent."))
        owners = {p.pk: p for p in selectors.action_owner_choices(meeting, case)}
        for row in rows:
            owner = row.get("owner")
            if owner is None or owner.pk not in owners:
                raise CaseError(_("Choose an owner for each action."), field="actions")
            if row.get("due_date") is None:
                raise CaseError(_("Give each action a due date."), field="actions")
        if transition:
            if case is None:
                raise CaseError(_("A topic has no case to take a step on."), field="transition")
            if item.step_id is not None:
                raise TransitionRefused(_("A step was already taken for this item."))
            if transition not in {t.name for t in allowed_transitions(by, case)}:
                raise TransitionRefused(_("Your role may not take this step now."))
            item.step = case_transition(
                by=by, case_id=case.pk, name=transition, comment=decision, data=dict(data or {})
            )
        item.decision = decision
        item.decided_by = by
        item.decided_at = timezone.now()
        item.save(update_fields=["decision", "decided_by", "decided_at", "step"])
        for row in rows:
            _action_create(
                meeting,
                item,
                by=by,
                description=row["description"],
                owner=owners[row["owner"].pk],
                due_date=row["due_date"],
            )
        _log(
            by,
            Event.WRITE,
            f"meeting {meeting.pk}: decision on item {item.pk}",
            case_id=case.pk if case else None,
            family_id=case.family_id if case else None,
        )
    return item


def _action_create(
    meeting: Meeting,
    item: AgendaItem,
    *,
    by: Professional,
    description: str,
    owner: Professional,
    due_date: datetime.date,
) -> MeetingAction:
    action = MeetingAction.objects.create(
        meeting=meeting,
        item=item,
        case=item.case,
        description=description.strip()[:300],
        owner=owner,
        due_date=due_date,
        created_by=by,
    )
    if owner.pk != by.pk:
        notify(
            to=owner,
            subject=_("New action for you from %(meeting)s, due %(day)s")
            % {
                "meeting": meeting.title,
                "day": due_date.strftime("%d-%m-%Y"),
            },
            body=action.description,
            url=reverse("meetings:my_actions"),
        )
    return action


def action_set_done(*, by: Professional, action_id: int, done: bool) -> MeetingAction:
    """The owner (or the meeting's chair) ticks an action off, or reopens it."""
    with transaction.atomic():
        action = MeetingAction.objects.select_related("meeting").filter(pk=action_id).first()
        if action is None or by.pk not in {action.owner_id, action.meeting.chair_id}:
            raise NotFound
        action.done = done
        action.done_at = timezone.now() if done else None
        action.save(update_fields=["done", "done_at"])
        _log(by, Event.WRITE, f"meeting action {action.pk} done={done}", case_id=action.case_id)
    return action


# --- reminders -----------------------------------------------------------------------------


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind owners of open actions (from meetings and from plans) two days before the due
    date and the day after it. Each reminder goes out once; returns how many went out."""
    today = today or timezone.localdate()
    before = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    after = today - datetime.timedelta(days=REMIND_DAYS_AFTER)
    url = reverse("meetings:my_actions")
    sent = 0
    with transaction.atomic():
        for when, window in (
            (ReminderSent.When.BEFORE, (today, before)),
            (ReminderSent.When.AFTER, (after - datetime.timedelta(days=6), after)),
        ):
            for action in selectors.actions_due_between(*window):
                if ReminderSent.objects.filter(
                    meeting_action=action, when=when, due_date=action.due_date
                ).exists():
                    continue
                ReminderSent.objects.create(
                    meeting_action=action, when=when, due_date=action.due_date
                )
                _remind(action.owner, action.description, action.due_date, when, url)
                sent += 1
            for plan_action in selectors.plan_actions_due_between(*window):
                assert plan_action.due_date is not None and plan_action.owner is not None
                if ReminderSent.objects.filter(
                    plan_action=plan_action, when=when, due_date=plan_action.due_date
                ).exists():
                    continue
                ReminderSent.objects.create(
                    plan_action=plan_action, when=when, due_date=plan_action.due_date
                )
                _remind(plan_action.owner, plan_action.description, plan_action.due_date, when, url)
                sent += 1
    return sent


def _remind(
    owner: Professional, description: str, due_date: datetime.date, when: str, url: str
) -> None:
    day = due_date.strftime("%d-%m-%Y")
    if when == ReminderSent.When.BEFORE:
        subject = _("Reminder: an action of yours is due on %(day)s") % {"day": day}
    else:
        subject = _("Overdue: an action of yours was due on %(day)s") % {"day": day}
    notify(to=owner, subject=subject, body=description, url=url)
