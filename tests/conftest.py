"""Shared fixtures: a small Westwijk-like world with one professional per role, and a browser."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import factory.random
import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from kansrijk.access.roles import Role
from kansrijk.core.models import Location, Organisation, Professional
from tests import scheduling
from tests.factories import (
    ChildFactory,
    GuardianFactory,
    LocationFactory,
    OrganisationFactory,
    professional,
    teaches,
)

# Hypothesis's timing checks measure the machine, not the code: the suite runs three workers
# and a browser on two cores, and one draw was once held up for a second (a too_slow health
# check failed CI). Speed is measured in `make bench`, not in unit tests.
hypothesis_settings.register_profile(
    "kansrijk", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("kansrijk")

pytest_plugins = ["tests.mail", "tests.oidc"]  # real SMTP server and OpenID provider


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Databases migrated once by the owner role and cloned per worker (tests/databases.py);
    on PostgreSQL the tests then run as the application's role, which owns nothing
    (tests/roles.py). Replaces pytest-django's fixture of the same name."""
    from tests import databases
    from tests.roles import run_as_app_role

    verbosity = request.config.option.verbose
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    shared = tmp_path_factory.getbasetemp().parent  # the same directory for every worker
    with django_db_blocker.unblock():
        originals = databases.setup(worker_id, shared, verbosity)
    yield from run_as_app_role(django_db_blocker)
    with django_db_blocker.unblock():
        for problem in databases.teardown(worker_id, shared, originals, verbosity):
            # As pytest-django: a database left behind (a session still open) is no failure.
            request.node.warn(pytest.PytestWarning(f"Could not drop a test database: {problem}"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order the workers run the tests in (tests/scheduling.py)."""
    scheduling.order(config, items)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Each module with a fixture of its own on one worker (tests/scheduling.py)."""
    return scheduling.make_scheduler(config, log)


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop beside the ORM

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _same_fake_names_every_run(request: pytest.FixtureRequest) -> None:
    """Faker's names depend on the test alone, not on the order tests run in: a test that
    passes once passes every time (no chance collisions between a child's and a user's name)."""
    factory.random.reseed_random(request.node.nodeid)


@dataclass
class World:
    school: Location
    other_school: Location
    teacher: Professional
    other_teacher: Professional
    coach: Professional
    other_coach: Professional
    director: Professional
    coordinator: Professional
    swv: Professional
    family_specialist: Professional
    district_team: Professional
    psychologist: Professional
    behavioural_scientist: Professional
    nurse: Professional
    officer: Professional
    policy_officer: Professional

    def people(self) -> list[Professional]:
        """Every professional of the world, in the order of its fields."""
        return [
            value
            for field in dataclasses.fields(self)
            if isinstance(value := getattr(self, field.name), Professional)
        ]

    def by_role(self) -> dict[str, Professional]:
        return {
            "teacher": self.teacher,
            "internal_coach": self.coach,
            "director": self.director,
            "coordinator": self.coordinator,
            "education_specialist": self.swv,
            "family_specialist": self.family_specialist,
            "district_team": self.district_team,
            "psychologist": self.psychologist,
            "behavioural_scientist": self.behavioural_scientist,
            "school_nurse": self.nurse,
            "community_officer": self.officer,
            "policy_officer": self.policy_officer,
        }


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def fresh(user: Professional) -> Professional:
    """The user as a new request reads them (memberships read again)."""
    return Professional.objects.get(pk=user.pk)


def make_world() -> World:
    """The world of the `world` fixture, for data built once per module (tests/module_data.py)."""
    board = OrganisationFactory(name="Stichting Kindcentra Westwijk")
    school = LocationFactory(organisation=board, name="Kindcentrum De Schakel", code="schakel")
    other = LocationFactory(organisation=board, name="IKC De Wereldwijzer", code="wereldwijzer")
    swv = OrganisationFactory(name="SWV Onderwijs dat past", kind=Organisation.Kind.SWV)
    district = OrganisationFactory(name="Wijkteam Westwijk", kind=Organisation.Kind.DISTRICT_TEAM)
    ggz = OrganisationFactory(name="GGZ Delfland", kind=Organisation.Kind.MENTAL_HEALTH)
    coordination = OrganisationFactory(name="Regie Westwijk", kind=Organisation.Kind.COORDINATION)
    municipality = OrganisationFactory(
        name="Gemeente Vlaardingen", kind=Organisation.Kind.MUNICIPALITY
    )
    cjg = OrganisationFactory(name="CJG Rijnmond", kind=Organisation.Kind.CJG)
    police = OrganisationFactory(name="Politie Vlaardingen", kind=Organisation.Kind.POLICE)
    coordinator = professional(
        Role.COORDINATOR, school, organisation=coordination, username="regisseur"
    )
    from kansrijk.core.models import Membership

    Membership.objects.create(
        professional=coordinator, role=Role.COORDINATOR, organisation=coordination, location=other
    )
    return World(
        school=school,
        other_school=other,
        teacher=teaches(professional(Role.TEACHER, school, username="leerkracht"), school, "5"),
        other_teacher=teaches(
            professional(Role.TEACHER, school, username="leerkracht2"), school, "5"
        ),
        coach=professional(Role.INTERNAL_COACH, school, username="ib"),
        other_coach=professional(Role.INTERNAL_COACH, other, username="ib2"),
        director=professional(Role.DIRECTOR, school, username="directeur"),
        coordinator=coordinator,
        swv=professional(Role.EDUCATION_SPECIALIST, school, organisation=swv, username="swv"),
        family_specialist=professional(
            Role.FAMILY_SPECIALIST, school, organisation=district, username="gs"
        ),
        district_team=professional(
            Role.DISTRICT_TEAM, None, organisation=district, username="wijkteam"
        ),
        psychologist=professional(Role.PSYCHOLOGIST, None, organisation=ggz, username="psycholoog"),
        behavioural_scientist=professional(
            Role.BEHAVIOURAL_SCIENTIST, None, organisation=district, username="gw"
        ),
        nurse=professional(Role.SCHOOL_NURSE, school, organisation=cjg, username="verpleegkundige"),
        officer=professional(
            Role.COMMUNITY_OFFICER, school, organisation=police, username="wijkagent"
        ),
        policy_officer=professional(
            Role.POLICY_OFFICER, None, organisation=municipality, username="beleid"
        ),
    )


@pytest.fixture
def pupil(world: World):  # type: ignore[no-untyped-def]
    child = ChildFactory(location=world.school, given_name="Sem", family_name="Jansen")
    GuardianFactory(family=child.family, name="Anna Jansen")
    return child


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, its static files cached by the browser as in production
    (tests/live_server.py): the pages' five stylesheets and scripts were fetched and parsed
    anew with every page a browser test opened."""
    from tests.live_server import start_live_server

    server = start_live_server(request.config.getvalue("liveserver") or "localhost")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make browser`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
