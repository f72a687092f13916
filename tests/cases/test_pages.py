"""The zorgroute pages as a user sees them: Dutch, forgiving of bad input, need-to-know."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from kansrijk.audit.labels import detail_label
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases import services
from kansrijk.cases.models import Case, Signal
from kansrijk.cases.workflow import CaseState
from tests.auth import sign_in
from tests.cases.route import advance, open_case, sister_signalled
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def test_a_teacher_files_a_signal_in_three_screens(client, world, pupil):
    """After logging in: my work (1) → the signal form (2) → my work with the result (3)."""
    sign_in(client, world.teacher)
    my_work = client.get("/")  # screen 1: where login lands
    assert 'href="/signals/new/"' in my_work.content.decode()
    form = client.get("/signals/new/")  # screen 2
    assert "Sem Jansen" in form.content.decode()
    done = client.post(
        "/signals/new/",
        {
            "child": pupil.pk,
            "domain": "behaviour",
            "urgency": "normal",
            "description": "Sem is stil en eet zijn lunch niet op.",
        },
        follow=True,
    )  # screen 3
    assert [url for url, _ in done.redirect_chain] == ["/"]
    page = done.content.decode()
    assert "Sem Jansen" in page
    assert "Gesignaleerd" in page  # the state of the new case, in Dutch
    assert Signal.objects.get().case.contact_person == world.coach


def test_bad_input_shows_dutch_messages_and_keeps_what_was_typed(client, world, pupil):
    sign_in(client, world.teacher)
    response = client.post(
        "/signals/new/",
        {
            "child": "999999",
            "domain": "nonsense",
            "urgency": "high",
            "description": "Dit wil ik niet kwijtraken <script>alert(1)</script>",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kies een leerling uit de lijst." in page
    assert "Kies waar het signaal over gaat." in page or "Selecteer een geldige keuze" in page
    assert "Dit wil ik niet kwijtraken &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert 'value="high" ' in page and "checked" in page
    assert Signal.objects.count() == 0


def test_an_empty_description_is_refused_in_dutch(client, world, pupil):
    sign_in(client, world.teacher)
    response = client.post(
        "/signals/new/",
        {"child": pupil.pk, "domain": "health", "urgency": "low", "description": "   "},
    )
    assert response.status_code == 400
    assert "Beschrijf wat je hebt gezien." in response.content.decode()


def test_the_case_page_offers_the_allowed_next_steps(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    sign_in(client, world.coach)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/steps/ask_consent/" in page
    assert "consent_given" not in page
    sign_in(client, world.teacher)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "/steps/" not in page  # a teacher sees what became of the signal, takes no steps


def test_a_forbidden_case_looks_exactly_like_a_missing_one(client, world, pupil):
    case = open_case(world, pupil)
    sign_in(client, world.other_coach)
    forbidden = client.get(f"/cases/{case.pk}/")
    missing = client.get("/cases/987654/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_the_404_page_is_dutch(client, world):
    sign_in(client, world.teacher)
    page = client.get("/cases/987654/").content.decode()
    assert "Pagina niet gevonden" in page and "Not Found" not in page


def test_a_teacher_does_not_see_the_family_specialists_notes(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    services.note_add(
        by=world.family_specialist, case_id=case.pk, text="Moeder vertelt over schulden."
    )
    sign_in(client, world.family_specialist)
    journal = client.get(f"/cases/{case.pk}/journal/").content.decode()
    assert "Moeder vertelt over schulden." in journal
    sign_in(client, world.teacher)
    assert (
        "Moeder vertelt over schulden."
        not in client.get(f"/cases/{case.pk}/journal/").content.decode()
    )
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Moeder vertelt over schulden." not in page
    assert "Wekelijks gesprek met Sem" in page  # the plan action assigned to the teacher


def test_taking_a_step_through_the_page(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    sign_in(client, world.coach)
    response = client.post(
        f"/cases/{case.pk}/steps/close/",
        {"close-outcome": "stayed_regular", "close-comment": "Gaat goed."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.outcome == "stayed_regular"


def test_a_refused_step_keeps_the_typed_explanation(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.EVALUATED)
    sign_in(client, world.coach)
    response = client.post(
        f"/cases/{case.pk}/steps/close/", {"close-comment": "Mijn uitleg blijft staan"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kies de uitkomst van de casus." in page
    assert "Mijn uitleg blijft staan" in page
    assert Case.objects.get(pk=case.pk).state == CaseState.EVALUATED


def test_closing_over_a_new_signal_asks_to_confirm_it_was_read(client, world, pupil):
    """The IB's close form asks nothing extra until a signal joins after the last step; then
    it asks to confirm having read it, a close without keeps what was typed and says why in
    Dutch, and a close with it closes the case."""
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    sign_in(client, world.coach)
    label = "Ik heb het signaal gelezen dat na de laatste stap binnenkwam"
    assert label not in client.get(f"/cases/{case.pk}/").content.decode()
    sister_signalled(world, pupil)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert label in page and 'name="close-new_signal_read"' in page
    assert 'name="advice_given-new_signal_read"' in page
    assert "Lotte leest nog niet." in page  # the signal to read, on the same page
    typed = {"close-outcome": "stayed_regular", "close-comment": "Besproken met de ouders"}
    refused = client.post(f"/cases/{case.pk}/steps/close/", typed)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Na de laatste stap is een nieuw signaal binnengekomen." in text
    assert "Besproken met de ouders" in text and label in text
    assert Case.objects.get(pk=case.pk).state == CaseState.SCHOOL_PLAN
    done = client.post(f"/cases/{case.pk}/steps/close/", {**typed, "close-new_signal_read": "on"})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_the_plan_page_makes_a_new_version_and_keeps_the_old(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    sign_in(client, world.coach)
    response = client.post(
        f"/cases/{case.pk}/plan/",
        {
            "summary": "Nieuwe aanpak",
            "goals": "Sem leest groep 5 niveau\nSem speelt buiten mee",
            "evaluation_date": "2027-01-15",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-description": "Leesles",
            "form-0-owner": world.teacher.pk,
            "form-0-due_date": "2026-12-20",
        },
    )
    assert response.status_code == 302
    assert list(case.plans.values_list("number", flat=True)) == [2, 1]
    page = client.get(f"/cases/{case.pk}/?version=1").content.decode()
    assert "Sem voelt zich veilig in de klas" in page


def test_the_plan_page_refuses_a_bad_date_and_keeps_the_goals(client, world, pupil):
    case = open_case(world, pupil)
    sign_in(client, world.coach)
    response = client.post(
        f"/cases/{case.pk}/plan/",
        {
            "goals": "Mijn doel",
            "evaluation_date": "31-31-2026",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-description": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mijn doel" in page
    assert "2026-12-01" in page  # the hint of the date format


def test_the_plan_page_offers_the_owners_once_and_refuses_a_stranger(client, world, pupil):
    """Who may own an action: colleagues at the case's centre and the people on the case,
    not the IB of another school. Read once for every row of the form (issue 17: each row's
    select read them anew, with joins that cost 40 ms a row at region scale)."""
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    services.plan_create_version(
        by=world.coach,
        case_id=case.pk,
        summary="",
        evaluation_date=None,
        goals=["Sem leest"],
        actions=[{"description": "Leesles", "owner": world.teacher}],
    )
    sign_in(client, world.coach)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/cases/{case.pk}/plan/").content.decode()
    owner_reads = [q for q in queries if 'ORDER BY "core_professional"."first_name"' in q["sql"]]
    assert len(owner_reads) == 1
    rows = re.findall(r'<select name="form-\d+-owner".*?</select>', page, re.S)
    assert len(rows) == 4  # the current action and three empty rows
    assert f'<option value="{world.teacher.pk}" selected>' in rows[0]
    teacher, coach, stranger = (
        escape(str(p)) for p in (world.teacher, world.coach, world.other_coach)
    )
    assert all(teacher in row and coach in row and stranger not in row for row in rows)
    response = client.post(
        f"/cases/{case.pk}/plan/",
        {
            "goals": "Sem leest",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-description": "Leesles met de IB van een andere school",
            "form-0-owner": world.other_coach.pk,
        },
    )
    assert response.status_code == 400
    assert "Leesles met de IB van een andere school" in response.content.decode()
    assert case.plans.count() == 2  # the one above and the route's; none added


def test_the_attention_list_is_shared_after_consent(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.AWAITING_CONSENT)
    sign_in(client, world.swv)
    assert "Sem" not in client.get("/attention-list/schakel/").content.decode()
    services.case_transition(
        by=world.coach, case_id=case.pk, name="consent_given", data={"method": "paper"}
    )
    for user in (world.swv, world.family_specialist, world.coach):
        sign_in(client, user)
        page = client.get("/attention-list/schakel/").content.decode()
        assert "Sem J." in page
    sign_in(client, world.teacher)
    assert client.get("/attention-list/schakel/").status_code == 404


def test_reading_a_case_is_logged(client, world, pupil):
    case = open_case(world, pupil)
    sign_in(client, world.coach)
    client.get(f"/cases/{case.pk}/")
    entry = AccessLogEntry.objects.filter(event="read").latest("id")
    assert (entry.case_id, entry.user_id, entry.role) == (case.pk, world.coach.pk, "internal_coach")


def _make_cases(world, n: int) -> None:
    for _ in range(n):
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        case = advance(world, open_case(world, child), CaseState.ON_ATTENTION_LIST)
        assert case.state == CaseState.ON_ATTENTION_LIST


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("coordinator", "/"),
        ("coach", "/"),
        ("teacher", "/"),
        ("family_specialist", "/"),
        ("swv", "/"),
        ("director", "/"),
        ("coach", "/attention-list/schakel/"),
        ("family_specialist", "/attention-list/schakel/"),
        ("coach", "/cases/"),
        ("coordinator", "/cases/?state=all"),
    ],
)
def test_list_pages_do_not_grow_queries_with_the_number_of_cases(client, world, user, url):
    person = getattr(world, user)
    sign_in(client, person)
    _make_cases(world, 2)
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _make_cases(world, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 15


def _add_steps(case: Case, by, n: int, start: int) -> None:
    """Steps as the route leaves them, many at once (the journal of a long case)."""
    import datetime

    from kansrijk.cases.models import Step

    first = case.steps.order_by("at").first().at
    Step.objects.bulk_create(
        Step(
            case=case,
            transition="signal_joined",
            from_state=case.state,
            to_state=case.state,
            by=by,
            role="internal_coach",
            comment=f"stap {start + i}",
            at=first + datetime.timedelta(minutes=start + i),
        )
        for i in range(n)
    )


def test_the_case_journal_is_paged_and_its_queries_do_not_grow(client, world, pupil):
    """Issue 17: a case with a thousand steps; the page shows the newest 50 entries and links
    to older ones, in the same number of queries as a case with a few."""
    from kansrijk.cases.views import JOURNAL_PAGE

    case = open_case(world, pupil)
    sign_in(client, world.coach)
    url = f"/cases/{case.pk}/journal/"
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "?journal=2" not in page
    _add_steps(case, world.coach, 3 * JOURNAL_PAGE, start=1)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    checks = [q for q in many.captured_queries if 'AS "r0_0"' in q["sql"]]
    assert len(checks) == 1  # the gate's check is every check of the page, in one query
    journal = page[page.index('id="journal-heading"') :]
    entries = journal[: journal.index("</ol>")]  # not the contact person's list below
    assert entries.count("<li>") == JOURNAL_PAGE
    numbers = {int(n) for n in re.findall(r"stap (\d+)", journal)}
    assert numbers == set(range(2 * JOURNAL_PAGE + 1, 3 * JOURNAL_PAGE + 1))  # the newest
    assert "?journal=2" in journal
    older = client.get(url, {"journal": 2}).content.decode()
    older = older[older.index('id="journal-heading"') :]
    numbers = {int(n) for n in re.findall(r"stap (\d+)", older)}
    assert numbers == set(range(JOURNAL_PAGE + 1, 2 * JOURNAL_PAGE + 1))
    assert "?journal=3" in older and "?journal=1" in older


def test_my_work_is_bounded_and_leads_to_every_case_a_page_at_a_time(client, world, monkeypatch):
    """Issue 17: at region scale an IB has hundreds of open cases. My work shows the first
    few of each list and how many there are; "all" leads to the paged list of every case."""
    from kansrijk.cases import views

    for _ in range(27):
        open_case(world, ChildFactory(location=world.school))
    state = Case.objects.first().state
    label = str(CaseState(state).label)
    sign_in(client, world.coach)
    page = client.get("/").content.decode()
    pupils = page[page.index('id="pupils-heading"') :]
    assert f"{label} (27)" in pupils
    # the first cases of the state, and the link to all of them
    assert pupils.count('href="/cases/') == views.PER_STATE_BOUND + 1
    assert f'href="/cases/?state={state}"' in pupils
    assert f"Alle 27 casussen in ‘{label}’" in pupils

    monkeypatch.setattr(views, "CASE_LIST_PAGE", 10)
    first = client.get(f"/cases/?state={state}").content.decode()
    assert "27 casussen" in first and "pagina 1 van 3" in first
    assert len(re.findall(r'href="/cases/\d+/"', first)) == 10
    last = client.get(f"/cases/?state={state}&page=3").content.decode()
    assert len(re.findall(r'href="/cases/\d+/"', last)) == 7
    assert client.get("/cases/?state=nonsense&page=x").status_code == 200  # open, page 1

    sign_in(client, world.coordinator)
    page = client.get("/").content.decode()
    assert "Alle 27 open casussen" in page
    assert AccessLogEntry.objects.filter(purpose="case list").exists()


def test_a_list_logs_every_case_it_shows(client, world, monkeypatch):
    """Every case a page lists is in the access log, however long the list: a page of 70
    cases once logged its first 60, and the other ten children's reads were nowhere."""
    from kansrijk.cases import views

    monkeypatch.setattr(views, "CASE_LIST_PAGE", 100)
    opened = {open_case(world, ChildFactory(location=world.school)).pk for _ in range(70)}
    sign_in(client, world.coach)
    page = client.get("/cases/").content.decode()
    shown = {int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', page)}
    assert opened <= shown
    details = AccessLogEntry.objects.filter(purpose="case list").values_list("detail", flat=True)
    logged = {
        int(pk) for d in details for pk in d.removeprefix("cases ").split(" (part")[0].split(",")
    }
    assert logged == shown


def test_a_signallers_my_work_logs_the_cases_its_signals_show(client, world):
    """The teacher's own signals show each case's state and contact person: that read is
    logged with the cases, so that the family's inzage finds it (audit.listed)."""
    case = open_case(world, ChildFactory(location=world.school))
    author = Signal.objects.get(case=case).author
    sign_in(client, author)
    assert client.get("/").status_code == 200
    assert AccessLogEntry.objects.filter(purpose="my work").latest("id").detail == (
        f"cases {case.pk}"
    )


def test_my_work_bounds_the_actions_and_my_actions_pages_them(client, world, monkeypatch):
    """Issue 17: an IB at region scale owns hundreds of plan actions. My work shows the
    earliest 25 and how many there are; "my actions" shows them a page at a time."""
    from kansrijk.cases import views
    from kansrijk.cases.models import PlanAction
    from kansrijk.meetings import views as meeting_views
    from tests.cases.route import give_plan

    case = open_case(world, ChildFactory(location=world.school))
    give_plan(world, case)
    plan = case.plans.get()
    PlanAction.objects.bulk_create(
        PlanAction(plan=plan, description=f"Actie {n:02}", owner=world.coach) for n in range(30)
    )
    sign_in(client, world.coach)
    page = client.get("/").content.decode()
    actions = page[
        page.index('id="actions-heading"') : page.index(
            "</section>", page.index('id="actions-heading"')
        )
    ]
    assert actions.count("<tr>") == views.MY_WORK_BOUND + 1  # and the header row
    assert "Alle 30 open acties" in actions and 'href="/meetings/actions/"' in actions

    monkeypatch.setattr(meeting_views, "ACTIONS_PAGE", 12)
    first = client.get("/meetings/actions/").content.decode()
    assert first.count("<td>Actie ") == 12 and "pagina 1 van 3" in first
    last = client.get("/meetings/actions/?page=3").content.decode()
    assert last.count("<td>Actie ") == 6 and 'href="?meeting_page=1&amp;page=2"' in last
    assert client.get("/meetings/actions/?page=x&meeting_page=-1").status_code == 200


def test_my_signals_show_those_on_p1_cases_first_then_the_newest(client, world, monkeypatch):
    """Issue 17: a teacher at region scale filed thousands of signals; my work and the API
    read only the candidates (the newest and those on a P1 case), in the same order as
    sorting all of them."""
    from kansrijk.cases import views

    cases = [open_case(world, ChildFactory(location=world.school)) for _ in range(5)]
    Case.objects.filter(pk=cases[0].pk).update(priority=Case.Priority.SAFETY)  # the oldest
    monkeypatch.setattr(views, "SIGNALS_BOUND", 3)
    sign_in(client, world.teacher)
    page = client.get("/").content.decode()
    signals = page[page.index('id="signals-heading"') :]
    shown = [int(n) for n in re.findall(r'href="/cases/(\d+)/"', signals)]
    assert shown == [cases[0].pk, cases[4].pk, cases[3].pk]

    response = client.get("/api/signals?limit=2&offset=1").json()
    assert response["count"] == 5
    assert [item["case"]["id"] for item in response["items"]] == [cases[4].pk, cases[3].pk]
    everything = client.get("/api/signals?limit=10").json()["items"]
    assert [item["case"]["id"] for item in everything] == [
        cases[0].pk,
        *(c.pk for c in reversed(cases[1:])),
    ]


TABS = {
    "": "Overzicht",
    "journal/": "Logboek",
    "family/": "Gezin",
    "network/": "Netwerk",
}


def test_the_case_page_is_four_tabs_each_reading_only_its_part(client, world, pupil):
    """Issue 17: the case page reads in at most 15 queries. Its overview (who, signals, the
    meldcode, next steps, plan) does not read the journal, the family's side or the
    network; each tab reads its own part, is marked as the current one and logs its read."""
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    services.note_add(by=world.family_specialist, case_id=case.pk, text="Huisbezoek gepland.")
    sign_in(client, world.family_specialist)
    for path, label in TABS.items():
        url = f"/cases/{case.pk}/{path}"
        client.get(url)  # the day's compiled checks and the session's first write
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # On SQLite the access log is chained in the request (two statements more); on
        # PostgreSQL the chainer does it (audit.chain), as in production.
        counted = [q["sql"] for q in queries if '"audit_chainhead"' not in q["sql"]]
        assert len(counted) <= 15, (url, [q[:60] for q in counted])
        page = response.content.decode()
        current = re.search(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', page)
        assert current is not None and current.groups() == (url, label)
        read = AccessLogEntry.objects.filter(case_id=case.pk, event="read").latest("id")
        assert read.detail == "full file" + (f": {path.strip('/')}" if path else "")
        with translation.override("nl"):  # as the inzage and the privacy officer read it
            assert detail_label(read.detail) == "volledig dossier" + (
                f": {label.lower()}" if path else ""
            )
        tables = " ".join(q["sql"] for q in queries)
        assert ('"cases_note"' in tables) == (path == "journal/"), url
        assert ('"portal_message"' in tables) == (path == "family/"), url
        assert ('"cases_referral"' in tables) == (path == "network/"), url
    journal = client.get(f"/cases/{case.pk}/journal/").content.decode()
    assert "Huisbezoek gepland." in journal
    assert "Huisbezoek gepland." not in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_note_that_is_refused_keeps_its_text_on_the_journal_tab(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    sign_in(client, world.family_specialist)
    refused = client.post(f"/cases/{case.pk}/notes/", {"text": "x" * 20_000})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'aria-current="page">Logboek<' in page and "x" * 200 in page
    added = client.post(f"/cases/{case.pk}/notes/", {"text": "Moeder belt terug."})
    assert added["Location"] == f"/cases/{case.pk}/journal/"
