"""Walk every role × relation × page and API operation and assert exactly what the matrix
allows: a granted action answers (not 404, not 405, not 5xx), anything else answers 404.

The walk fails when a page or operation exists without an entry in kansrijk/access/pages.py.
Entries with Scope.OBJECT (a meeting, a feed token, a flag, a family's inzage) are about an
object of their own: their app's tests check them, the walk only requires the entry.
Entries with Scope.FAMILY (the family portal) answer 404 to every professional role and to
anonymous users; tests/portal checks parent / other parent / child 12+.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kansrijk.access.matrix import MATRIX, Action, Relation
from kansrijk.access.pages import API, PAGES, Rule, Scope, named_pages
from kansrijk.access.policies import (
    HANDOVER_RECEIVING_ROLES,
    PICK_OWN_GROUPS,
    PICK_THROUGH_CASES,
)
from kansrijk.access.roles import Role
from kansrijk.api import api
from kansrijk.cases.models import Case, CaseMember, Child, Referral, Signal
from kansrijk.consent.models import Consent, Purpose
from kansrijk.core.models import Location, Membership, Organisation, Professional
from kansrijk.roster.models import Function, RosterRule
from kansrijk.safety.models import Meldcode
from tests.auth import sign_in
from tests.factories import (
    ChildFactory,
    ConsentFactory,
    LocationFactory,
    OrganisationFactory,
    ProfessionalFactory,
    teaches,
)

#: Values for the URL arguments of a case page other than the case.
SAMPLE_KWARGS: dict[str, object] = {"name": "evaluate", "number": 1}
#: Roles that belong to the school's own organisation; the others come from partner organisations.
SCHOOL_ROLES = {Role.TEACHER, Role.INTERNAL_COACH, Role.DIRECTOR}
WALKED_RELATIONS = [
    Relation.CONTACT_PERSON,
    Relation.SUPPORT_TEAM,
    Relation.SIGNAL_AUTHOR,
    Relation.REFERRAL_RECIPIENT,
    Relation.SAME_LOCATION,
    Relation.NONE,
]


# --- what exists -----------------------------------------------------------------------------


#: Every named page (API excluded), with the names of its URL arguments.
url_patterns = functools.cache(named_pages)


@functools.cache
def openapi_paths() -> dict[str, dict[str, Any]]:
    return dict(api.get_openapi_schema()["paths"])


def api_operations() -> set[str]:
    return {f"{method.upper()} {path}" for path, ops in openapi_paths().items() for method in ops}


def has_body(operation: str) -> bool:
    method, path = operation.split(" ", 1)
    return "requestBody" in openapi_paths()[path][method.lower()]


def test_every_page_has_an_entry() -> None:
    assert set(url_patterns()) - set(PAGES) == set(), "pages without an entry in access/pages.py"
    assert set(PAGES) - set(url_patterns()) == set(), "entries in access/pages.py without a page"


def test_every_api_operation_has_an_entry() -> None:
    assert api_operations() - set(API) == set(), "operations without an entry in pages.API"
    assert set(API) - api_operations() == set(), "entries in pages.API without an operation"


def test_case_pages_are_walked_as_case_pages() -> None:
    """A page or operation about a case is a CASE entry, so the walk reaches it; an OBJECT
    entry names an object in its URL (else it is a list, and ROLES or PROFESSIONAL)."""
    wrong = []
    for name, rule in PAGES.items():
        arguments = url_patterns().get(name, ())
        if ("case_id" in arguments) != (rule.scope == Scope.CASE):
            wrong.append(f"{name}: scope {rule.scope}, arguments {arguments}")
        if rule.scope == Scope.OBJECT and not arguments:
            wrong.append(f"{name}: OBJECT without an object in its URL")
        if rule.scope == Scope.CASE and not rule.actions:
            wrong.append(f"{name}: CASE without an action")
    for operation, rule in API.items():
        if ("{case_id}" in operation) != (rule.scope == Scope.CASE):
            wrong.append(f"{operation}: scope {rule.scope}")
        if rule.scope == Scope.OBJECT and "{" not in operation:
            wrong.append(f"{operation}: OBJECT without an object in its path")
        if rule.scope == Scope.CASE and not rule.actions:
            wrong.append(f"{operation}: CASE without an action")
    assert wrong == []


def test_walked_operations_with_a_body_have_a_sample_body() -> None:
    """Ninja refuses a body it cannot read (422) before the handler checks access, so the
    walk sends a valid body to every operation it walks that takes one."""
    walked = {o for o, rule in API.items() if rule.scope not in (Scope.OBJECT, Scope.PUBLIC)}
    needing = {o for o in walked if has_body(o)}
    assert needing - set(SAMPLE_BODIES) == set(), "add a valid body to SAMPLE_BODIES"
    assert set(SAMPLE_BODIES) - needing == set(), "SAMPLE_BODIES for operations not walked"


# --- the setting -----------------------------------------------------------------------------


@dataclass
class Setting:
    user: Professional
    home: Location
    cases: dict[Relation, Case]
    officer: Professional  # a community officer the meldcode workers may involve
    #: A child at the user's own location with no case yet: signalling about a child of a
    #: walked case would make the user its signal author and change what the walk expects.
    pupil: Child


def _case(location: Location, contact: Professional, name: str) -> Case:
    # Group 9: no walker teaches it, so a teacher's own pupil list never names this child.
    child = cast(Child, ChildFactory(location=location, given_name=name, group="9"))
    case = Case.objects.create(family=child.family, location=location, contact_person=contact)
    ConsentFactory(child=child, case=case, recorded_by=contact)
    # An open meldcode, so that reading it answers for whoever may (else "none": 404).
    Meldcode.objects.create(case=case, started_by=contact)
    return case


def build(role: Role) -> Setting:
    """One professional in `role`, and one case per relation they can have to a case."""
    board = cast(Organisation, OrganisationFactory(name="Schoolbestuur"))
    home = cast(Location, LocationFactory(organisation=board, code="home"))
    away = cast(Location, LocationFactory(organisation=board, code="away"))
    organisation = (
        board
        if role in SCHOOL_ROLES
        else cast(Organisation, OrganisationFactory(name=f"Partner {role}"))
    )
    user = cast(Professional, ProfessionalFactory(username=f"walker-{role}"))
    Membership.objects.create(
        professional=user, role=role, organisation=organisation, location=home
    )
    other = cast(Professional, ProfessionalFactory(username="someone-else"))
    Membership.objects.create(
        professional=other, role=Role.INTERNAL_COACH, organisation=board, location=away
    )
    officer = cast(Professional, ProfessionalFactory(username="officer-on-call"))
    Membership.objects.create(
        professional=officer,
        role=Role.COMMUNITY_OFFICER,
        organisation=cast(Organisation, OrganisationFactory(name="Politie")),
        location=None,
    )
    cases = {
        relation: _case(
            home if relation == Relation.SAME_LOCATION else away, other, child_name(relation)
        )
        for relation in WALKED_RELATIONS
    }
    Case.objects.filter(pk=cases[Relation.CONTACT_PERSON].pk).update(contact_person=user)
    CaseMember.objects.create(case=cases[Relation.SUPPORT_TEAM], professional=user, role=role)
    signalled = cases[Relation.SIGNAL_AUTHOR]
    signalled_child = signalled.family.children.get()
    ChildFactory(family=signalled.family, location=away, given_name=SIBLING, group="9")
    Signal.objects.create(
        case=signalled,
        child=signalled_child,
        author=user,
        author_role=role,
        location=away,
        domain="learning",
        description="x",
    )
    referred = cases[Relation.REFERRAL_RECIPIENT]
    Referral.objects.create(case=referred, organisation=organisation, target=role)
    Consent.objects.create(
        child=referred.family.children.get(),
        case=referred,
        purpose=Purpose.REFERRAL,
        recipient=organisation,
        status=Consent.Status.GIVEN,
        method="paper",
        recorded_by=other,
    )
    rostered = RosterRule.objects.create(
        code="walk", label="Walk", function=Function.values[0], amount=1
    )
    rostered.locations.add(home)  # the roster's centre pages show rostered centres only
    return Setting(
        user=user,
        home=home,
        cases={r: Case.objects.get(pk=c.pk) for r, c in cases.items()},
        officer=officer,
        pupil=_pickable_pupil(user, role, home, other),
    )


def _pickable_pupil(user: Professional, role: Role, home: Location, other: Professional) -> Child:
    """A pupil the user may pick for a signal (access.policies.pupil_pick): in a teacher's
    own group; for the family and SWV specialists a pupil of a family whose file they read."""
    pupil = cast(Child, ChildFactory(location=home))
    if role in PICK_OWN_GROUPS:
        teaches(user, home, pupil.group)
    if role in PICK_THROUGH_CASES:
        case = Case.objects.create(family=pupil.family, location=home, contact_person=user)
        CaseMember.objects.create(case=case, professional=other, role=Role.INTERNAL_COACH)
        Consent.objects.create(
            child=pupil,
            case=case,
            purpose=Purpose.DISCUSS_IN_VOT,
            status=Consent.Status.GIVEN,
            method="paper",
            recorded_by=other,
        )
    return pupil


#: The sibling on the signal author's case: a signal author sees the child they signalled,
#: not the family (unless their role reads the whole file).
SIBLING = "Zuszonderrelatie"


def child_name(relation: Relation) -> str:
    """A name no fake name can be: the child of the walked case with this relation."""
    return f"Kindvia{relation.value.replace('_', '')}"


def forbidden_names(role: Role) -> list[str]:
    """Children the role has no relation to: their names never appear in any response."""
    names = [
        child_name(relation)
        for relation in WALKED_RELATIONS
        # The walker filed the signal on that case: the child they signalled is theirs to see.
        if relation != Relation.SIGNAL_AUTHOR and not MATRIX[role].get(relation, frozenset())
    ]
    if Action.FULL not in MATRIX[role].get(Relation.SIGNAL_AUTHOR, frozenset()):
        names.append(SIBLING)
    return names


def text_of(response: Any) -> str:
    """What the user reads in the answer: HTML, JSON and CSV as text, PDF and XLSX opened."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", errors="replace")


#: A BSN no child has: the BSN operations then refuse with a message, changing nothing.
UNKNOWN_BSN = "000000000"

#: Valid bodies, so that the API reaches its access check instead of refusing the schema.
SAMPLE_BODIES: dict[str, Callable[[Setting], dict[str, Any]]] = {
    "POST /api/cases/{case_id}/transitions": lambda s: {"name": "evaluate", "comment": "besproken"},
    "POST /api/cases/{case_id}/plans": lambda s: {"goals": ["Sem leest mee"], "actions": []},
    "POST /api/cases/{case_id}/notes": lambda s: {"text": "Notitie"},
    "POST /api/cases/{case_id}/contacts": lambda s: {"channel": "phone", "summary": "Gebeld"},
    "POST /api/signals": lambda s: {
        "child_id": s.pupil.pk,
        "domain": "learning",
        "urgency": "normal",
        "description": "x",
    },
    "POST /api/matches/involvements": lambda s: {
        "bsn": "111222333",
        "contact_name": "Fatima El Amrani",
        "contact_phone": "0101234567",
    },
    "POST /api/safety/cases/{case_id}/meldcode/steps": lambda s: {"number": 1, "summary": "x"},
    "POST /api/safety/cases/{case_id}/meldcode/report": lambda s: {
        "reported_on": timezone.localdate().isoformat(),
        "reference": "VT-1",
    },
    "POST /api/safety/cases/{case_id}/community-officer": lambda s: {
        "officer_id": s.officer.pk,
        "reason": "x",
    },
    "POST /api/safety/contact-attempts": lambda s: {"child_id": s.pupil.pk, "kind": "unanswered"},
    "POST /api/safety/vulnerable-families": lambda s: {
        "bsn": UNKNOWN_BSN,
        "source": "x",
        "reason": "x",
    },
    "POST /api/safety/emergency-access": lambda s: {"bsn": UNKNOWN_BSN, "reason": "x"},
}

#: Values for the URL arguments of pages that are not about a case.
SAMPLE_ARGUMENTS: dict[str, Callable[[Setting], object]] = {
    "location_code": lambda s: s.home.code,
    "code": lambda s: s.home.code,
    # The management area's pages about one object: the walker's own account is one that
    # exists for every model where it matters (a missing id redirects to the list).
    "object_id": lambda s: s.user.pk,
    "plan_id": lambda s: (
        s.cases[Relation.CONTACT_PERSON].plans.values_list("pk", flat=True).first() or 1
    ),
}
#: Pages whose argument means something of its own.
PAGE_ARGUMENTS: dict[str, Callable[[Setting], dict[str, object]]] = {
    "roster:person_week": lambda s: {"pk": s.user.pk},
    "admin:app_list": lambda s: {"app_label": "core"},
}
#: Values for the path parameters of operations that are not about a case.
API_ARGUMENTS: dict[str, Callable[[Setting], object]] = {
    "{location_id}": lambda s: s.home.pk,
}


# --- the walk --------------------------------------------------------------------------------


def send(client: Client, rule: Rule, url: str, body: dict[str, Any] | None = None) -> Any:
    if rule.method == "POST" and url.startswith("/api/"):
        return client.post(url, body or {}, content_type="application/json")
    if rule.method == "POST":
        return client.post(url, {})
    return client.get(url)


def expected(rule: Rule, role: Role, relation: Relation | None) -> bool:
    if rule.scope == Scope.CASE:
        assert relation is not None
        granted = MATRIX[role].get(relation, frozenset())
        return bool(rule.actions & granted)
    if rule.scope == Scope.ROLES:
        return role in rule.roles
    # FAMILY: the portal is for a family member signed in with DigiD only, never a professional.
    return rule.scope != Scope.FAMILY


def verdict(
    response: Any, allowed: bool, where: str, forbidden: list[str] | None = None
) -> str | None:
    """What is wrong with the answer, or None. A child the role has no relation to is never
    named in it (the content check), whatever the status."""
    status = response.status_code
    if forbidden:
        text = text_of(response)
        leaked = [name for name in forbidden if name in text]
        if leaked:
            return f"{where}: names {leaked}, a child the role has no relation to"
    if status >= 500:
        return f"{where}: server error {status}"
    if status == 405:
        return f"{where}: answered 405, the entry's method is wrong"
    if allowed and status == 404:
        return f"{where}: allowed by the matrix, answered 404"
    if not allowed and status != 404:
        return f"{where}: not allowed, answered {status} (a leak)"
    return None


def walk_pages(client: Client, role: Role, setting: Setting) -> list[str]:
    problems: list[str] = []
    for name, rule in PAGES.items():
        if rule.scope in (Scope.PUBLIC, Scope.OBJECT):
            continue
        arguments = url_patterns()[name]
        if rule.scope == Scope.CASE:
            unknown = set(arguments) - {"case_id", *SAMPLE_KWARGS}
            if unknown:
                problems.append(f"{name}: give SAMPLE_KWARGS a value for {sorted(unknown)}")
                continue
            extra = {key: SAMPLE_KWARGS[key] for key in arguments if key != "case_id"}
            for relation, case in setting.cases.items():
                if rule.state:
                    Case.objects.filter(pk=case.pk).update(state=rule.state)
                url = reverse(name, kwargs={**extra, "case_id": case.pk})
                problem = verdict(
                    send(client, rule, url),
                    expected(rule, role, relation),
                    f"{role} × {relation} × {name}",
                    forbidden_names(role),
                )
                problems += [problem] if problem else []
                if rule.state:
                    Case.objects.filter(pk=case.pk).update(state=case.state)
            continue
        if name in PAGE_ARGUMENTS:
            kwargs = PAGE_ARGUMENTS[name](setting)
        else:
            unknown = set(arguments) - set(SAMPLE_ARGUMENTS)
            if unknown:
                problems.append(f"{name}: has {sorted(unknown)}; use Scope.OBJECT or a sample")
                continue
            kwargs = {key: SAMPLE_ARGUMENTS[key](setting) for key in arguments}
        url = reverse(name, kwargs=kwargs or None)
        problem = verdict(
            send(client, rule, url),
            expected(rule, role, None),
            f"{role} × {name}",
            forbidden_names(role),
        )
        problems += [problem] if problem else []
    return problems


def walk_api(client: Client, role: Role, setting: Setting) -> list[str]:
    problems: list[str] = []
    for operation, rule in API.items():
        if rule.scope in (Scope.PUBLIC, Scope.OBJECT):
            continue
        path = operation.split(" ", 1)[1]
        body = SAMPLE_BODIES[operation](setting) if operation in SAMPLE_BODIES else None
        if rule.scope == Scope.CASE:
            for relation, case in setting.cases.items():
                url = path.replace("{case_id}", str(case.pk))
                problem = verdict(
                    send(client, rule, url, body),
                    expected(rule, role, relation),
                    f"{role} × {relation} × {operation}",
                    forbidden_names(role),
                )
                problems += [problem] if problem else []
            continue
        for parameter, value in API_ARGUMENTS.items():
            path = path.replace(parameter, str(value(setting)))
        if "{" in path:
            problems.append(f"{operation}: use Scope.OBJECT or give API_ARGUMENTS a value")
            continue
        problem = verdict(
            send(client, rule, path, body),
            expected(rule, role, None),
            f"{role} × {operation}",
            forbidden_names(role),
        )
        problems += [problem] if problem else []
    return problems


#: The child of a warm handover offered to the walker's school, the parents not yet asked.
HANDOVER_CHILD = "Kindviaoverdracht"
HANDOVER_CONTENT = "Overdrachtsinhoud"
HANDOVER_PAGES = [
    name
    for name, rule in PAGES.items()
    if name.startswith("early_years:handover_") and rule.scope == Scope.OBJECT
]


def walk_handovers(client: Client, role: Role, setting: Setting) -> list[str]:
    """The handover pages about one handover (Scope.OBJECT): a handover from another school
    to the walker's, without the parents' consent, opens only for the receiving IB and
    director, and no one reads its child's name or its content."""
    from kansrijk.early_years.models import Handover

    other = Professional.objects.get(username="someone-else")
    away = Location.objects.get(code="away")
    child = ChildFactory(location=away, given_name=HANDOVER_CHILD)
    handover = Handover.objects.create(
        child=child,
        kind=Handover.Kind.SCHOOL_TO_SCHOOL,
        from_location=away,
        to_location=setting.home,
        prepared_by=other,
        goes_well=HANDOVER_CONTENT,
    )
    problems: list[str] = []
    for name in HANDOVER_PAGES:
        rule = PAGES[name]
        url = reverse(name, kwargs={"handover_id": handover.pk})
        allowed = role in HANDOVER_RECEIVING_ROLES and rule.method == "GET"
        response = send(client, rule, url)
        if rule.method == "POST" and response.status_code == 400:
            response.status_code = 404  # a refused form on a reachable handover: no leak
            allowed = False
        problem = verdict(
            response,
            allowed,
            f"{role} × {name} (no consent)",
            [HANDOVER_CHILD, HANDOVER_CONTENT],
        )
        problems += [problem] if problem else []
    if role in PAGES["early_years:handovers"].roles:
        problem = verdict(
            client.get(reverse("early_years:handovers")),
            True,
            f"{role} × early_years:handovers (no consent)",
            [HANDOVER_CHILD, HANDOVER_CONTENT],
        )
        problems += [problem] if problem else []
    return problems


#: The pupil of an integrated arrangement at a special school where the walker does not work.
ARRANGEMENT_CHILD = "Kindmetarrangement"
ARRANGEMENT_CONTENT = "Arrangementsdoel"
ARRANGEMENT_PAGES = [
    name
    for name, rule in PAGES.items()
    if name.startswith("special_education:arrangement_") and rule.scope == Scope.OBJECT
]


def walk_arrangements(client: Client, role: Role, setting: Setting) -> list[str]:
    """The arrangement pages about one arrangement (Scope.OBJECT): an arrangement of a special
    school the walker has no tie to answers 404 to every role, and no list names its pupil."""
    from kansrijk.core.models import Organisation
    from kansrijk.special_education.models import Arrangement

    other = Professional.objects.get(username="someone-else")
    board = Organisation.objects.create(
        name="SBO-bestuur", kind=Organisation.Kind.SPECIAL_EDUCATION
    )
    school = Location.objects.create(
        organisation=board, name="SBO Elders", code="sbo-elders", kind=Location.Kind.SPECIAL_SCHOOL
    )
    child = ChildFactory(location=school, given_name=ARRANGEMENT_CHILD)
    arrangement = Arrangement.objects.create(
        child=child, school=school, created_by=other, opp_goals=ARRANGEMENT_CONTENT
    )
    problems: list[str] = []
    for name in ARRANGEMENT_PAGES:
        rule = PAGES[name]
        url = reverse(name, kwargs={"arrangement_id": arrangement.pk})
        problem = verdict(
            send(client, rule, url),
            False,
            f"{role} × {name} (another special school)",
            [ARRANGEMENT_CHILD, ARRANGEMENT_CONTENT],
        )
        problems += [problem] if problem else []
    if role in PAGES["special_education:arrangements"].roles:
        problem = verdict(
            client.get(reverse("special_education:arrangements")),
            True,
            f"{role} × special_education:arrangements",
            [ARRANGEMENT_CHILD, ARRANGEMENT_CONTENT],
        )
        problems += [problem] if problem else []
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_pages_and_api_answer_exactly_what_the_matrix_allows(client: Client, role: Role) -> None:
    """One setting per role serves both walks; every mismatch is listed, not just the first."""
    setting = build(role)
    sign_in(client, setting.user)
    problems = walk_pages(client, role, setting)
    problems += walk_api(client, role, setting)
    problems += walk_handovers(client, role, setting)
    problems += walk_arrangements(client, role, setting)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_family_pages_answer_404_to_anonymous_users(client: Client) -> None:
    """The portal's pages are not even revealed to someone who is not signed in."""
    problems = []
    for name, rule in PAGES.items():
        if rule.scope != Scope.FAMILY:
            continue
        kwargs = dict.fromkeys(url_patterns()[name], 1)
        problem = verdict(send(client, rule, reverse(name, kwargs=kwargs or None)), False, name)
        problems += [problem] if problem else []
    assert [name for name, rule in PAGES.items() if rule.scope == Scope.FAMILY]
    assert not problems, "\n".join(problems)
