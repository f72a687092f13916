"""The signals a list shows per case: those of that case about a child that case shows, and
no other (issue 14: a summary viewer never reads of a sibling who is none of their business;
issue 17: the condition is written per case, not as one ORM Q per case)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.cases import selectors, services
from kansrijk.cases.models import Case, Signal
from kansrijk.core.models import Professional
from tests.cases.route import open_case
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _signal(world, child, text: str):  # type: ignore[no-untyped-def]
    return services.signal_create(
        by=world.other_teacher, child=child, domain="learning", urgency="normal", description=text
    )


def test_a_case_shows_its_own_signals_about_the_children_it_shows(world, pupil) -> None:  # type: ignore[no-untyped-def]
    first = open_case(world, pupil)
    sibling = ChildFactory(family=pupil.family, location=world.school, given_name="Lotte")
    about_sibling = _signal(world, sibling, "Lotte leest nog niet.")
    other_pupil = ChildFactory(location=world.school, given_name="Daan")
    second = open_case(world, other_pupil)
    about_other = _signal(world, other_pupil, "Daan rekent nog niet.")
    assert about_sibling.case_id == first.pk and about_other.case_id == second.pk

    cases = [
        Case.objects.get(pk=first.pk),
        Case.objects.get(pk=second.pk),
    ]
    # The first case shows the pupil, not the sibling; the second shows the sibling too (as
    # if it were its child): that must not bring the first case's signal about her along.
    cases[0].shown_children = [pupil]  # type: ignore[attr-defined]
    cases[1].shown_children = [other_pupil, sibling]  # type: ignore[attr-defined]
    shown = selectors.signals_shown(world.coach, cases)

    assert [s.child.pk for s in shown[first.pk]] == [pupil.pk]  # type: ignore[union-attr]
    assert [s.child.pk for s in shown[second.pk]] == [other_pupil.pk, other_pupil.pk]  # type: ignore[union-attr]
    assert shown[second.pk][0].description == "Daan rekent nog niet."  # newest first
    assert cases[0].more_signals == 0 and cases[1].more_signals == 0  # type: ignore[attr-defined]

    # A case that shows no child shows no signal; no case, no query.
    cases[0].shown_children = []  # type: ignore[attr-defined]
    assert selectors.signals_shown(world.coach, cases[:1]) == {first.pk: []}
    assert selectors.signals_shown(world.coach, []) == {}


def test_older_signals_are_counted_not_shown(world, pupil) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world, pupil)
    for n in range(selectors.SIGNALS_PER_CASE + 1):
        _signal(world, pupil, f"Signaal {n}")
    [listed] = [Case.objects.get(pk=case.pk)]
    listed.shown_children = [pupil]  # type: ignore[attr-defined]
    shown = selectors.signals_shown(world.coach, [listed])[case.pk]
    assert len(shown) == selectors.SIGNALS_PER_CASE
    assert shown[0].description == f"Signaal {selectors.SIGNALS_PER_CASE}"
    assert listed.more_signals == 2  # type: ignore[attr-defined]  # the first case's one + one
    # A whole number (a sum in SQL is a decimal): shown as the template shows a count.
    assert type(listed.more_signals) is int  # type: ignore[attr-defined]
    assert type(shown[0].created_at) is type(timezone.now())


def test_a_shown_signal_has_its_moment_and_author_as_the_orm_reads_them(world, pupil) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world, pupil)
    signal = _signal(world, pupil, "Zit vaak alleen.")
    listed = Case.objects.get(pk=case.pk)
    listed.shown_children = [pupil]  # type: ignore[attr-defined]

    def shown_now():  # type: ignore[no-untyped-def]
        [shown] = [
            s for s in selectors.signals_shown(world.coach, [listed])[case.pk] if s.pk == signal.pk
        ]
        return shown

    shown = shown_now()
    stored = Signal.objects.select_related("author").get(pk=signal.pk)
    assert timezone.is_aware(shown.created_at) and shown.created_at == stored.created_at
    assert shown.author == str(stored.author) == world.other_teacher.get_full_name()

    # Without a name, the username, as everywhere else.
    Professional.objects.filter(pk=world.other_teacher.pk).update(first_name="", last_name="")
    assert shown_now().author == world.other_teacher.username


def test_the_newest_are_ranked_over_every_child_a_case_shows(world, pupil) -> None:  # type: ignore[no-untyped-def]
    """Each child's newest signals are read apart (on PostgreSQL from an index per child):
    the case still shows its newest over all its children, ties broken by the newest id, and
    counts the older ones of every child it shows, not of a child it does not."""
    case = open_case(world, pupil)
    sibling = ChildFactory(family=pupil.family, location=world.school, given_name="Lotte")
    hidden = ChildFactory(family=pupil.family, location=world.school, given_name="Mees")
    moment = timezone.now()
    made = []
    for n, child in enumerate([pupil, sibling, pupil, sibling, sibling, pupil, hidden]):
        made.append(_signal(world, child, f"Signaal {n}"))
    # Two at one moment and the rest hours apart, the hidden child's the newest of all, the
    # signal that opened the case the oldest.
    hours = (6, 5, 4, 3, 3, 2, 0)
    at = [moment.replace(microsecond=0) - datetime.timedelta(hours=h) for h in hours]
    for signal, when in zip(made, at, strict=True):
        Signal.objects.filter(pk=signal.pk).update(created_at=when)
    opened = Signal.objects.filter(case=case).exclude(pk__in=[s.pk for s in made])
    assert opened.update(created_at=moment - datetime.timedelta(hours=10)) == 1
    listed = Case.objects.get(pk=case.pk)
    listed.shown_children = [pupil, sibling]  # type: ignore[attr-defined]
    shown = selectors.signals_shown(world.coach, [listed])[case.pk]

    # 5 (2 h), then 3 and 4 at one moment: the later id first; the hidden child's 6 not at all.
    assert [s.description for s in shown] == ["Signaal 5", "Signaal 4", "Signaal 3"]
    assert listed.more_signals == 3 + 1  # type: ignore[attr-defined]  # and the opening one
    assert {s.child.pk for s in shown} == {pupil.pk, sibling.pk}  # type: ignore[union-attr]
