"""The case API: the whole zorgroute through HTTP alone, bad input, and who sees what."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client

from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.cases.models import Case, Child, FamilyContact, Note, Signal
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Professional
from tests.auth import sign_in
from tests.cases.route import advance, open_case
from tests.conftest import World
from tests.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def new_child(**fields: Any) -> Child:
    return cast(Child, ChildFactory(**fields))


def client_for(user: Professional, **kwargs: Any) -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs), user)


def post(client: Client, url: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **extra)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    return body


def signal(world: World, child: Child, author: Professional | None = None) -> int:
    response = post(
        client_for(author or world.teacher),
        "/api/signals",
        {
            "child_id": child.pk,
            "domain": "behaviour",
            "urgency": "normal",
            "description": "Komt vaak te laat en is stil in de klas.",
        },
    )
    assert response.status_code == 201, response.content
    return int(response.json()["case_id"])


def step(client: Client, case_id: int, name: str, comment: str = "", **data: Any) -> Any:
    return post(
        client,
        f"/api/cases/{case_id}/transitions",
        {"name": name, "comment": comment, "data": data},
    )


def plan_body(world: World) -> dict[str, Any]:
    return {
        "summary": "Extra aandacht in de klas",
        "evaluation_date": "2026-12-15",
        "goals": ["Sem voelt zich veilig in de klas"],
        "actions": [
            {
                "description": "Wekelijks gesprek met Sem",
                "owner_id": world.teacher.pk,
                "due_date": "2026-12-01",
            }
        ],
    }


def log_count(event: Event) -> int:
    return AccessLogEntry.objects.filter(event=event).count()


# --- the whole route ------------------------------------------------------------------------


def test_the_zorgroute_from_signal_to_closed_through_the_api(world: World, pupil: Child) -> None:
    teacher, coach, gs = (
        client_for(world.teacher),
        client_for(world.coach),
        client_for(world.family_specialist),
    )

    # The teacher signals; the case opens with the IB as contact person.
    response = post(
        teacher,
        "/api/signals",
        {
            "child_id": pupil.pk,
            "domain": "behaviour",
            "urgency": "high",
            "description": "Sem is sinds de herfstvakantie stil.",
        },
    )
    assert response.status_code == 201
    created = response.json()
    case_id = created["case_id"]
    assert created["case_state"] == "signalled"
    assert Signal.objects.get(pk=created["id"]).case_id == case_id

    lists_before = log_count(Event.LIST)
    page = coach.get("/api/cases").json()
    assert log_count(Event.LIST) == lists_before + 1
    assert [item["id"] for item in page["items"]] == [case_id]
    item = page["items"][0]
    assert item["state"] == "signalled"
    assert item["state_label"] == "Signalled"
    assert item["priority"] == Case.Priority.HIGH
    assert item["contact_person"] == str(world.coach)
    assert item["children"] == [
        {"given_name": "Sem", "group": "5", "family_name": None, "date_of_birth": None}
    ]
    assert item["stalled"] is False

    # Only the IB may take the first step, and only with a plan (or close: advice was enough).
    assert [t["name"] for t in coach.get(f"/api/cases/{case_id}/transitions").json()] == [
        "make_plan",
        "advice_given",
    ]
    refused = assert_problem(step(coach, case_id, "make_plan"), 409)
    assert refused["detail"] == "Make a plan with the teacher first."

    response = post(coach, f"/api/cases/{case_id}/plans", plan_body(world))
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["number"] == 1
    assert plan["goals"][0]["text"] == "Sem voelt zich veilig in de klas"
    assert plan["actions"][0]["owner_id"] == world.teacher.pk

    made = step(coach, case_id, "make_plan", "Besproken met de leerkracht")
    assert made.status_code == 201
    assert made.json()["to_state"] == "school_plan"
    assert made.json()["comment"] == "Besproken met de leerkracht"
    assert step(coach, case_id, "ask_consent").status_code == 201

    detail = coach.get(f"/api/cases/{case_id}").json()
    assert detail["full"] is True
    guardian = detail["guardians"][0]
    assert guardian["name"] == "Anna Jansen"
    given = step(coach, case_id, "consent_given", method="verbal", guardian=guardian["id"])
    assert given.status_code == 201
    assert given.json()["data"] == {"consent": "given", "method": "verbal"}

    # The family specialist finds the pupil on the school's attention list.
    listed = gs.get(f"/api/locations/{world.school.pk}/attention-list")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [case_id]
    assert (
        step(gs, case_id, "check_district_team", district_team_check="not_known").status_code == 201
    )
    started = step(gs, case_id, "start_support")
    assert started.status_code == 201
    assert started.json()["data"] == {"contact_person": world.family_specialist.pk}

    contact = post(
        gs,
        f"/api/cases/{case_id}/contacts",
        {
            "channel": "phone",
            "summary": "Moeder gebeld, afspraak gemaakt.",
            "happened_at": "2026-11-02T10:30:00",
        },
    )
    assert contact.status_code == 201, contact.content
    assert contact.json()["channel_label"] == "Phone"
    assert contact.json()["happened_at"] == "2026-11-02T10:30:00+01:00"  # Amsterdam time
    note = post(gs, f"/api/cases/{case_id}/notes", {"text": "Huisbezoek volgende week."})
    assert note.status_code == 201
    assert note.json()["author"] == str(world.family_specialist)

    assert step(gs, case_id, "evaluate", "Besproken in het VOT").status_code == 201
    escalated = step(
        gs,
        case_id,
        "escalate",
        escalated_to="psychologist",
        plan_goal="Onderzoek door de psycholoog",
        referral_consent="verbal",
    )
    assert escalated.status_code == 201, escalated.content
    assert escalated.json()["data"]["plan_version"] == 2
    plans = coach.get(f"/api/cases/{case_id}/plans").json()
    assert [p["number"] for p in plans] == [2, 1]
    assert [g["text"] for g in plans[0]["goals"]] == [
        "Sem voelt zich veilig in de klas",
        "Onderzoek door de psycholoog",
    ]

    assert step(gs, case_id, "evaluate", "Psycholoog heeft onderzocht").status_code == 201
    closed = step(coach, case_id, "close", outcome="stayed_regular")
    assert closed.status_code == 201
    assert closed.json()["to_state"] == "closed"

    detail = coach.get(f"/api/cases/{case_id}").json()
    assert detail["state"] == "closed"
    assert detail["outcome"] == "stayed_regular"
    assert detail["outcome_label"] == "Stayed in regular provision"
    assert [s["transition"] for s in detail["steps"]] == [
        "open",
        "make_plan",
        "ask_consent",
        "consent_given",
        "check_district_team",
        "start_support",
        "evaluate",
        "escalate",
        "evaluate",
        "close",
    ]
    assert [n["text"] for n in detail["notes"]] == ["Huisbezoek volgende week."]
    assert detail["family_contacts"][0]["summary"] == "Moeder gebeld, afspraak gemaakt."
    assert detail["children"][0]["family_name"] == "Jansen"
    assert coach.get(f"/api/cases/{case_id}/transitions").json() == []

    # The teacher sees what became of the signal.
    mine = teacher.get("/api/signals").json()
    assert mine["count"] == 1
    assert mine["items"][0]["case"] == {
        "id": case_id,
        "state": "closed",
        "state_label": "Closed",
        "contact_person": str(world.family_specialist),
    }
    assert mine["items"][0]["child"]["given_name"] == "Sem"
    assert mine["items"][0]["urgency_label"] == "This week"


def test_reading_a_case_is_logged_once_and_summary_hides_the_file(
    world: World, pupil: Child
) -> None:
    case_id = signal(world, pupil)
    post(client_for(world.coach), f"/api/cases/{case_id}/notes", {"text": "Vertrouwelijk."})
    reads = log_count(Event.READ)
    summary = client_for(world.teacher).get(f"/api/cases/{case_id}").json()
    assert log_count(Event.READ) == reads + 1
    entry = AccessLogEntry.objects.filter(event=Event.READ).order_by("-id").first()
    assert entry is not None
    assert (entry.case_id, entry.user_id) == (case_id, world.teacher.pk)
    assert summary["full"] is False
    assert summary["notes"] is None
    assert summary["guardians"] is None
    assert summary["family_contacts"] is None
    assert summary["children"] == [
        {"given_name": "Sem", "group": "5", "family_name": None, "date_of_birth": None}
    ]
    full = client_for(world.coach).get(f"/api/cases/{case_id}").json()
    assert [n["text"] for n in full["notes"]] == ["Vertrouwelijk."]


def test_a_signal_about_a_second_child_joins_the_family_case(world: World, pupil: Child) -> None:
    sister = new_child(family=pupil.family, location=world.school, given_name="Lotte")
    first = signal(world, pupil)
    second = signal(world, sister)
    assert first == second
    page = client_for(world.coach).get("/api/cases").json()
    assert sorted(c["given_name"] for c in page["items"][0]["children"]) == ["Lotte", "Sem"]


# --- who sees what ------------------------------------------------------------------------


def test_who_sees_which_cases(world: World, pupil: Child) -> None:
    own = signal(world, pupil, world.teacher)
    colleague = signal(world, new_child(location=world.school), world.other_teacher)
    elsewhere = signal(world, new_child(location=world.other_school), world.other_coach)

    def visible(user: Professional, query: str = "") -> list[int]:
        response = client_for(user).get(f"/api/cases{query}")
        assert response.status_code == 200
        return sorted(item["id"] for item in response.json()["items"])

    assert visible(world.teacher) == [own]
    assert visible(world.other_teacher) == [colleague]
    assert visible(world.coach) == sorted([own, colleague])
    assert visible(world.other_coach) == [elsewhere]
    assert visible(world.policy_officer) == []
    assert visible(world.officer) == []
    assert visible(world.coordinator) == sorted([own, colleague, elsewhere])
    assert visible(world.coordinator, f"?location={world.other_school.pk}") == [elsewhere]
    assert visible(world.coordinator, "?location=999999") == []
    assert visible(world.coach, "?state=closed") == []
    assert visible(world.coach, "?state=signalled&limit=1")[0] in {own, colleague}
    page = client_for(world.coach).get("/api/cases?limit=1&offset=1").json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (2, 1, 1, 1)


def test_the_attention_list_is_only_for_its_keepers(world: World, pupil: Child) -> None:
    url = f"/api/locations/{world.school.pk}/attention-list"
    assert client_for(world.coach).get(url).json() == []
    assert client_for(world.swv).get(url).status_code == 200
    for user in (world.teacher, world.other_coach, world.policy_officer, world.director):
        assert_problem(client_for(user).get(url), 404)
    assert_problem(client_for(world.coach).get("/api/locations/987654/attention-list"), 404)


def test_a_forbidden_case_answers_exactly_like_a_missing_one(world: World, pupil: Child) -> None:
    case_id = signal(world, pupil)
    missing = case_id + 1000
    outsider = client_for(world.other_coach)
    requests = [
        ("get", "/api/cases/{}", None),
        ("get", "/api/cases/{}/transitions", None),
        ("get", "/api/cases/{}/plans", None),
        ("post", "/api/cases/{}/transitions", {"name": "make_plan"}),
        ("post", "/api/cases/{}/plans", plan_body(world)),
        ("post", "/api/cases/{}/notes", {"text": "Gezien."}),
        ("post", "/api/cases/{}/contacts", {"channel": "phone", "summary": "Gebeld."}),
    ]
    for method, url, body in requests:
        answers = []
        for target in (case_id, missing):
            if method == "get":
                response = outsider.get(url.format(target))
            else:
                response = post(outsider, url.format(target), body)
            assert_problem(response, 404)
            answers.append((response.status_code, response["Content-Type"], response.content))
        assert answers[0] == answers[1], url
    # A teacher who may see the case exists may not write on it: also 404 for notes.
    assert_problem(
        post(client_for(world.teacher), f"/api/cases/{case_id}/notes", {"text": "Gezien."}), 404
    )
    assert Note.objects.count() == 0


def test_a_teacher_may_see_but_not_move_the_case(world: World, pupil: Child) -> None:
    case_id = signal(world, pupil)
    teacher = client_for(world.teacher)
    assert teacher.get(f"/api/cases/{case_id}/transitions").json() == []
    body = assert_problem(step(teacher, case_id, "make_plan"), 409)
    assert body["detail"] == "Your role may not take this step."


# --- signing in, CSRF, language ------------------------------------------------------------


def test_without_a_session_every_operation_answers_401(world: World) -> None:
    anonymous = Client()
    for url in (
        "/api/cases",
        "/api/cases/1",
        "/api/signals",
        "/api/pupils",
        "/api/csrf",
        f"/api/locations/{world.school.pk}/attention-list",
    ):
        assert_problem(anonymous.get(url), 401)
    assert_problem(post(anonymous, "/api/signals", {"child_id": 1}), 401)
    assert_problem(post(anonymous, "/api/cases/1/notes", {"text": "x"}), 401)


def test_a_client_with_the_session_and_the_csrf_token_can_write(world: World, pupil: Child) -> None:
    browser = sign_in(Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en"), world.teacher)
    body = {"child_id": pupil.pk, "domain": "learning", "description": "Leest nog niet."}
    refused = assert_problem(post(browser, "/api/signals", body), 403)
    assert "X-CSRFToken" in refused["detail"]
    assert Signal.objects.count() == 0

    token = browser.get("/api/csrf").json()["csrf_token"]
    assert browser.cookies["csrftoken"].value
    assert_problem(post(browser, "/api/signals", body, HTTP_X_CSRFTOKEN="wrong" * 7), 403)
    accepted = post(browser, "/api/signals", body, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    assert Signal.objects.count() == 1


def test_the_api_speaks_the_language_of_the_request(world: World, pupil: Child) -> None:
    case_id = signal(world, pupil)
    dutch = sign_in(Client(), world.coach).get(f"/api/cases/{case_id}")
    assert dutch["Content-Language"] == "nl"
    english = client_for(world.coach).get(f"/api/cases/{case_id}")
    assert english["Content-Language"] == "en"
    assert english.json()["state_label"] == "Signalled"
    assert assert_problem(client_for(world.coach).get("/api/cases/424242"), 404)["title"] == (
        "Not found"
    )


def test_the_openapi_document_describes_every_operation(world: World) -> None:
    response = client_for(world.coach).get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "X-CSRFToken" in schema["info"]["description"]
    expected = {
        ("get", "/api/cases"),
        ("get", "/api/cases/{case_id}"),
        ("get", "/api/cases/{case_id}/transitions"),
        ("post", "/api/cases/{case_id}/transitions"),
        ("get", "/api/cases/{case_id}/plans"),
        ("post", "/api/cases/{case_id}/plans"),
        ("post", "/api/cases/{case_id}/notes"),
        ("post", "/api/cases/{case_id}/contacts"),
        ("get", "/api/cases/{case_id}/steps"),
        ("get", "/api/cases/{case_id}/notes"),
        ("get", "/api/cases/{case_id}/contacts"),
        ("get", "/api/signals"),
        ("post", "/api/signals"),
        ("get", "/api/locations/{location_id}/attention-list"),
    }
    operations = {
        (method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert expected <= operations.keys()
    for key in expected:
        operation = operations[key]
        assert operation["tags"] and operation["summary"] and operation["description"], key
        assert list(operation["responses"]["401"]["content"]) == [PROBLEM]


def test_the_openapi_document_is_built_once_and_each_caller_gets_its_own(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the document cost 85 ms of CPU a fetch (issue 17): it is built once per
    process, root and language; what one caller changes in it, the next never sees."""
    from ninja.openapi import schema as ninja_schema

    from kansrijk.api import api

    built: list[str] = []
    build = ninja_schema.get_schema

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(kwargs["path_prefix"])
        return build(*args, **kwargs)

    monkeypatch.setattr("ninja.main.get_schema", counted)
    monkeypatch.setattr(api, "_documents", {})
    client = client_for(world.coach)
    first = client.get("/api/openapi.json").json()
    assert client.get("/api/openapi.json").json() == first
    assert built == ["/api/"]  # in the session's language; another builds its own
    assert ("get", "/api/cases") in {(m, p) for p, item in first["paths"].items() for m in item}
    mine = api.get_openapi_schema(path_prefix="/api/")
    mine["info"]["title"] = "changed"
    mine["paths"].clear()
    again = api.get_openapi_schema(path_prefix="/api/")
    assert again["info"]["title"] == "Kansrijk API"
    assert json.loads(json.dumps(again["paths"])) == first["paths"]


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "child_id"),
        ({"child_id": "een", "domain": "learning", "description": "x"}, "child_id"),
        ({"child_id": 2**70, "domain": "learning", "description": "x"}, "child_id"),
        ({"child_id": -1, "domain": "learning", "description": "x"}, "child_id"),
        ({"child_id": 1, "domain": "astrology", "description": "x"}, "domain"),
        ({"child_id": 1, "domain": "learning", "urgency": "now", "description": "x"}, "urgency"),
        ({"child_id": 1, "domain": "learning", "description": "nul\x00byte"}, "description"),
        ({"child_id": 1, "domain": "learning", "description": "x" * 10_001}, "description"),
        ({"child_id": 1, "domain": "learning", "description": ""}, "description"),
        ({"child_id": 1, "domain": "learning", "description": "x", "extra": 1}, "extra"),
        ([1, 2, 3], None),
    ],
)
def test_bad_signals_are_refused_with_422(
    world: World, pupil: Child, body: Any, field: str | None
) -> None:
    if isinstance(body, dict) and body.get("child_id") == 1:
        body["child_id"] = pupil.pk
    problem = assert_problem(post(client_for(world.teacher), "/api/signals", body), 422)
    assert problem["errors"]
    if field:
        assert any(field in e["loc"] for e in problem["errors"]), problem["errors"]
    assert Signal.objects.count() == 0


def test_a_blank_signal_names_the_field(world: World, pupil: Child) -> None:
    response = post(
        client_for(world.teacher),
        "/api/signals",
        {"child_id": pupil.pk, "domain": "learning", "description": "   "},
    )
    problem = assert_problem(response, 422)
    assert problem["detail"] == "Describe what you noticed."
    assert problem["errors"][0]["loc"] == ["body", "description"]


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b'{"child_id": 1,}'])
def test_malformed_json_is_a_400_problem(world: World, body: bytes) -> None:
    assert_problem(post(client_for(world.teacher), "/api/signals", body), 400)


def test_signals_about_other_pupils_are_404(world: World, pupil: Child) -> None:
    elsewhere = new_child(location=world.other_school)
    for user, child in ((world.teacher, elsewhere), (world.policy_officer, pupil)):
        response = post(
            client_for(user),
            "/api/signals",
            {"child_id": child.pk, "domain": "learning", "description": "x"},
        )
        assert_problem(response, 404)
    response = post(
        client_for(world.teacher),
        "/api/signals",
        {"child_id": 2**63 - 1, "domain": "learning", "description": "x"},
    )
    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "fly_to_the_moon"}, 409),
        ({"name": "close", "data": {"outcome": "vanished"}}, 422),
        ({"name": "make_plan", "data": {"colour": "red"}}, 422),
        ({"name": "make_plan", "comment": "\x00"}, 422),
        ({"name": "make_plan", "comment": "x" * 10_001}, 422),
        ({"name": "consent_given", "data": {"guardian": 2**64}}, 422),
        ({"name": "consent_given", "data": {"guardian": "Anna"}}, 422),
        ({"name": "check_district_team", "data": {"approach": "y" * 501}}, 422),
        ({"name": "check_district_team", "data": {"known_worker": "Karin"}}, 422),
        ({"name": 12}, 422),
        ({"comment": "no name"}, 422),
    ],
)
def test_bad_steps(world: World, pupil: Child, body: dict[str, Any], status: int) -> None:
    case_id = signal(world, pupil)
    problem = assert_problem(
        post(client_for(world.coach), f"/api/cases/{case_id}/transitions", body), status
    )
    assert problem["detail"]
    assert Case.objects.get(pk=case_id).state == "signalled"


def test_a_step_that_needs_data_explains_what_is_missing(world: World, pupil: Child) -> None:
    case_id = signal(world, pupil)
    coach = client_for(world.coach)
    post(coach, f"/api/cases/{case_id}/plans", plan_body(world))
    problem = assert_problem(step(coach, case_id, "close"), 409)
    assert problem["detail"] == "This step is not possible while the case is 'Signalled'."
    step(coach, case_id, "make_plan")
    problem = assert_problem(step(coach, case_id, "close"), 409)
    assert problem["detail"] == "Choose the outcome of the case."
    assert step(coach, case_id, "close", outcome="school_alone").status_code == 201


def test_closing_over_a_new_signal_asks_the_api_client_to_confirm_it(
    world: World, pupil: Child
) -> None:
    """The same rule as the page: a 409 that says why, until `new_signal_read` confirms it."""
    case_id = signal(world, pupil)
    coach = client_for(world.coach)
    post(coach, f"/api/cases/{case_id}/plans", plan_body(world))
    step(coach, case_id, "make_plan")
    sister = new_child(family=pupil.family, location=world.school, given_name="Lotte")
    assert signal(world, sister, world.other_teacher) == case_id
    problem = assert_problem(step(coach, case_id, "close", outcome="school_alone"), 409)
    assert problem["detail"] == (
        "A new signal came in after the last step. Read it on the case page, then confirm "
        "that you have read it, or take another step."
    )
    closed = step(coach, case_id, "close", outcome="school_alone", new_signal_read=True)
    assert closed.status_code == 201
    assert Case.objects.get(pk=case_id).state == "closed"


@pytest.mark.parametrize(
    "change",
    [
        {"goals": []},
        {"goals": ["   "]},
        {"goals": ["g" * 501]},
        {"goals": "one goal"},
        {"evaluation_date": "1800-01-01"},
        {"evaluation_date": "3000-01-01"},
        {"evaluation_date": "2026-02-30"},
        {"evaluation_date": "tomorrow"},
        {"summary": "a\x00b"},
        {"actions": [{"description": "", "owner_id": None}]},
        {"actions": [{"description": "d" * 501}]},
        {"actions": [{"description": "Bellen", "owner_id": 2**63}]},
        {"actions": [{"description": "Bellen", "owner_id": 987654321}]},
        {"actions": [{"description": "Bellen", "due_date": "0000-01-01"}]},
    ],
)
def test_bad_plans(world: World, pupil: Child, change: dict[str, Any]) -> None:
    case_id = signal(world, pupil)
    response = post(
        client_for(world.coach), f"/api/cases/{case_id}/plans", {**plan_body(world), **change}
    )
    assert assert_problem(response, 422)["errors"]
    assert client_for(world.coach).get(f"/api/cases/{case_id}/plans").json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "fax", "summary": "Gefaxt."},
        {"channel": "phone", "summary": ""},
        {"channel": "phone", "summary": "  "},
        {"channel": "phone", "summary": "x\x00"},
        {"channel": "phone", "summary": "Gebeld.", "happened_at": "0001-01-01T00:00:00+05:00"},
        {"channel": "phone", "summary": "Gebeld.", "happened_at": "9999-12-31T23:59:59-05:00"},
        {"channel": "phone", "summary": "Gebeld.", "happened_at": "gisteren"},
        {"text": "wrong schema"},
    ],
)
def test_bad_family_contacts(world: World, pupil: Child, body: dict[str, Any]) -> None:
    case_id = signal(world, pupil)
    assert_problem(post(client_for(world.coach), f"/api/cases/{case_id}/contacts", body), 422)
    assert FamilyContact.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": " \n "}, {"text": "\x00"}, {"text": 42}, {"text": "x" * 10_001}],
)
def test_bad_notes(world: World, pupil: Child, body: dict[str, Any]) -> None:
    case_id = signal(world, pupil)
    assert_problem(post(client_for(world.coach), f"/api/cases/{case_id}/notes", body), 422)
    assert Note.objects.count() == 0


def test_writing_on_a_closed_case_is_a_409(world: World, pupil: Child) -> None:
    case_id = signal(world, pupil)
    coach = client_for(world.coach)
    post(coach, f"/api/cases/{case_id}/plans", plan_body(world))
    step(coach, case_id, "make_plan")
    step(coach, case_id, "close", outcome="school_alone")
    assert_problem(post(coach, f"/api/cases/{case_id}/plans", plan_body(world)), 409)
    assert_problem(
        post(coach, f"/api/cases/{case_id}/contacts", {"channel": "phone", "summary": "Gebeld."}),
        409,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/cases?limit=0",
        "/api/cases?limit=201",
        "/api/cases?offset=-1",
        "/api/cases?offset=99999999999999999999",
        "/api/cases?state=lost",
        "/api/cases?location=abc",
        "/api/cases?location=0",
        "/api/cases/abc",
        "/api/cases/0",
        "/api/cases/99999999999999999999999",
        "/api/cases/1/plans?x=%00",
        "/api/signals?limit=abc",
        "/api/locations/abc/attention-list",
        "/api/locations/99999999999999999999/attention-list",
    ],
)
def test_bad_queries_are_422(world: World, url: str) -> None:
    response = client_for(world.coach).get(url)
    if url.endswith("%00"):
        assert_problem(response, 404)  # unknown query parameters are ignored
    else:
        assert assert_problem(response, 422)["errors"]


def test_a_wrong_method_is_a_405_problem(world: World) -> None:
    response = client_for(world.coach).delete("/api/cases")
    assert_problem(response, 405)
    assert response["Allow"] == "GET"


def test_the_case_list_costs_the_same_queries_for_many_cases(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        signal(world, new_child(location=world.school))
    coach = client_for(world.coach)
    coach.get("/api/cases")  # session, memberships warm
    with django_assert_max_num_queries(14):
        response = coach.get("/api/cases")
    assert response.json()["count"] == 12


# --- the journal, paged (issue 17) ---------------------------------------------------------


def test_a_long_journal_comes_a_page_at_a_time(world: World, pupil: Child) -> None:
    """A case with 130 steps: the case answer holds the newest 50 (oldest of them first), the
    steps operation pages through all of them newest first, in the same number of queries
    per page; a summary reader gets steps without their comment and no notes at all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.cases.test_pages import _add_steps

    case_id = signal(world, pupil)
    post(client_for(world.coach), f"/api/cases/{case_id}/notes", {"text": "Vertrouwelijk."})
    case = Case.objects.get(pk=case_id)
    coach = client_for(world.coach)
    with CaptureQueriesContext(connection) as few:
        assert coach.get(f"/api/cases/{case_id}/steps?limit=10").status_code == 200
    _add_steps(case, world.coach, 130, start=1)
    total = case.steps.count()

    detail = coach.get(f"/api/cases/{case_id}").json()
    assert len(detail["steps"]) == 50
    assert [s["comment"] for s in detail["steps"]][-2:] == ["stap 129", "stap 130"]

    seen: list[str] = []
    offset = 0
    while True:
        with CaptureQueriesContext(connection) as many:
            page = coach.get(f"/api/cases/{case_id}/steps?limit=40&offset={offset}").json()
        assert len(many) == len(few)
        assert page["count"] == total
        seen += [s["comment"] for s in page["items"]]
        offset += 40
        if offset >= total:
            break
    assert len(seen) == total
    assert seen[:2] == ["stap 130", "stap 129"]  # newest first

    teacher = client_for(world.teacher)
    steps = teacher.get(f"/api/cases/{case_id}/steps?limit=5").json()
    assert steps["count"] == total
    assert {s["comment"] for s in steps["items"]} == {""}
    assert_problem(teacher.get(f"/api/cases/{case_id}/notes"), 404)
    assert_problem(teacher.get(f"/api/cases/{case_id}/contacts"), 404)
    notes = coach.get(f"/api/cases/{case_id}/notes").json()
    assert [n["text"] for n in notes["items"]] == ["Vertrouwelijk."]
    reads = AccessLogEntry.objects.filter(case_id=case_id, detail__startswith="api steps")
    assert reads.count() >= 5
    assert_problem(client_for(world.other_coach).get(f"/api/cases/{case_id}/steps"), 404)


def test_a_long_page_logs_every_child_it_shows(world: World) -> None:
    """A page of 200 ids does not fit one log entry's detail (500 characters): the read is
    logged in parts, and every child shown is in one of them."""
    ChildFactory.create_batch(150, location=world.school)
    body = client_for(world.coach).get("/api/pupils?limit=200").json()
    shown = {item["id"] for item in body["items"]}
    assert len(shown) >= 150
    details = list(
        AccessLogEntry.objects.filter(detail__startswith="api pupils")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert len(details) > 1 and all(len(d) <= 500 for d in details)
    assert details[0].endswith(f"(part 1/{len(details)})")
    logged = {int(pk) for d in details for pk in d.split("children=")[1].split(" ")[0].split(",")}
    assert logged == shown


@pytest.mark.skipif(connection.vendor != "postgresql", reason="cases read once on PostgreSQL")
def test_a_specialists_pupils_read_the_specialists_cases_once(world: World) -> None:
    """The family specialist may signal about the children of the families whose file they
    read: the page and its count take those cases read once (issue 17: each computed them,
    10-13 ms at region scale for a specialist of 991 cases), and list the same children."""
    from django.test.utils import CaptureQueriesContext

    child = new_child(location=world.school)
    GuardianFactory(family=child.family)
    case = open_case(world, child)
    advance(world, case, CaseState.IN_SUPPORT)
    sister = ChildFactory(family=child.family, location=world.other_school)
    gs = client_for(world.family_specialist)
    with CaptureQueriesContext(connection) as queries:
        body = gs.get("/api/pupils?limit=1").json()
    assert body["count"] == 2 and body["items"][0]["id"] in {child.pk, sister.pk}
    reads = [q["sql"] for q in queries if '"cases_casemember"' in q["sql"]]
    assert len(reads) == 1, reads  # the specialist's cases, read once for both
    children = [q["sql"] for q in queries if 'FROM "cases_child"' in q["sql"]]
    assert len(children) == 2 and all("unnest(" in q for q in children), children


def test_a_signal_asks_once_whether_the_pupil_may_be_picked(world: World, pupil: Child) -> None:
    """The service's check is the one check (issue 17: the API asked it too, two queries
    more), and the match register's registration is part of the signal's transaction (no
    savepoint of its own). A pupil the user may not pick is still a 404."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Child.objects.filter(pk=pupil.pk).update(bsn="111222333")
    teacher = client_for(world.teacher)
    body = {"child_id": pupil.pk, "domain": "behaviour", "description": "Stil in de klas."}
    assert post(teacher, "/api/signals", body).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert post(teacher, "/api/signals", body).status_code == 201
    sql = [q["sql"] for q in queries]
    assert len([q for q in sql if 'FROM "core_group"' in q]) == 1
    # The test's own transaction makes the signal's a savepoint: one, not one more inside it.
    assert len([q for q in sql if q.startswith("SAVEPOINT")]) == 1
    assert len(sql) <= 15 + 2, sql  # + the savepoint and its release
    elsewhere = new_child(location=world.other_school)
    assert_problem(post(teacher, "/api/signals", {**body, "child_id": elsewhere.pk}), 404)
