"""The region generator (bench/region.py) leaves the data the services would: checked at a
thousandth of the region, on whichever database the suite runs on."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.db.models import Count, F, Max, Q
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.region import (
    BENCH_PASSWORD,
    CENTRES_PER_GROUP,
    Generated,
    Sizes,
    bench_key,
    generate,
    referral_answer,
)
from kansrijk.access.roles import Role
from kansrijk.attention.models import AttentionEntry
from kansrijk.attention.selectors import ENTRIES_PER_PAGE
from kansrijk.audit.verification import verify_log
from kansrijk.cases.models import (
    Case,
    CaseMember,
    Child,
    ContactPersonAssignment,
    Family,
    PlanAction,
    PlanVersion,
    Referral,
    Signal,
    Step,
)
from kansrijk.cases.states import OPEN_STATES as OPEN
from kansrijk.cases.workflow import BY_NAME, CaseState
from kansrijk.consent.models import Consent
from kansrijk.core.models import Location, Membership, Professional
from kansrijk.meetings.models import AgendaItem, Meeting, MeetingKind
from kansrijk.monitor.models import MonitorSnapshot
from tests.auth import sign_in
from tests.module_data import module_data

SCALE = 0.001

pytestmark = pytest.mark.django_db


def _generate() -> Generated:
    """The region once for the module (tests/module_data.py), its foreign keys checked as a
    commit would check them: the generator defers them to the end of its transaction, which
    here is a savepoint in the module's, never committed."""
    region = generate(SCALE)
    connection.check_constraints()
    return region


_region = module_data(_generate)


@pytest.fixture
def region(_region: Generated, db: None) -> Generated:
    return _region


def test_sizes_follow_the_scale(region):
    sizes = Sizes.at(SCALE)
    assert Location.objects.filter(code__startswith="bench-c").count() == sizes.centres
    assert Family.objects.count() == sizes.families
    assert Child.objects.count() == sizes.children
    assert Case.objects.count() == sizes.cases
    assert Signal.objects.count() == sizes.signals
    # Every signal wrote its step, and every transition one more.
    assert Step.objects.filter(transition__in=["open", "signal_joined"]).count() == sizes.signals
    assert Step.objects.count() > sizes.signals
    # Marked where filed at the case's own centre, as services.signal_create marks them.
    marked = Signal.objects.filter(at_case_location=True)
    assert marked.count() == Signal.objects.filter(location=F("case__location")).count()
    assert not marked.exclude(location=F("case__location")).exists()


def test_one_open_case_and_one_contact_person(region):
    open_per_family = Counter(
        Case.objects.exclude(state=CaseState.CLOSED).values_list("family_id", flat=True)
    )
    assert max(open_per_family.values()) == 1
    current = ContactPersonAssignment.objects.filter(ended_at__isnull=True)
    assert current.count() == Case.objects.count()
    by_case = dict(current.values_list("case_id", "professional_id"))
    for case_id, contact in Case.objects.values_list("pk", "contact_person_id"):
        assert by_case[case_id] == contact
    # Closed cases have an outcome and a closing time; open ones neither.
    assert (
        not Case.objects.filter(state=CaseState.CLOSED)
        .filter(Q(outcome="") | Q(closed_at__isnull=True))
        .exists()
    )
    assert not Case.objects.exclude(state=CaseState.CLOSED).exclude(outcome="").exists()


def test_plan_actions_are_live_where_the_services_leave_them_live(region):
    """Live: in the case's newest plan version of an open case (cases.effects.retire_actions)."""
    newest = {}
    for case_id, number in PlanVersion.objects.values_list("case_id", "number"):
        newest[case_id] = max(number, newest.get(case_id, 0))
    rows = PlanAction.objects.values_list(
        "live", "plan__case_id", "plan__number", "plan__case__state"
    )
    seen = Counter()
    for live, case_id, number, state in rows:
        assert live == (state != CaseState.CLOSED and number == newest[case_id])
        seen[live] += 1
    assert seen[True] and seen[False]


def test_steps_follow_the_zorgroute(region):
    steps = defaultdict(list)
    for step in Step.objects.order_by("at", "id"):
        steps[step.case_id].append(step)
    roles = defaultdict(set)
    for professional, role in Membership.objects.values_list("professional_id", "role"):
        roles[professional].add(role)
    for case in Case.objects.all():
        journal = steps[case.pk]
        assert journal[0].transition == "open"
        state = CaseState.SIGNALLED
        for step in journal:
            assert step.from_state == state, (case.pk, step.transition)
            assert step.role in roles[step.by_id]
            if step.transition in BY_NAME:
                transition = BY_NAME[step.transition]
                assert state in transition.sources
                assert step.to_state == transition.target
                assert step.role in transition.roles
            else:
                assert step.to_state == state
                signal = Signal.objects.get(pk=step.data["signal"])
                assert signal.case_id == case.pk and signal.created_at == step.at
            state = CaseState(step.to_state)
        assert case.state == state
        assert case.last_step_at == journal[-1].at
        if case.state != CaseState.SIGNALLED:
            assert PlanVersion.objects.filter(case=case).exists()


def test_consents_and_support_team_where_the_route_records_them(region):
    for step in Step.objects.filter(transition__in=["consent_given", "consent_refused"]):
        status = "given" if step.transition == "consent_given" else "refused"
        children = set(
            Signal.objects.filter(case=step.case_id, created_at__lte=step.at).values_list(
                "child_id", flat=True
            )
        )
        consented = set(
            Consent.objects.filter(
                case=step.case_id, purpose="discuss_in_vot", status=status, recorded_at=step.at
            ).values_list("child_id", flat=True)
        )
        assert consented == children
    for step in Step.objects.filter(transition="start_support"):
        assert CaseMember.objects.filter(
            case=step.case_id, professional=step.by_id, role=Role.FAMILY_SPECIALIST
        ).exists()
    for step in Step.objects.filter(transition="escalate"):
        assert Consent.objects.filter(case=step.case_id, purpose="referral").exists()
        referral = Referral.objects.get(case=step.case_id, created_at=step.at)
        # The worker who accepted it joined the team for it, when they accepted it.
        joined = CaseMember.objects.filter(referral=referral)
        if referral.answer == "accepted":  # unless they were on it before
            assert CaseMember.objects.filter(
                case=step.case_id, professional=referral.worker_id
            ).exists()
            assert all(
                (m.professional_id, m.added_at) == (referral.worker_id, referral.answered_at)
                for m in joined
            )
        else:
            assert not joined.exists()


def test_referrals_are_answered_as_a_receiving_organisation_answers_them(region):
    """Within three weeks the worker the escalation named accepts (and becomes the referral's
    one worker) or returns it with a reason, as `referral_answer` leaves it; younger
    referrals still wait. Both kinds are there at a thousandth of the region."""
    answers = Counter()
    for referral in Referral.objects.select_related("case"):
        answers[referral.answer] += 1
        step = Step.objects.get(
            case=referral.case_id, transition="escalate", at=referral.created_at
        )
        if referral.answer == "pending":
            assert (referral.worker_id, referral.answered_at, referral.answer_reason) == (
                None, None, "",
            )  # fmt: skip
            continue
        assert step.at < referral.answered_at <= step.at + datetime.timedelta(days=21)
        if referral.answer == "accepted":
            assert referral.worker_id == step.data["worker"] and not referral.answer_reason
        else:
            assert referral.answer == "returned" and referral.worker_id is None
            assert referral.answer_reason
    assert answers["accepted"], answers


def test_a_referral_waits_weeks_at_most_and_one_in_ten_is_returned():
    now = datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC)
    old = Counter(
        referral_answer(n, now - datetime.timedelta(days=30), 7, now)[1] for n in range(2000)
    )
    assert old["pending"] == 0 and 150 < old["returned"] < 250, old
    assert old["accepted"] == 2000 - old["returned"]
    fresh = [referral_answer(n, now - datetime.timedelta(hours=12), 7, now) for n in range(200)]
    assert all(row == (None, "pending", "", None) for row in fresh)
    assert referral_answer(1, now, 7, None)[1] == "pending"  # no present: nothing answered


def test_consent_given_puts_the_pupil_on_the_attention_list(region):
    given = Step.objects.filter(transition="consent_given")
    entries = AttentionEntry.objects.filter(removed_at=None)
    assert given.exists()
    assert sorted(given.values_list("case_id", flat=True)) == sorted(
        entries.values_list("case_id", flat=True)
    )
    for step in given.select_related("case"):
        entry = entries.get(case=step.case_id)
        assert (entry.location_id, entry.source, entry.added_by_id, entry.added_at) == (
            step.case.location_id,
            AttentionEntry.Source.ROUTE,
            step.by_id,
            step.at,
        )
        change = entry.changes.get()
        assert (change.kind, change.by_id, change.at) == ("added", step.by_id, step.at)
    # The IB of a school sees its list: the entries of the school's open cases.
    client = sign_in(Client(), Professional.objects.get(username="ib.c001"))
    response = client.get("/attention-list/bench-c001/")
    assert response.status_code == 200
    listed = response.content.decode().count('data-testid="attention-entry"')
    assert listed > 0
    at_c001 = entries.filter(case__location__code="bench-c001", case__state__in=OPEN).count()
    assert listed == min(at_c001, ENTRIES_PER_PAGE)


def test_every_centre_is_staffed_and_every_login_can_sign_in(region):
    centres = Location.objects.filter(code__startswith="bench-c")
    for centre in centres:
        roles = Counter(Membership.objects.filter(location=centre).values_list("role", flat=True))
        assert roles[Role.TEACHER] == 4
        for role in (Role.DIRECTOR, Role.INTERNAL_COACH, Role.FAMILY_SPECIALIST,
                     Role.COORDINATOR, Role.EDUCATION_SPECIALIST, Role.SCHOOL_NURSE):  # fmt: skip
            assert roles[role] == 1, (centre.code, role)
    coordinators = Professional.objects.filter(memberships__role=Role.COORDINATOR).annotate(
        centres=Count("memberships")
    )
    assert {c.centres for c in coordinators} <= set(range(1, CENTRES_PER_GROUP + 1))
    # Teachers' pupils: every pupil's group has its teacher at the pupil's centre.
    groups = set(Child.objects.values_list("group", flat=True))
    assert groups <= {str(g) for g in range(1, 9)}
    taught = Membership.objects.filter(role=Role.TEACHER).values_list(
        "professional__username", "location", "groups__location", "groups__name"
    )
    by_teacher = defaultdict(set)
    for username, location, group_location, name in taught:
        assert group_location == location, username
        by_teacher[username].add(name)
    assert len(by_teacher) == 4 * centres.count()
    assert {frozenset(names) for names in by_teacher.values()} == {
        frozenset({"1", "2"}),
        frozenset({"3", "4"}),
        frozenset({"5", "6"}),
        frozenset({"7", "8"}),
    }
    for device in TOTPDevice.objects.select_related("user"):
        assert device.key == bench_key(device.user.username)
    teacher = Professional.objects.get(username="leerkracht.c001")
    client = Client()
    response = client.post("/login/", {"username": teacher.username, "password": BENCH_PASSWORD})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=teacher)
    code = str(TOTP(device.bin_key).token()).zfill(6)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # The teacher's signal form lists their own pupils: groups 1 and 2 of their centre.
    form = client.get("/signals/new/").context["form"]
    listed = [int(value) for value, _label in form.fields["child"].widget.choices if value]
    own = Child.objects.filter(location__code="bench-c001", group__in=["1", "2"], left_on=None)
    assert listed and set(listed) <= set(own.values_list("pk", flat=True))


def test_the_access_log_is_one_valid_chain(region):
    report = verify_log()
    assert report.intact, report.broken
    assert report.entries >= Sizes.at(SCALE).log_entries


def test_meetings_and_monitor_are_ready(region):
    assert region.meetings
    assert AgendaItem.objects.filter(meeting_id=region.meetings[0]).exists()
    # Every school's support-team meeting, chaired by its IB, with an agenda of its own cases.
    schools = Location.objects.filter(code__startswith="bench-c")
    vot = Meeting.objects.filter(kind=MeetingKind.SUPPORT_TEAM_MEETING)
    assert set(vot.values_list("location", flat=True)) == set(schools.values_list("pk", flat=True))
    first = vot.select_related("chair", "location").order_by("pk").first()
    assert first.chair.username == f"ib.{first.location.code.removeprefix('bench-')}"
    items = AgendaItem.objects.filter(meeting=first)
    assert items.exists()
    assert not items.exclude(case__location=first.location).exists()
    assert MonitorSnapshot.objects.exists()
    # The long journal of the first centre's first case.
    longest = Step.objects.values("case_id").annotate(n=Count("id")).aggregate(m=Max("n"))["m"]
    assert longest >= Sizes.at(SCALE).journal_steps


def test_the_load_tests_writes_are_accepted_by_the_api(region):
    """What `python -m bench.load` posts (bench/load/run.py `_writes`): each login's signal and
    note lands, with the CSRF token of GET /api/csrf as the load test sends it."""
    import json

    from bench.load.run import _writes

    codes = [c.removeprefix("bench-") for c in Location.objects.filter(
        code__startswith="bench-c").order_by("code").values_list("code", flat=True)]  # fmt: skip
    longest = Step.objects.values("case_id").annotate(n=Count("id")).order_by("-n")[0]
    writes = _writes(codes, keep=longest["case_id"])
    assert writes["api_signal"]["logins"] and writes["api_add_note"]["logins"]
    # A teacher signals pupils of their group in turn, not one pupil's case run after run.
    first = [body["child_id"] for body in writes["api_signal"]["bodies"][0]]
    assert len(first) == len(set(first)) > 1
    # The notes never land on the case page the load test measures, nor the signals on the
    # my-work of the teachers it measures.
    assert f"/api/cases/{longest['case_id']}/notes" not in writes["api_add_note"]["urls"]
    assert all(login.startswith("leerkracht2.") for login in writes["api_signal"]["logins"])
    for spec in writes.values():
        for i, login in enumerate(spec["logins"][:2]):
            client = sign_in(Client(enforce_csrf_checks=True), Professional.objects.get(
                username=login))  # fmt: skip
            token = client.get("/api/csrf").json()["csrf_token"]
            url = spec["urls"][i] if "urls" in spec else spec["url"]
            body = spec["bodies"][i % len(spec["bodies"])][-1]
            response = client.post(url, json.dumps(body), content_type="application/json",
                                   HTTP_X_CSRFTOKEN=token)  # fmt: skip
            assert response.status_code == spec["status"], response.content


def test_the_plan_check_sees_each_query_with_the_plan_the_page_asks_for(region, on_postgres):
    """bench/load/plans.py times each query of a page in PostgreSQL's three plan modes and
    judges it by the one the page runs it in: the agenda's (case, child) pairs with a plan
    made for its cases, the access filter's reads with the kept plan."""
    if not on_postgres:
        pytest.skip("PostgreSQL's plans")
    from bench.load.plans import _queries, check
    from bench.load.run import _plan

    queries = _queries("coordinator_agenda", _plan("testserver")["pages"]["coordinator_agenda"])
    modes = [
        read.mode
        for read in queries
        if 'FROM "cases_signal"' in read.sql and "GROUP BY" in read.sql and "MAX(CASE" in read.sql
    ]
    assert modes == ["custom"]
    assert "generic" in {read.mode for read in queries}
    assert "auto" in {read.mode for read in queries}
    result = check(["teacher_my_work"])
    assert result["queries_checked"] >= 3 and result["flagged"] == {}


def test_the_plan_check_walks_every_page_with_the_officers_searches(region, on_postgres):
    """`bench.load.plans --sweep` views every page and API read of the sweep as the login
    (here the privacy officer, who has no centre: the first centre's ids), the officer's
    search for a child, a family and a case among them, and times each distinct query once;
    the search's reads run with plans made for the family (`plans.planned_anew`)."""
    if not on_postgres:
        pytest.skip("PostgreSQL's plans")
    from bench import sweep
    from bench.load.plans import _client, _viewed, check_sweep

    urls = dict(sweep.pages("privacy.bench"))
    searched = {name for name in urls if "?" in name}
    assert searched == {
        "audit:officer ?child",
        "audit:officer ?family",
        "audit:officer ?case",
        "GET /api/audit/entries ?child",
        "GET /api/audit/entries ?family",
    }
    status, seen = _viewed(_client("privacy.bench"), urls["audit:officer ?case"])
    log_reads = [read.mode for read in seen if '"audit_accesslogentry"' in read.sql]
    assert status == 200 and log_reads and set(log_reads) == {"custom"}
    assert not any(read.whole for read in seen)
    # The inzage's JSON reads the family's log as it streams: the check reads it to the end,
    # and knows that read for an export's, whole.
    status, seen = _viewed(_client("privacy.bench"), urls["privacy:inzage_family_json"])
    streamed = [read for read in seen if '"audit_accesslogentry"' in read.sql and read.whole]
    assert status == 200 and any("UNION" in read.sql for read in streamed)
    order = [read.whole for read in seen]
    assert order == sorted(order) and False in order  # the records read first, before the body
    result = check_sweep(["privacy.bench"], portal=False)
    assert result["views"] == len(urls) and result["queries_checked"] >= len(log_reads)


def test_the_load_test_serves_a_worker_per_core_shared_among_its_servers(monkeypatch):
    """PostgreSQL shares the load test's cores: a worker per core, not the 4 of a server
    whose database is elsewhere (docs/operations.md, stop 71)."""
    from bench.load import run

    monkeypatch.setattr(run.os, "cpu_count", lambda: 2)
    assert run.workers_per_server(1) == 2
    assert run.workers_per_server(2) == 1
    assert run.workers_per_server(3) == 1
    monkeypatch.setattr(run.os, "cpu_count", lambda: None)
    assert run.workers_per_server(1) == 1


def test_the_sweep_walks_the_family_portal_as_its_members(region, on_postgres):
    """The probe walks every page as every role, the family's too: `bench.sweep` opens the
    portal as a parent of the family with the longest journal and of the first centre's
    newest case (each having asked for its inzage), and as a young person of 12 or older;
    each portal page answers the parent, the JSON download streamed with their own family."""
    import json

    from bench import sweep
    from bench.load.plans import _portal_client
    from kansrijk.cases.models import Guardian
    from kansrijk.portal.visitors import GUARDIAN_KEY

    pages = dict(sweep.portal_pages())
    assert {
        "portal:home",
        "portal:plan",
        "portal:inzage",
        "portal:inzage_download ?form=json",
    } <= set(pages)
    assert all(url.startswith("/portaal/") for url in pages.values())
    sessions = sweep.portal_sessions()
    parents = [(label, key) for label, key in sessions if label.startswith("ouder.gezin")]
    assert len(parents) >= 1
    for label, key in parents:
        family = int(label.removeprefix("ouder.gezin"))
        client = _portal_client(key)
        assert Guardian.objects.get(pk=client.session[GUARDIAN_KEY]).family_id == family
        for name, url in pages.items():
            response = client.get(url, secure=True)
            assert response.status_code in {200, 404}, (label, name)
            if name in {"portal:home", "portal:inzage"}:
                assert response.status_code == 200, (label, name)
        download = client.get(pages["portal:inzage_download ?form=json"], secure=True)
        assert download.status_code == 200 and download.streaming
        assert json.loads(download.getvalue())["subject"]["family"] == family
    if on_postgres:  # the plan check walks the portal too, each page as each member
        from bench.load.plans import check_sweep

        result = check_sweep([])
        assert result["views"] == len(sessions) * len(pages)


def test_a_streamed_exports_read_is_judged_by_its_plan_alone(monkeypatch):
    """A read over 10 ms however planned is flagged: it reads what the region holds. The
    inzage's read of a family's log, while its answer streams, returns what the family holds
    (thousands of entries): flagged only when the page plans it worse than the best way."""
    from bench.load import plans

    times = {"auto": 12.0, "generic": 900.0, "custom": 11.0}
    monkeypatch.setattr(plans, "_timed", lambda sql, params: times)
    sql = 'SELECT * FROM "audit_accesslogentry"'
    assert plans._timed_read(plans.Read(sql, (), "custom"))[1]  # slow, on a page
    assert not plans._timed_read(plans.Read(sql, (), "custom", whole=True))[1]
    assert plans._timed_read(plans.Read(sql, (), "generic", whole=True))[1]  # planned worse
    found, _flag = plans._timed_read(plans.Read(sql, (), "custom", whole=True))
    assert found["custom"] == 11.0 and found["page_runs_it"] == "custom"
