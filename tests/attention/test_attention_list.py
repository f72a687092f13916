"""The kept attention list (issue 14, seed 001): the route puts a pupil on it, the IB and SWV
keep it with a reason and a need, the family specialist sees what is new since their last
visit, the history says who changed what, and only the school's own people read it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kansrijk.attention import selectors, services
from kansrijk.attention.models import AttentionChange, AttentionEntry, Need
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases import services as case_services
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.workflow import CaseState
from kansrijk.consent import services as consent_services
from kansrijk.consent.models import Consent, Purpose
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def _on_list(world, pupil):  # type: ignore[no-untyped-def]
    return advance(world, open_case(world, pupil), CaseState.ON_ATTENTION_LIST)


def test_consent_given_puts_the_pupil_on_the_list_automatically(world, pupil):
    case = _on_list(world, pupil)
    entry = AttentionEntry.objects.get(case=case)
    assert (entry.source, entry.location, entry.reason, entry.need) == (
        "route",
        world.school,
        "",
        "",
    )
    assert entry.changes.get().kind == AttentionChange.Kind.ADDED
    for user in (world.coach, world.swv, world.family_specialist, world.coordinator):
        assert [e.case for e in selectors.entries(user, world.school).entries] == [case]


def test_the_swv_sets_the_need_and_reason_and_the_history_says_who(world, pupil):
    case = _on_list(world, pupil)
    entry = AttentionEntry.objects.get(case=case)
    services.entry_need(
        by=world.swv, entry_id=entry.pk, need=Need.BOTH, reason="Thuis onrustig, leest slecht"
    )
    entry.refresh_from_db()
    assert (entry.need, entry.reason) == ("both", "Thuis onrustig, leest slecht")
    latest = selectors.history(world.family_specialist, world.school)[0]
    assert (latest.by, latest.role, latest.kind) == (world.swv, "education_specialist", "need")
    assert "Thuis onrustig" in latest.detail


def test_the_gs_reads_but_does_not_keep_the_list(world, pupil):
    case = _on_list(world, pupil)
    entry = AttentionEntry.objects.get(case=case)
    with pytest.raises(NotFound):
        services.entry_need(by=world.family_specialist, entry_id=entry.pk, need=Need.CARE)
    with pytest.raises(NotFound):
        services.entry_remove(by=world.family_specialist, entry_id=entry.pk, reason="x")


def test_remove_needs_a_reason_and_add_brings_the_pupil_back(world, pupil):
    case = _on_list(world, pupil)
    entry = AttentionEntry.objects.get(case=case)
    with pytest.raises(CaseError) as refused:
        services.entry_remove(by=world.coach, entry_id=entry.pk, reason="  ")
    assert refused.value.field == "reason"
    services.entry_remove(by=world.coach, entry_id=entry.pk, reason="Gaat weer goed")
    assert selectors.entries(world.family_specialist, world.school).entries == []
    assert [c.pk for c in selectors.addable_cases(world.swv, world.school)] == [case.pk]
    with pytest.raises(CaseError) as no_need:
        services.entry_add(
            by=world.swv, location=world.school, case_id=case.pk, reason="Terugval", need="x"
        )
    assert no_need.value.field == "need"
    again = services.entry_add(
        by=world.swv, location=world.school, case_id=case.pk, reason="Terugval", need="care"
    )
    with pytest.raises(CaseError) as twice:
        services.entry_add(
            by=world.coach, location=world.school, case_id=case.pk, reason="x", need="care"
        )
    assert twice.value.field == "case"
    assert [e.pk for e in selectors.entries(world.family_specialist, world.school).entries] == [
        again.pk
    ]
    kinds = [c.kind for c in selectors.history(world.coach, world.school)]
    assert kinds == ["added", "removed", "added"]


def test_a_pupil_without_consent_stays_off_the_partners_lists(world, pupil):
    """The IB may put a school-plan pupil on the list; the GS and SWV see it only once the
    matrix lets them see the case (the parents' consent)."""
    case = advance(world, open_case(world, pupil), CaseState.SCHOOL_PLAN)
    assert case.pk not in [c.pk for c in selectors.addable_cases(world.swv, world.school)]
    with pytest.raises(CaseError):
        services.entry_add(
            by=world.swv, location=world.school, case_id=case.pk, reason="x", need="care"
        )
    services.entry_add(
        by=world.coach,
        location=world.school,
        case_id=case.pk,
        reason="Leest slecht",
        need="education",
    )
    assert [e.case for e in selectors.entries(world.coach, world.school).entries] == [case]
    assert selectors.entries(world.family_specialist, world.school).entries == []
    assert selectors.history(world.family_specialist, world.school) == []


def test_a_withdrawal_takes_the_entry_off_the_partners_list(client, world, pupil):
    case = advance(world, open_case(world, pupil), CaseState.IN_SUPPORT)
    entry = AttentionEntry.objects.get(case=case)
    services.entry_need(by=world.swv, entry_id=entry.pk, need=Need.CARE, reason="Zorgen thuis")
    history = reverse("attention:history", args=[world.school.code])
    sign_in(client, world.family_specialist)
    assert "Zorgen thuis" in client.get(history).content.decode()
    consent_services.consent_record(
        by=world.coach,
        case_id=case.pk,
        child=pupil,
        purpose=Purpose.DISCUSS_IN_VOT,
        status=Consent.Status.WITHDRAWN,
        method=Consent.Method.VERBAL,
        guardian=pupil.family.guardians.get(),
    )
    assert selectors.entries(world.family_specialist, world.school).entries == []
    assert [e.case for e in selectors.entries(world.coach, world.school).entries] == [case]
    # The history page, which reads the cases through the page's ids, shows it no more.
    sign_in(client, world.family_specialist)
    page = client.get(history)
    assert page.status_code == 200 and "Zorgen thuis" not in page.content.decode()
    sign_in(client, world.coach)
    assert "Zorgen thuis" in client.get(history).content.decode()


def test_only_the_schools_own_people_read_the_list(client, world, pupil):
    _on_list(world, pupil)
    url = reverse("attention:list", args=[world.school.code])
    for user in (world.other_coach, world.teacher, world.director, world.district_team):
        sign_in(client, user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("attention:add", args=[world.school.code])).status_code == 404
        assert selectors.entries(user, world.school).entries == []
    sign_in(client, world.other_coach)
    assert client.get(reverse("attention:history", args=[world.school.code])).status_code == 404


def test_the_gs_sees_what_is_new_since_their_last_visit(client, world, pupil):
    url = reverse("attention:list", args=[world.school.code])
    sign_in(client, world.family_specialist)
    first = client.get(url).content.decode()
    assert "eerste bezoek" in first or "first visit" in first
    case = _on_list(world, pupil)
    entry = AttentionEntry.objects.get(case=case)
    services.entry_need(by=world.swv, entry_id=entry.pk, need=Need.CARE, reason="Zorgen thuis")
    sign_in(client, world.family_specialist)
    page = client.get(url).content.decode()
    assert "Sem J." in page and "Zorgen thuis" in page
    assert page.count('data-testid="attention-badge"') == 1
    # The last visit as Dutch writes it: "3 dec 2026 09:30", the month in small letters.
    months = "jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec"
    assert re.search(rf"sinds je laatste bezoek \(\d{{1,2}} ({months}) \d{{4}} \d\d:\d\d\)", page)
    again = client.get(url).content.decode()
    assert 'data-testid="attention-badge"' not in again  # seen now
    # The GS reads; they get no forms to keep the list.
    assert reverse("attention:entry_remove", args=[entry.pk]) not in again
    assert client.get(reverse("attention:add", args=[world.school.code])).status_code == 404
    read = AccessLogEntry.objects.filter(
        user_id=world.family_specialist.pk, purpose="attention list schakel"
    )
    assert read.count() == 3
    assert f"cases {case.pk}" in read.latest("id").detail


def test_keepers_add_on_the_page_and_bad_input_keeps_what_was_typed(client, world, pupil):
    case = _on_list(world, pupil)
    entry = AttentionEntry.objects.get(case=case)
    services.entry_remove(by=world.coach, entry_id=entry.pk, reason="Gaat goed")
    sign_in(client, world.swv)
    url = reverse("attention:add", args=[world.school.code])
    assert f'value="{case.pk}"' in client.get(url).content.decode()
    bad = client.post(url, {"case": case.pk, "reason": "Terugval na de zomer"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Terugval na de zomer" in text
    assert "zorg, onderwijs of beide" in text or "care, education or both" in text
    done = client.post(url, {"case": case.pk, "reason": "Terugval na de zomer", "need": "both"})
    assert done.status_code == 302
    assert AttentionEntry.objects.get(case=case, removed_at__isnull=True).need == "both"
    removed = client.post(
        reverse(
            "attention:entry_remove",
            args=[AttentionEntry.objects.get(case=case, removed_at__isnull=True).pk],
        ),
        {"reason": ""},
    )
    assert removed.status_code == 400
    assert "Zeg waarom de leerling van de lijst gaat." in removed.content.decode()
    history = client.get(reverse("attention:history", args=[world.school.code])).content.decode()
    assert "Terugval na de zomer" in history and "Gaat goed" in history


def test_the_list_page_does_not_grow_queries_with_the_number_of_pupils(client, world):
    def make(n: int) -> None:
        for _ in range(n):
            child = ChildFactory(location=world.school)
            GuardianFactory(family=child.family)
            advance(world, open_case(world, child), CaseState.ON_ATTENTION_LIST)

    url = reverse("attention:list", args=[world.school.code])
    counts = []
    for n in (1, 4):
        make(n)
        for user in (world.swv, world.family_specialist):
            sign_in(client, user)
            client.get(url)  # the first visit is recorded with an insert, later ones update
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append((user.username, len(queries)))
    assert counts[0][1] == counts[2][1] and counts[1][1] == counts[3][1], counts


def test_entries_are_made_for_a_case_that_moved_on(world, pupil):
    """A case the route put on the list is on the list of every state of the list."""
    case = _on_list(world, pupil)
    case_services.case_transition(
        by=world.family_specialist,
        case_id=case.pk,
        name="check_district_team",
        data={"district_team_check": "not_known"},
    )
    assert [e.case.pk for e in selectors.entries(world.swv, world.school).entries] == [case.pk]


def test_a_list_shows_the_newest_signals_and_says_how_many_more(client, world, pupil):
    """Issue 17: a case's signals are bounded in a list (three, newest first), and the case
    page holds them all."""
    case = _on_list(world, pupil)
    for number in range(1, 5):
        case_services.signal_create(
            by=world.teacher,
            child=pupil,
            domain="behaviour",
            urgency="normal",
            description=f"Opmerking nummer {number} over de klas.",
        )
    assert case.signals.count() == 5
    sign_in(client, world.coach)
    page = client.get(reverse("attention:list", args=[world.school.code])).content.decode()
    assert page.count('data-testid="signal"') == 3
    assert "Opmerking nummer 4" in page and "Opmerking nummer 1" not in page
    assert "En 2 eerdere signalen, op de casuspagina." in page
    detail = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert detail.count('data-testid="signal"') == 5 and "more-signals" not in detail


def test_a_long_list_comes_in_pages_and_a_kept_entry_stays_on_its_page(client, world, monkeypatch):
    """Issue 17: a school of the region keeps ~300 pupils on its list; the page shows a page
    of them (the most urgent first, then the latest changed), counts the whole list and what
    is new since the last visit, and keeping an entry brings the keeper back to its page."""
    monkeypatch.setattr(selectors, "ENTRIES_PER_PAGE", 2)
    cases = []
    for _ in range(5):
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        cases.append(advance(world, open_case(world, child), CaseState.ON_ATTENTION_LIST))
    url = reverse("attention:list", args=[world.school.code])
    sign_in(client, world.swv)
    newest_first = [c.pk for c in reversed(cases)]
    seen: list[int] = []
    for number in (1, 2, 3):
        page = selectors.entries(world.swv, world.school, str(number))
        assert (page.number, page.pages, page.total) == (number, 3, 5)
        seen += [e.case.pk for e in page.entries]
        html = client.get(url, {"page": number}).content.decode()
        assert html.count('data-testid="attention-entry"') == len(page.entries)
        assert "5 leerlingen op de lijst" in html and f"pagina {number} van 3" in html
        assert ('rel="prev"' in html) == (number > 1) and ('rel="next"' in html) == (number < 3)
    assert seen == newest_first
    # A page past the end, or not a number, shows the last or the first page; never a 500.
    for asked, shown in (("9", 3), ("0", 1), ("x", 1), ("²", 1), ("-1", 1), ("1" * 40, 3)):
        assert selectors.entries(world.swv, world.school, asked).number == shown
        assert client.get(url, {"page": asked}).status_code == 200
    # What is new since the last visit is counted over the whole list.
    entry = AttentionEntry.objects.get(case=cases[0])  # on the last page
    services.entry_need(by=world.coach, entry_id=entry.pk, need=Need.CARE, reason="Thuis")
    assert selectors.entries(world.swv, world.school, "1").fresh == 1
    # Keeping an entry on page 2 returns to page 2 (the entry, changed now, moves to page 1);
    # a bad form for it shows page 2 with the entry and its error, and what was typed.
    on_two = selectors.entries(world.swv, world.school, "2").entries[0]
    need = reverse("attention:entry_need", args=[on_two.pk])
    done = client.post(need, {"need": "both", "reason": "Leest slecht", "page": "2"})
    assert done.status_code == 302 and done["Location"] == f"{url}?page=2"
    bad = client.post(need, {"need": "x", "reason": "Typt <iets>", "page": "2"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert f'action="{need}"' in text and 'class="error"' in text and "pagina 2 van 3" in text


def test_a_need_sent_back_keeps_the_reason_typed_and_the_need_chosen(client, world, pupil):
    """A keeper who sets the need and types a reason that is too long gets the list back
    with the message, the need they chose and every character they typed."""
    entry = AttentionEntry.objects.get(case=_on_list(world, pupil))
    assert entry.reason == ""
    sign_in(client, world.swv)
    typed = "Thuis <onrustig> & " + "x" * 600
    bad = client.post(
        reverse("attention:entry_need", args=[entry.pk]), {"need": "both", "reason": typed}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'class="error"' in html and "500" in html
    assert 'value="Thuis &lt;onrustig&gt; &amp; ' + "x" * 600 + '"' in html
    assert '<option value="both" selected>' in html
    entry.refresh_from_db()
    assert (entry.need, entry.reason) == ("", "")


def test_a_rows_forms_are_written_when_the_keeper_opens_it(client, world, pupil):
    """Issue 17: forms per item are loaded when opened. The keeper's list has a link per row
    that opens that row's forms in place, on the same page; the reader's has neither; what
    `open` holds that is no entry of the page opens nothing, and never a 500."""
    cases = [_on_list(world, pupil)]
    for _ in range(2):
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        cases.append(advance(world, open_case(world, child), CaseState.ON_ATTENTION_LIST))
    entries = [AttentionEntry.objects.get(case=case) for case in cases]
    url = reverse("attention:list", args=[world.school.code])
    sign_in(client, world.swv)
    closed = client.get(url).content.decode()
    assert closed.count('data-testid="open-entry"') == 3 and 'name="need"' not in closed
    link = f'href="?page=1&amp;open={entries[1].pk}#entry-{entries[1].pk}"'
    assert link in closed and f'id="entry-{entries[1].pk}"' in closed
    opened = client.get(url, {"page": "1", "open": str(entries[1].pk)}).content.decode()
    need = reverse("attention:entry_need", args=[entries[1].pk])
    remove = reverse("attention:entry_remove", args=[entries[1].pk])
    assert f'action="{need}"' in opened and f'action="{remove}"' in opened
    assert opened.count('name="need"') == 1 and opened.count('data-testid="open-entry"') == 2
    for asked in ("x", "-1", "1" * 40, "²", "0", str(entries[1].pk + 1000)):
        answer = client.get(url, {"open": asked})
        assert answer.status_code == 200 and 'name="need"' not in answer.content.decode()
    sign_in(client, world.family_specialist)
    read = client.get(url, {"open": str(entries[1].pk)}).content.decode()
    assert 'data-testid="open-entry"' not in read and 'name="need"' not in read
