"""The Westwijk demo has a dyslexia file in every state at every child centre, and the demo
logins of the gatekeeper, the care provider and the municipality see what they should."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from kansrijk.core.models import Professional
from kansrijk.demo.westwijk import seed_westwijk
from kansrijk.dyslexia.demo import CENTRES, STATES
from kansrijk.dyslexia.models import DyslexiaFile
from tests.auth import sign_in


@pytest.mark.django_db
def test_every_state_at_every_centre(client: Client) -> None:
    load = seed_westwijk(today=timezone.localdate())
    assert load is not None and load.failed_demos == []
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
