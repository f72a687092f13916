"""Done when (issue 20): a district-team client registers involvement through the real token
flow against the running app, a school signal about the same child makes a match, both
contacts get the notice by mail, the GS's check shows it; a revoked token gets 401."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kansrijk.access.roles import Role
from kansrijk.audit.models import AccessLogEntry
from kansrijk.cases import services as cases
from kansrijk.clients.services import partner_client_create, partner_client_revoke
from kansrijk.core.models import Organisation
from kansrijk.matches.models import Involvement, Match
from kansrijk.matches.selectors import others_involved
from tests.conftest import World
from tests.factories import ChildFactory, GuardianFactory

BSN = "111222333"  # a public test BSN
http = httpx.Client(timeout=120)  # two shared cores: the first request may be slow


def _token(base: str, client_id: str, secret: str) -> str:
    answer = http.post(
        f"{base}/oauth/token/",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    return str(body["access_token"])


@pytest.mark.django_db(transaction=True)
def test_district_team_client_and_school_signal_make_a_match(
    world: World, live_server: Any, smtp_server: Any
) -> None:
    district = Organisation.objects.get(name="Wijkteam Westwijk")
    client, secret = partner_client_create(
        by=None, name="RONDOM WOT", organisation=district, role=Role.DISTRICT_TEAM,
        scopes=["involvement:write", "matches:read"],
    )  # fmt: skip
    token = _token(live_server.url, client.application.client_id, secret)
    bearer = {"Authorization": f"Bearer {token}", "Accept-Language": "nl"}

    registered = http.post(
        f"{live_server.url}/api/matches/involvements",
        json={
            "bsn": BSN, "contact_name": "Fatima El Amrani",
            "contact_email": "fatima@wijkteam.example", "reference": "WOT-2026-17",
        },
        headers=bearer,
    )  # fmt: skip
    assert registered.status_code == 201, registered.text
    assert registered.json()["matches"] == 0
    assert not Involvement.objects.filter(child_key=BSN).exists()  # never the BSN itself

    pupil = ChildFactory(location=world.school, bsn=BSN, given_name="Sem")
    GuardianFactory(family=pupil.family)
    signal = cases.signal_create(
        by=world.teacher, child=pupil, domain="behaviour", urgency="normal",
        description="Is erg stil in de klas.",
    )  # fmt: skip
    match = Match.objects.get()
    assert {match.first.organisation, match.second.organisation} == {
        district, world.school.organisation,
    }  # fmt: skip

    mails = {m["To"]: m for m in smtp_server.messages}
    assert set(mails) == {"fatima@wijkteam.example", world.coach.email}
    to_district = mails["fatima@wijkteam.example"].get_payload(decode=True).decode()
    assert world.school.organisation.name in mails["fatima@wijkteam.example"]["Subject"]
    assert "WOT-2026-17" in to_district
    assert world.coach.get_full_name() in to_district
    assert "stil" not in to_district  # nothing about the reason
    assert "Wijkteam Westwijk" in mails[world.coach.email]["Subject"]

    known = others_involved([pupil], case_id=signal.case_id, district_team_only=True)
    assert [(k.organisation, k.contact) for k in known] == [
        ("Wijkteam Westwijk", "Fatima El Amrani")
    ]

    listed = http.get(f"{live_server.url}/api/matches/", headers=bearer)
    assert listed.status_code == 200
    item = listed.json()["items"][0]
    assert item["other"]["organisation"] == world.school.organisation.name
    assert item["your_reference"] == "WOT-2026-17"
    assert (
        AccessLogEntry.objects.filter(
            username=f"client:{client.pk}", client_id=client.pk, role="district_team"
        ).count()
        == 2
    )

    no_scope = http.get(f"{live_server.url}/api/cases", headers=bearer)
    assert no_scope.status_code == 403
    assert no_scope.headers["Content-Type"] == "application/problem+json"

    partner_client_revoke(by=None, client=client)
    revoked = http.get(f"{live_server.url}/api/matches/", headers=bearer)
    assert revoked.status_code == 401
    assert revoked.headers["Content-Type"] == "application/problem+json"
    assert "invalid_token" in revoked.headers["WWW-Authenticate"]
