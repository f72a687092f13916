"""`make demo` loads every app's demo: none may fail quietly (seed_demo only prints it), and
each app's demo shows what it should.

The Westwijk demo with every app's is loaded once for this module (a minute of CPU on a slow
machine, five times before) and rolled back at its end; each test runs in a savepoint of
its own within it. Its tests run on one worker (tests/scheduling.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.attention.models import AttentionChange, AttentionEntry, SchoolAgreement
from kansrijk.cases.models import Case
from kansrijk.core.models import Professional
from kansrijk.demo.westwijk import DemoLoad, seed_westwijk
from kansrijk.dyslexia.demo import CENTRES, STATES
from kansrijk.dyslexia.models import DyslexiaFile
from kansrijk.homework.models import HomeworkSupport
from kansrijk.safety.models import NonResponseFlag, VulnerableFamily
from kansrijk.standins.models import StandIn
from kansrijk.threads.models import ThreadMessage
from kansrijk.threads.selectors import unread_threads
from tests.auth import sign_in
from tests.module_data import module_data


def _load() -> DemoLoad:
    load = seed_westwijk(today=timezone.localdate())
    assert load is not None
    return load


westwijk = module_data(_load)


@pytest.fixture
def demo(westwijk: DemoLoad, db: None) -> DemoLoad:
    return westwijk


def test_every_apps_demo_loads(demo: DemoLoad) -> None:
    assert demo.failed_demos == []
    assert demo.other_demos


def test_the_safety_demo_has_a_question_to_the_district_team(demo: DemoLoad) -> None:
    """Seed 001: a family that does not respond, asked of the district team (wijkteam sees it
    under "Vragen van de regisseur")."""
    asked = NonResponseFlag.objects.get(follow_up="ask_district_team")
    assert asked.district_team is not None and asked.district_team_answer == ""


def test_the_demo_has_a_thread_a_stand_in_and_homework_support(demo: DemoLoad) -> None:
    """Issue 14's team work: a case thread, a stand-in and homework support."""
    specialist = Professional.objects.get(username="gs.pwa")
    assert ThreadMessage.objects.count() == 2
    assert len(unread_threads(specialist)) == 1  # the IB answered last
    assert unread_threads(Professional.objects.get(username="ib.pwa")) == []
    chosen = StandIn.objects.get()
    assert chosen.stand_in == specialist
    away = Case.objects.filter(contact_person__username="gs.schakel", state="in_support").first()
    if away is not None:
        assert can(specialist, Action.EDIT, away)
    assert HomeworkSupport.objects.filter(specialist=specialist).count() == 2


def test_the_demo_keeps_lists_agreements_and_an_area_manager(demo: DemoLoad) -> None:
    """The kept attention list, an agreement about school due for review, the
    vulnerable-families list with an approach, and an area manager who can sign in."""
    for code in ("pwa", "schakel", "wereldwijzer"):
        kept = AttentionEntry.objects.filter(location__code=code, removed_at__isnull=True)
        assert kept.exclude(need="").count() >= 3
        assert AttentionChange.objects.filter(location__code=code, kind="removed").exists()
    assert SchoolAgreement.objects.filter(review_on__lte=timezone.localdate()).count() >= 1
    manager = Professional.objects.get(username="gebiedsmanager")
    assert manager.memberships.get().role == "area_manager"
    assert VulnerableFamily.objects.exclude(approach="").filter(owner=manager).exists()


def test_a_dyslexia_file_in_every_state_at_every_centre(demo: DemoLoad, client: Client) -> None:
    """And the demo logins of the gatekeeper, the care provider and the municipality see
    what they should."""
    for code in CENTRES:
        states = set(
            DyslexiaFile.objects.filter(school__code=code).values_list("status", flat=True)
        )
        assert states == {str(s) for s in STATES}, code
    sign_in(client, Professional.objects.get(username="poortwachter"))
    work = client.get("/dyslexie/poortwachter/").content.decode()
    assert "Compleet, in beoordeling" in work
    client.logout()
    sign_in(client, Professional.objects.get(username="gemeente.jeugd"))
    decisions = client.get("/dyslexie/beschikkingen/").content.decode()
    assert decisions.count("<tr>") == 1 + len(CENTRES)  # the header and one referral each
    client.logout()
    sign_in(client, Professional.objects.get(username="dyslexiezorg"))
    referrals = client.get("/dyslexie/verwijzingen/").content.decode()
    assert referrals.count("<tr>") == 1 + len(CENTRES)
