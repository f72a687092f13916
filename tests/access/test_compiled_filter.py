"""The list filter compiled once and reused (`access.policies.visible_cases`, issue 17): it
lists exactly the cases the matrix's condition lists, for every professional and action, and
reusing it never shows an old answer: relations, consents and an emergency grant's expiry
are read when the list runs, and a new membership makes a new filter."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kansrijk.access import policies
from kansrijk.access.matrix import Action
from kansrijk.access.policies import case_condition, filter_cases, memberships_of, visible_cases
from kansrijk.access.roles import Role
from kansrijk.cases.models import Case, CaseMember, Child, Family
from kansrijk.cases.workflow import CaseState
from kansrijk.consent.models import Consent, LegalGround, Purpose
from kansrijk.core.models import Location, Membership, Professional
from kansrijk.safety.models import EmergencyAccess
from tests.cases.route import advance, open_case
from tests.conftest import fresh
from tests.factories import ChildFactory, ConsentFactory, GuardianFactory, LocationFactory
from tests.roles import as_owner

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the compiled filter is PostgreSQL's (SQLite takes the condition inline)",
    ),
]


def _listed(user: Professional, action: Action) -> set[int]:
    return set(filter_cases(Case.objects.all(), fresh(user), action).values_list("pk", flat=True))


def _cases_at_school(world, *states: CaseState) -> None:  # type: ignore[no-untyped-def]
    """A case in each state at one school: the other school's staff see none of them."""
    for state in states:
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        advance(world, open_case(world, child), state)


def test_the_compiled_filter_lists_what_the_condition_lists(world) -> None:
    _cases_at_school(
        world, CaseState.SIGNALLED, CaseState.IN_SUPPORT, CaseState.ESCALATED, CaseState.CLOSED
    )
    seen = 0
    for person in world.people():
        for action in Action:
            inline = set(
                Case.objects.filter(case_condition(fresh(person), action)).values_list(
                    "pk", flat=True
                )
            )
            assert _listed(person, action) == inline, (person.username, action)
            assert _listed(person, action) == inline  # and again, from the compiled SQL
            seen += len(inline)
    assert seen > 20  # the comparison saw visible cases, not only empty lists


def test_reusing_the_filter_shows_changes_at_once(world) -> None:
    child = ChildFactory(location=world.school)
    GuardianFactory(family=child.family)
    case = open_case(world, child)
    outsider = world.family_specialist
    assert case.pk not in _listed(outsider, Action.SUMMARY)

    # A seat in the support team, and outside the school a ground to share: the same
    # compiled filter now lists it.
    seat = CaseMember.objects.create(case=case, professional=outsider, role=Role.FAMILY_SPECIALIST)
    assert case.pk not in _listed(outsider, Action.SUMMARY)
    LegalGround.objects.create(
        case=case,
        organisation=outsider.memberships.get().organisation,
        ground=LegalGround.Ground.CONFLICT_OF_DUTIES,
        explanation="Acuut gevaar.",
        recorded_by=world.coordinator,
    )
    assert case.pk in _listed(outsider, Action.SUMMARY)
    seat.delete()
    assert case.pk not in _listed(outsider, Action.SUMMARY)

    # An emergency grant holds until its moment, without a new filter.
    nurse = world.nurse
    assert case.pk not in _listed(nurse, Action.FULL)
    grant = EmergencyAccess.objects.create(
        user=nurse,
        case=case,
        reason="Kind staat voor de deur.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert case.pk in _listed(nurse, Action.FULL)
    EmergencyAccess.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert case.pk not in _listed(nurse, Action.FULL)

    # A new membership is a new filter: the new role's relations count at once.
    teacher = world.other_teacher
    before = _listed(teacher, Action.SUMMARY)
    Membership.objects.create(
        professional=teacher,
        organisation=world.school.organisation,
        location=world.school,
        role=Role.INTERNAL_COACH,
    )
    assert case.pk not in before and case.pk in _listed(teacher, Action.SUMMARY)


def test_the_filter_is_compiled_once_and_none_for_nobody(world) -> None:
    ib = fresh(world.coach)
    first = visible_cases(ib, Action.SUMMARY)
    again = visible_cases(ib, Action.SUMMARY)
    assert first is not None and again is not None
    assert first.sql == again.sql  # the same compiled SQL; only the moment is new
    moments = [i for i, (a, b) in enumerate(zip(first.params, again.params, strict=True)) if a != b]
    assert moments and all(isinstance(again.params[i], datetime.datetime) for i in moments)
    assert visible_cases(fresh(world.officer), Action.TRANSITION) is None
    assert not filter_cases(Case.objects.all(), fresh(world.officer), Action.TRANSITION)


def test_the_same_memberships_in_another_order_are_the_same_filter(world) -> None:
    """With prepared statements PostgreSQL may switch plans after a query's fifth run and
    read the memberships in another order: that must not compile the filter again."""
    coordinator = world.coordinator
    Membership.objects.create(
        professional=coordinator,
        organisation=world.school.organisation,
        location=world.other_school,
        role=Role.INTERNAL_COACH,
    )
    user = fresh(coordinator)
    first = visible_cases(user, Action.SUMMARY)
    compiled = len(policies._compiled)
    turned = fresh(coordinator)
    turned._kansrijk_memberships = list(reversed(memberships_of(turned)))  # type: ignore[attr-defined]
    again = visible_cases(turned, Action.SUMMARY)
    assert first is not None and again is not None and len(memberships_of(turned)) >= 2
    assert again.sql == first.sql and len(policies._compiled) == compiled
    assert [m.pk for m in memberships_of(fresh(coordinator))] == sorted(
        m.pk for m in memberships_of(user)
    )


def test_a_stand_in_chosen_mid_day_is_a_new_filter(world) -> None:
    """Whether a user stands in for anyone today shapes their filter (without it the stand-in
    relation's query is left out): a stand-in chosen during the day lists the absent
    colleague's cases at once, and at the absence's end they are gone."""
    from kansrijk.roster.models import Absence
    from kansrijk.standins.models import StandIn

    child = ChildFactory(location=world.school)
    GuardianFactory(family=child.family)
    case = advance(world, open_case(world, child), CaseState.IN_SUPPORT)
    assert case.contact_person == world.family_specialist
    district = world.family_specialist.memberships.get().organisation
    other = Professional.objects.create(username="gs-vervanger", first_name="Vera")
    Membership.objects.create(
        professional=other, organisation=district, role=Role.FAMILY_SPECIALIST
    )
    plain = visible_cases(fresh(other), Action.FULL)
    assert case.pk not in _listed(other, Action.FULL)
    assert plain is None or "roster_absence" not in plain.sql  # covers nobody: no such query

    today = timezone.localdate()
    absence = Absence.objects.create(
        professional=world.family_specialist,
        start=today,
        end=today + datetime.timedelta(days=4),
        kind=Absence.Kind.SICK,
    )
    StandIn.objects.create(absence=absence, stand_in=other, set_by=world.coordinator)
    assert case.pk in _listed(other, Action.FULL)
    Absence.objects.filter(pk=absence.pk).update(
        start=today - datetime.timedelta(days=5), end=today - datetime.timedelta(days=1)
    )
    assert case.pk not in _listed(other, Action.FULL)


def test_a_set_read_for_the_page_lists_the_same_cases(world) -> None:
    """`read_for_page`: a page that asks for the same set twice reads its ids once; the
    lists after it are those the compiled filter gives, for every professional and action."""
    from django.test.utils import CaptureQueriesContext

    from kansrijk.access.policies import one_page, read_for_page

    _cases_at_school(world, CaseState.SIGNALLED, CaseState.IN_SUPPORT, CaseState.CLOSED)
    seen = 0
    for person in world.people():
        for action in Action:
            user = fresh(person)
            expected = _listed(person, action)
            with one_page():
                read_for_page(user, action)
                with CaptureQueriesContext(connection) as asked:
                    listed = set(
                        filter_cases(Case.objects.all(), user, action).values_list("pk", flat=True)
                    )
                    read_for_page(user, action)  # read once: asks nothing more
            assert listed == expected, (person.username, action)
            assert len(asked) <= 1 and all("unnest" in q["sql"] for q in asked)  # none: none
            seen += len(listed)
    assert seen > 10


def test_a_set_read_for_one_action_answers_only_the_actions_granted_alike(world) -> None:
    """The page keeps a set read by its filter, not by its action: after reading one action's
    set, every other action lists, and grants per case, exactly what it does on its own —
    a coordinator who sees the cases of a location in summary is not given their full file
    by the set read for the summary — and an action the matrix grants through the same
    relations (an IB's full file after the summary) asks the database nothing more."""
    from django.test.utils import CaptureQueriesContext

    from kansrijk.access.policies import granting_roles_per_case, one_page, read_for_page

    _cases_at_school(world, CaseState.SIGNALLED, CaseState.IN_SUPPORT, CaseState.CLOSED)
    every_case = list(Case.objects.values_list("pk", flat=True))
    for person in world.people():
        alone = {
            action: granting_roles_per_case(fresh(person), every_case, action) for action in Action
        }
        for read in Action:
            for asked in Action:
                user = fresh(person)
                with one_page():
                    read_for_page(user, read)
                    listed = set(
                        filter_cases(Case.objects.all(), user, asked).values_list("pk", flat=True)
                    )
                    grants = granting_roles_per_case(user, every_case, asked)
                assert listed == _listed(person, asked), (person.username, read, asked)
                assert grants == alone[asked], (person.username, read, asked)
    ib = fresh(world.coach)
    alone_full = granting_roles_per_case(ib, every_case, Action.FULL)
    assert alone_full
    with one_page():
        read_for_page(ib, Action.SUMMARY)
        with CaptureQueriesContext(connection) as queries:
            assert granting_roles_per_case(ib, every_case, Action.FULL) == alone_full
            read_for_page(ib, Action.EXISTS)
    assert len(queries) == 0


def test_a_reach_that_memberships_repeat_is_asked_once_in_a_compiled_filter(world) -> None:
    """A coordinator at two locations reaches their own cases through each membership: the
    compiled filter asks for them once (half the planning of a coordinator's set), and lists
    what the condition lists."""
    from kansrijk.access.policies import _visible_compiled, memberships_of

    user = fresh(world.coordinator)
    assert len(memberships_of(user)) > 1
    hit = _visible_compiled(user, Action.EXISTS, "default")
    assert hit is not None
    own = re.compile(r'FROM "cases_case" (?P<t>[UV]0) WHERE \(?(?P=t)\."contact_person_id" = %s')
    inline = Case.objects.filter(case_condition(user, Action.EXISTS)).values("pk")
    plain, _ = inline.query.sql_with_params()  # built as an uncompiled list builds it
    assert len(own.findall(hit.sql)) == 1 < len(own.findall(plain))
    assert _listed(world.coordinator, Action.EXISTS) == set(
        Case.objects.filter(case_condition(user, Action.EXISTS)).values_list("pk", flat=True)
    )


def _second_seat(swv: Professional, location: Location) -> None:
    """An SWV specialist's seat at a second location, of the same organisation."""
    Membership.objects.create(
        professional=swv,
        organisation=swv.memberships.get().organisation,
        location=location,
        role=Role.EDUCATION_SPECIALIST,
    )


def test_seats_of_one_organisation_through_two_memberships_check_only_the_sharing(
    world,
) -> None:
    """An SWV specialist (or school nurse) holds a membership per location they serve, all of
    one organisation: a case among their seats' cases is reached by one of them, and the
    consent asks only the organisation, so the compiled filter checks only the consent, not
    every seat again for every case (two look-ups per case, 991 cases, issue 17). It lists
    what the condition lists, and a withdrawal hides the case at once."""
    from kansrijk.access.policies import _visible_compiled

    swv = world.swv
    _second_seat(swv, world.other_school)
    seated, unseated = (ChildFactory(location=world.school) for _ in range(2))
    cases = [open_case(world, child) for child in (seated, unseated)]
    CaseMember.objects.create(case=cases[0], professional=swv, role=Role.EDUCATION_SPECIALIST)
    consents = [
        ConsentFactory(child=child, case=case, recorded_by=world.coach)
        for child, case in zip((seated, unseated), cases, strict=True)
    ]
    user = fresh(swv)
    assert len(memberships_of(user)) == 2
    hit = _visible_compiled(user, Action.SUMMARY, "default")
    assert hit is not None
    again = re.compile(r'"cases_casemember" U0 WHERE [^)]*U0\."case_id" = \("cases_case"\."id"\)')
    assert not again.search(hit.sql)  # no seat looked up per case
    inline = Case.objects.filter(case_condition(user, Action.SUMMARY))
    assert again.search(str(inline.query))  # the condition as an object check asks it
    assert _listed(swv, Action.SUMMARY) == set(inline.values_list("pk", flat=True))
    assert cases[0].pk in _listed(swv, Action.SUMMARY)
    assert cases[1].pk not in _listed(swv, Action.SUMMARY)  # consent, but no seat
    Consent.objects.filter(pk=consents[0].pk).update(status=Consent.Status.WITHDRAWN)
    assert cases[0].pk not in _listed(swv, Action.SUMMARY)

    # The consents are asked per case, of the case's family: the seats are read once, not
    # again for the families of their cases, and no plan hashes the consents in force.
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + hit.sql, hit.filled("default"))
        plan = cursor.fetchone()[0][0]["Plan"]
    assert json.dumps(plan).count('"Relation Name": "cases_casemember"') == 1
    asked = [name for name, node in _subplans(plan) if "consent_consent" in json.dumps(node)]
    assert asked and not any(name.startswith("hashed") for name in asked), asked


def test_seats_of_one_organisation_ask_what_they_share_once_for_the_grants(world) -> None:
    """The grants of a case or a list (an agenda's, the gate's check) ask a column per
    relation of each membership. Seats of one organisation share most of them (am I the
    contact person, a member, is the consent in force, an emergency grant): each is asked
    once, not once per seat (a coordinator's three seats asked all of it three times for
    each case of an agenda, issue 17). The answers stay those of each seat."""
    from kansrijk.access.policies import _all_actions, _all_actions_among, _compiled_query
    from kansrijk.access.policies import _all_actions_query as build

    def asked(user: Professional) -> dict[str, int]:
        hit = _compiled_query(user, ("all actions",), "default", build)
        assert hit is not None
        joined = r'(?:INNER JOIN "\w+" U\d ON \([^)]*\) )?'
        tables = re.findall(rf'FROM "(\w+)" U0 {joined}WHERE', hit.sql)
        return {table: tables.count(table) for table in tables}

    swv = world.swv
    one_seat = asked(fresh(swv))
    assert one_seat.get("cases_casemember") and one_seat.get("consent_consent"), one_seat
    _second_seat(swv, world.other_school)
    user = fresh(swv)
    assert len(memberships_of(user)) == 2
    two_seats = asked(user)
    for shared in ("cases_casemember", "consent_consent", "consent_legalground"):
        assert two_seats.get(shared) == one_seat.get(shared), (shared, one_seat, two_seats)

    children = [ChildFactory(location=world.school) for _ in range(3)]
    cases = [open_case(world, child) for child in children]
    for case in cases[:2]:
        CaseMember.objects.create(case=case, professional=swv, role=Role.EDUCATION_SPECIALIST)
    for child, case in zip(children[:1] + children[2:], cases[:1] + cases[2:], strict=True):
        ConsentFactory(child=child, case=case, recorded_by=world.coach)
    each = {case.pk: _all_actions(user, case.pk) for case in cases}
    assert each[cases[0].pk][Action.SUMMARY] == {Role.EDUCATION_SPECIALIST}  # seat, consent
    assert not each[cases[1].pk][Action.SUMMARY]  # a seat, no consent
    assert not each[cases[2].pk][Action.SUMMARY]  # consent, no seat
    listed = _all_actions_among(user, [case.pk for case in cases], list(Action))  # a list's
    for case in cases:
        for action in Action:
            assert listed[action].get(case.pk, set()) == each[case.pk][action]


def _subplans(node: dict) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    """(name, node) of every subplan in an EXPLAIN (FORMAT JSON) plan."""
    found = [(node["Subplan Name"], node)] if "Subplan Name" in node else []
    for child in node.get("Plans", []):
        found += _subplans(child)
    return found


def test_a_signallers_my_work_reads_the_cases_they_may_open_once(client, world) -> None:  # type: ignore[no-untyped-def]
    """A teacher's my work lists their own signals, each a link where the case page answers.
    The cases they may open are read once for the page (`read_for_page`) and whether a
    signal's case is one of them is answered from those ids: with the filter inside,
    PostgreSQL planned the whole filter anew on every view (issue 17, 5.6 ms of planning a
    page at region scale 0.05); with the ids inside, 1.3 ms, and the plan it would keep was
    slower still (a signal the author may not open is listed without a link:
    tests/cases/test_signal_content.py)."""
    from django.test.utils import CaptureQueriesContext

    from tests.auth import sign_in

    cases = [open_case(world, ChildFactory(location=world.school)) for _ in range(2)]
    sign_in(client, world.teacher)
    client.get("/")  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as asked:
        page = client.get("/").content.decode()
    signals = [q["sql"] for q in asked if q["sql"].startswith('SELECT "cases_signal"."id"')]
    assert len(signals) == 1 and "unnest" not in signals[0]
    assert "cases_casemember" not in signals[0]  # the filter was read before, not inside
    for case in cases:
        assert f'href="/cases/{case.pk}/"' in page
        assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_a_case_two_rows_reach_is_read_once_and_no_case_is_looked_up_again(world) -> None:
    """A teacher who signalled one child twice reaches its case through both signals. The
    compiled filter is the union of what the relations give, with no look-up of each case
    around it (issue 17: it read a coordinator's 1,500 scattered cases again, 2 of 5 ms at
    region scale 1.0): its rows hold the case twice, the ids read for the page once, and the
    lists hold it once."""
    from kansrijk.access.policies import (
        _visible_compiled,
        ids_read_for_page,
        one_page,
        read_for_page,
    )

    child = ChildFactory(location=world.school)
    GuardianFactory(family=child.family)
    case = open_case(world, child)
    assert open_case(world, child) == case  # the teacher's second signal joins it
    user = fresh(world.teacher)
    hit = _visible_compiled(user, Action.SUMMARY, "default")
    assert hit is not None
    assert 'WHERE "cases_case"."id" IN' not in hit.sql  # the union itself
    with connection.cursor() as cursor:
        cursor.execute(hit.sql, hit.filled("default"))
        rows = [row[0] for row in cursor.fetchall()]
    assert rows.count(case.pk) == 2
    with one_page():
        read_for_page(user, Action.SUMMARY)
        read = ids_read_for_page(user, Action.SUMMARY)
        listed = list(filter_cases(Case.objects.all(), user, Action.SUMMARY).values_list("pk"))
    assert read is not None and read.count(case.pk) == 1 and len(read) == len(set(read))
    assert listed.count((case.pk,)) == 1
    assert set(read) == _listed(world.teacher, Action.SUMMARY)


#: The indexes the reaches read (cases 0018, consent 0008): a centre's, a contact person's, a
#: member's and an author's cases, a family's children and a child's consents in force.
COVERING = {
    "case_location_state_rows",
    "case_contact_person_rows",
    "case_member_professional_role",
    "signal_author_created_cases",
    "child_family_ids",
    "consent_child_in_force",
}


#: The tables the filters read (analysed before their plans are looked at).
_FILTERS_READ = (
    "cases_case",
    "cases_signal",
    "cases_casemember",
    "cases_referral",
    "cases_child",
    "cases_family",
    "consent_consent",
    "consent_legalground",
    "core_location",
    "safety_emergencyaccess",
)


@pytest.mark.django_db(transaction=True)
def test_every_reach_reads_its_case_ids_from_an_index_alone(world) -> None:
    """Each relation of the matrix is answered by an index that holds what the filter asks of
    it, so that a user's filter reads their own rows and not a page of the table for each
    (issue 17: at region scale a coordinator's ~1,500 cases lie on ~1,000 of the table's
    pages). Every index above answers a reach of someone's filter from the index alone; an
    index without the columns it is asked for could not."""
    _cases_at_school(world, CaseState.SIGNALLED, CaseState.IN_SUPPORT, CaseState.CLOSED)
    _consents_elsewhere(400)
    used: set[str] = set()
    with connection.cursor() as cursor:
        # As on a region's tables: the rows committed and vacuumed, their pages all visible,
        # so that an index-only scan reads no page of the table, and a page read in
        # sequence dear (a region's tables are large); the consents in force many and a
        # user's families few. Plan types turned off (`enable_*`) were priced with a penalty
        # so large that PostgreSQL's 1 % fuzz between paths took plans of very different
        # costs for equal, and which one it kept followed the statistics other tests had
        # left, as it did on rows not yet committed, where every index scan visits the
        # table: the test failed in some orders. As the owner: the app's role may not
        # vacuum (PostgreSQL only warns).
        with as_owner():
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(_FILTERS_READ)}")
        with transaction.atomic():
            cursor.execute("SET LOCAL seq_page_cost = 1000")
            for person in world.people():
                if not COVERING - used:  # each found: compiling the others' filters costs seconds
                    break
                for action in (Action.SUMMARY, Action.FULL):
                    compiled = policies._visible_compiled(fresh(person), action, "default")
                    if compiled is None:
                        continue
                    cursor.execute("EXPLAIN " + compiled.sql, compiled.filled("default"))
                    plan = "\n".join(line for (line,) in cursor.fetchall())
                    used |= set(re.findall(r"Index Only Scan (?:Backward )?using (\w+)", plan))
    assert not COVERING - used, sorted(COVERING - used)


def _consents_elsewhere(count: int) -> None:
    """`count` families elsewhere, a child each with a consent in force to share with the
    district team: the region's other consents, which no filter of the test's people reads."""
    families = Family.objects.bulk_create(Family(name=f"Elders {i}") for i in range(count))
    place = LocationFactory()
    born = datetime.date(2018, 1, 1)
    children = Child.objects.bulk_create(
        Child(family=f, given_name="Kind", family_name=f.name, date_of_birth=born, location=place)
        for f in families
    )
    Consent.objects.bulk_create(
        Consent(
            child=child,
            purpose=Purpose.SHARE_WITH_DISTRICT_TEAM,
            status=Consent.Status.GIVEN,
            method=Consent.Method.PAPER,
        )
        for child in children
    )


#: The columns my work reads with the ids (cases.selectors: RANKED and a worker's MINE).
COLUMNS = ("state", "priority", "last_step_at", "contact_person")


def _rows_read(person: Professional, action: Action, also: tuple[str, ...]) -> dict[int, tuple]:
    from kansrijk.access.policies import one_page, read_for_page, rows_read_for_page

    user = fresh(person)
    with one_page():
        read_for_page(user, action, also=also)
        rows = rows_read_for_page(user, action, also)
    return rows or {}  # None: nothing to read (no relation reaches a case)


def test_the_rows_read_with_the_ids_are_the_listed_cases_with_their_columns(world) -> None:
    """`read_for_page(also=...)` reads each part of the union with the columns: a part over
    the cases from its index, the cases the other parts give (a signal's author, a team
    seat, an emergency grant) looked up once and the sharing's where it checks them, both
    unless a part over the cases found them. For every professional and action: exactly the
    cases the filter lists, each with its own columns, however it was reached."""
    _cases_at_school(world, CaseState.SIGNALLED, CaseState.IN_SUPPORT, CaseState.CLOSED)
    child = ChildFactory(location=world.school)
    GuardianFactory(family=child.family)
    far = open_case(world, child)
    assert far.pk not in _listed(world.nurse, Action.FULL)
    Case.objects.filter(pk=far.pk).update(priority=Case.Priority.SAFETY)
    CaseMember.objects.create(
        case=far, professional=world.family_specialist, role=Role.FAMILY_SPECIALIST
    )
    EmergencyAccess.objects.create(
        user=world.nurse,
        case=far,
        reason="Kind staat voor de deur.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    # The IB's team seat on a case at another board's school, shared on a legal ground: reached
    # through the sharing alone, not through their school.
    moved = ChildFactory(location=world.school)
    GuardianFactory(family=moved.family)
    away = open_case(world, moved)
    Case.objects.filter(pk=away.pk).update(location=LocationFactory())
    assert away.pk not in _listed(world.coach, Action.SUMMARY)
    assert CaseMember.objects.filter(case=away, professional=world.coach).exists()
    LegalGround.objects.create(
        case=away,
        organisation=world.coach.memberships.get().organisation,
        ground=LegalGround.Ground.CONFLICT_OF_DUTIES,
        explanation="Acuut gevaar.",
        recorded_by=world.coordinator,
    )
    assert away.pk in _listed(world.coach, Action.SUMMARY)
    seen = 0
    for person in world.people():
        for action in (Action.SUMMARY, Action.FULL, Action.EXISTS):
            expected = {
                pk: tuple(rest)
                for pk, *rest in Case.objects.filter(pk__in=_listed(person, action)).values_list(
                    "pk", *(f"{c}_id" if c == "contact_person" else c for c in COLUMNS)
                )
            }
            for also in (COLUMNS, ("state",)):
                rows = _rows_read(person, action, also)
                at = [COLUMNS.index(c) for c in also]
                assert rows == {pk: tuple(v[i] for i in at) for pk, v in expected.items()}, (
                    person.username,
                    action,
                    also,
                )
            seen += len(expected)
    assert seen > 20
    assert far.pk in _rows_read(world.nurse, Action.FULL, COLUMNS)  # through the grant
    assert away.pk in _rows_read(world.coach, Action.SUMMARY, COLUMNS)  # the sharing


def _shaped() -> int:
    """How many filters are compiled for a shape of memberships (`policies._Shape`)."""
    return sum(1 for key in policies._compiled if "shape" in key)


def test_users_of_one_shape_share_one_compiled_filter_bound_to_their_own(world) -> None:
    """Every IB at one school has one shape: their filters are compiled once for all of them
    (compiled per user, a user's first page on a worker built 5-12 of them, 40-85 ms of CPU)
    and each lists their own school's cases and their own signals, never the first IB's."""
    from kansrijk.cases import services

    _cases_at_school(world, CaseState.SIGNALLED, CaseState.IN_SUPPORT)
    child = ChildFactory(location=world.other_school)
    GuardianFactory(family=child.family)
    services.signal_create(
        by=world.other_coach,
        child=child,
        domain="behaviour",
        urgency="normal",
        description="Daan zit vaak alleen op het plein.",
    )
    coach, other = fresh(world.coach), fresh(world.other_coach)
    assert policies._shape(coach).key == policies._shape(other).key  # type: ignore[union-attr]
    for action in Action:
        first = visible_cases(coach, action)
        shaped = _shaped()
        again = visible_cases(other, action)
        assert _shaped() == shaped, action  # built and compiled once, for the first IB
        assert first is not None and again is not None and first.sql == again.sql
        for person in (world.coach, world.other_coach):
            inline = Case.objects.filter(case_condition(fresh(person), action))
            assert _listed(person, action) == set(inline.values_list("pk", flat=True))
    assert _listed(world.coach, Action.SUMMARY).isdisjoint(
        _listed(world.other_coach, Action.SUMMARY)
    )
    assert _listed(world.other_coach, Action.SUMMARY)  # their own school's case, not none
    # The object check's query is shared too, and answers for each their own.
    case = Case.objects.get(location=world.other_school)
    assert policies.can(fresh(world.other_coach), Action.SUMMARY, case)
    assert not policies.can(fresh(world.coach), Action.SUMMARY, case)


def test_a_shape_keeps_which_places_are_the_same(world) -> None:
    """Two memberships at one organisation are another shape than two at two: a query
    two memberships repeat is asked once, so the SQL differs (`_union`)."""
    coordinator = fresh(world.coordinator)  # two locations, one organisation
    places = [(m.organisation_id, m.location_id) for m in memberships_of(coordinator)]
    assert len(places) == 2 and places[0][0] == places[1][0] and places[0][1] != places[1][1]
    elsewhere = Professional.objects.create(username="regisseur2")
    for location in (world.school, LocationFactory()):
        Membership.objects.create(
            professional=elsewhere,
            organisation=location.organisation,
            location=location,
            role=Role.COORDINATOR,
        )
    moved = fresh(elsewhere)
    assert policies._shape(moved).key != policies._shape(coordinator).key  # type: ignore[union-attr]
    for person in (coordinator, moved):
        inline = Case.objects.filter(case_condition(fresh(person), Action.EXISTS))
        assert _listed(person, Action.EXISTS) == set(inline.values_list("pk", flat=True))


def test_a_users_own_value_in_the_text_of_a_shared_filter_is_refused(world) -> None:
    """A filter compiled for every user of a shape holds their values as parameters only:
    one written into the SQL's text would hold for all of them, so compiling it fails."""
    from django.db.models.expressions import RawSQL

    def build() -> tuple[object, None]:
        text = f"SELECT {policies._SHAPE_LOCATION}"
        return Case.objects.filter(pk__in=RawSQL(text, ())).values("pk"), None  # noqa: S611

    with pytest.raises(ValueError, match="own value"):
        policies._compile_once(
            ("refused", world.school.pk), "default", build, {policies._SHAPE_LOCATION: 1}
        )
