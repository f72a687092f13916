"""The portal's demo: demo parents with test BSNs on cases in several states, who can sign in
at the local provider, and the district's first door."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kansrijk.cases.bsn import bsn_is_valid
from kansrijk.cases.models import Child, Guardian
from kansrijk.cases.workflow import CaseState
from kansrijk.portal.demo import DEMO_PARENTS, seed_portal_demo
from kansrijk.portal.models import FirstDoor
from tests.cases.route import advance, open_case
from tests.conftest import World
from tests.factories import ChildFactory, GuardianFactory
from tests.oidc import Provider, portal_sign_in

pytestmark = pytest.mark.django_db


def test_demo_parents_sign_in_on_cases_in_several_states(
    client: Client, world: World, oidc_provider: Provider
) -> None:
    assert all(bsn_is_valid(p.bsn) and p.bsn.startswith("9999") for p in DEMO_PARENTS)
    for state in (CaseState.AWAITING_CONSENT, CaseState.CLOSED):
        child = ChildFactory(location=world.school)
        GuardianFactory(family=child.family)
        advance(world, open_case(world, child), state)
    teen = Child.objects.filter(signals__case__state=CaseState.AWAITING_CONSENT).get()
    teen.date_of_birth = teen.date_of_birth.replace(year=timezone.localdate().year - 13)
    teen.save()
    seeded = seed_portal_demo()
    assert set(seeded) == {"999999916", "999999965", "999999977"}
    assert Child.objects.get(bsn="999999977") == teen
    waiting = Guardian.objects.get(bsn="999999916")
    assert waiting.family.cases.get().state == CaseState.AWAITING_CONSENT
    assert FirstDoor.objects.filter(slug="westwijk").exists()
    portal_sign_in(client, oidc_provider, "999999916")
    assert "Een vraag aan jou" in client.get(reverse("portal:home")).content.decode()
    assert seed_portal_demo() == seeded  # running it again changes nothing
    young = Client()
    portal_sign_in(young, oidc_provider, "999999977")
    assert f"Hallo {teen.given_name}" in young.get(reverse("portal:home")).content.decode()
