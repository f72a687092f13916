"""The meeting screen's reads with SQL compiled once per process (meetings.selectors
`agenda_items`, `meeting_for`; kansrijk.compiled, issue 17): the same items in the same order
as the ORM's own query, with everything the screen reads of them (no query more), a page of
them by id, and the meeting only for those who sit in it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Case
from kansrijk.cases.selectors import children_of, family_children
from kansrijk.meetings import selectors
from kansrijk.meetings.models import AgendaItem, Meeting, MeetingAction
from tests.cases.route import open_case
from tests.meetings.conftest import a_child

pytestmark = pytest.mark.django_db


def _rows(items: list[AgendaItem]) -> list[tuple[Any, ...]]:
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (
                item.pk,
                item.position,
                item.meeting.pk,
                item.case.pk if item.case else None,
                item.case.family.name if item.case else None,
                item.case.location.name if item.case else None,
                item.step_id,
                bool(item.vt_reported),  # type: ignore[attr-defined]
                [c.pk for c in children_of(item.case.family)] if item.case else None,
                [a.owner.username for a in item.action_list],  # type: ignore[attr-defined]
            )
            for item in items
        ]
    assert not queries.captured_queries  # read with the items
    return rows


def _orm(meeting: Meeting, ids: list[int] | None = None) -> list[AgendaItem]:
    """The items as the ORM's own query reads them, written out here."""
    items = AgendaItem.objects.filter(meeting=meeting)
    if ids is not None:
        items = items.filter(pk__in=ids)
    found = list(
        items.select_related("meeting", "case__family", "case__location", "step")
        .prefetch_related(family_children("case__family"))
        .order_by("position", "id")
    )
    for item in found:
        item.vt_reported = False  # type: ignore[attr-defined]
        item.action_list = list(  # type: ignore[attr-defined]
            MeetingAction.objects.filter(item=item)
            .select_related("owner")
            .order_by("due_date", "id")
        )
    return found


def test_the_agenda_items_are_what_the_orm_reads(world, care_meeting) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        open_case(world, a_child(world))
    meeting = care_meeting()
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id"))
    assert len(items) == 3
    day = meeting.starts_at.date()
    for item, owner, due in [
        (items[1], world.coach, day + datetime.timedelta(days=7)),
        (items[1], world.family_specialist, day),  # due first, made later: listed first
        (items[2], world.director, day),
    ]:
        MeetingAction.objects.create(
            item=item,
            meeting=meeting,
            description="Bellen",
            owner=owner,
            due_date=due,
            created_by=world.coordinator,
        )
    assert _rows(selectors.agenda_items(meeting)) == _rows(_orm(meeting))
    assert [a.owner for a in selectors.agenda_items(meeting)[1].action_list] == [  # type: ignore[attr-defined]
        world.family_specialist,
        world.coach,
    ]
    page = [items[2].pk, items[0].pk]
    assert _rows(selectors.agenda_items(meeting, page)) == _rows(_orm(meeting, page))
    assert [i.pk for i in selectors.agenda_items(meeting, page)] == [items[0].pk, items[2].pk]
    assert selectors.agenda_items(meeting, []) == []
    # Another meeting's items never come with this one's.
    other = care_meeting()
    theirs = selectors.agenda_items(other)
    assert theirs and not {i.pk for i in theirs} & {i.pk for i in items}
    assert {i.meeting.pk for i in theirs} == {other.pk}


def test_the_meeting_is_read_only_for_those_who_sit_in_it(world, care_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting = care_meeting()
    later = Meeting.objects.filter(series=meeting.series).order_by("starts_at")[1]
    found = selectors.meeting_for(world.director, later.pk)
    assert found.pk == later.pk and found.previous_at == meeting.starts_at  # type: ignore[attr-defined]
    expected = (later.chair, later.location, later.series)
    with CaptureQueriesContext(connection) as queries:
        assert (found.chair, found.location, found.series) == expected
    assert not queries.captured_queries
    assert selectors.meeting_for(world.coordinator, meeting.pk).previous_at is None  # type: ignore[attr-defined]
    for outsider, meeting_id in [(world.teacher, meeting.pk), (world.director, -1)]:
        with pytest.raises(NotFound):
            selectors.meeting_for(outsider, meeting_id)


def test_who_sits_at_the_table_is_what_the_orm_reads(world, care_meeting) -> None:  # type: ignore[no-untyped-def]
    meeting = care_meeting(members=[world.director, world.family_specialist, world.nurse])
    table = selectors.at_the_table(meeting)
    people = list(
        meeting.participants.select_related("professional").order_by(
            "kind", "professional__first_name", "pk"
        )
    )
    with CaptureQueriesContext(connection) as queries:
        seen = [(p.pk, p.kind, p.professional.username, p.meeting.pk) for p in table.participants]
    assert not queries.captured_queries
    assert seen == [(p.pk, p.kind, p.professional.username, meeting.pk) for p in people]
    organisations = {m.organisation for p in people for m in p.professional.memberships.all()}
    assert [(o.pk, o.name, o.kind) for o in table.organisations] == [
        (o.pk, o.name, o.kind) for o in sorted(organisations, key=lambda o: (o.name, o.pk))
    ]
    assert len(table.organisations) >= 3


def test_the_signalled_children_are_those_of_the_cases_signals(world, care_meeting) -> None:  # type: ignore[no-untyped-def]
    """Each case's signalled children once, youngest first, and the pairs the viewer
    signalled: as the signals say, for a sibling signalled later and for a child whose
    family has changed since it was signalled (not among the family's children read)."""
    from kansrijk.cases import services as case_services
    from kansrijk.cases.models import Child, Family, Signal

    cases = [open_case(world, a_child(world)) for _ in range(3)]
    sibling = a_child(world, family=cases[0].family)
    case_services.signal_create(
        by=world.coach, child=sibling, domain="learning", urgency="normal", description="Lezen"
    )
    moved = Signal.objects.filter(case=cases[2]).first().child
    Child.objects.filter(pk=moved.pk).update(family=Family.objects.create(name="Elders"))
    # Signalled again in its new family: on that case, once (it is the family's there).
    cases.append(
        case_services.signal_create(
            by=world.coach,
            child=Child.objects.get(pk=moved.pk),
            domain="learning",
            urgency="normal",
            description="Rekenen",
        ).case
    )
    for viewer in (world.teacher, world.coach, world.coordinator):
        fresh = [Case.objects.get(pk=c.pk) for c in cases]
        own = selectors._signalled_children(fresh, viewer)
        signals = Signal.objects.filter(case__in=cases).select_related("child")
        assert own == {(s.case_id, s.child_id) for s in signals if s.author_id == viewer.pk}
        for case in fresh:
            expected = {s.child for s in signals if s.case_id == case.pk}
            assert case.signalled_children == sorted(  # type: ignore[attr-defined]
                expected, key=lambda c: (c.date_of_birth, c.pk)
            )
    assert [c.pk for c in fresh[2].signalled_children] == [moved.pk]  # type: ignore[attr-defined]
    assert [c.pk for c in fresh[3].signalled_children] == [moved.pk]  # type: ignore[attr-defined]
    assert len(fresh[0].signalled_children) == 2  # type: ignore[attr-defined]
    assert len(selectors._signalled_children([Case.objects.get(pk=cases[0].pk)], world.coach)) == 1


def test_the_signalled_pairs_are_planned_for_the_agendas_cases(  # type: ignore[no-untyped-def]
    world, care_meeting, on_postgres, monkeypatch
) -> None:
    """A plan PostgreSQL keeps for the (case, child) pairs cannot know how few cases an agenda
    holds: at region scale 1.0 the kept plan, chosen after five views, walked every signal
    of the region (2.6 → 279 ms a view). They are read with a plan made for the ids."""
    if not on_postgres:
        pytest.skip("PostgreSQL's plans")
    from kansrijk import compiled
    from kansrijk.plans import CUSTOM

    planned: list[tuple[str, Any]] = []
    real = compiled.rows_planned

    def recorded(sql: str, params: Any, plan: Any, using: str = "default") -> Any:
        planned.append((sql, plan))
        return real(sql, params, plan, using)

    monkeypatch.setattr(compiled, "rows_planned", recorded)
    cases = [open_case(world, a_child(world)) for _ in range(2)]
    for _ in range(6):
        selectors._signalled_children([Case.objects.get(pk=c.pk) for c in cases], world.coach)
    pairs = [
        plan
        for sql, plan in planned
        if 'FROM "cases_signal"' in sql and "GROUP BY" in sql and "MAX(CASE WHEN" in sql
    ]
    assert pairs == [CUSTOM] * 6
