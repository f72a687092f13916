"""Parents see in the portal's inzage page, and in the inzage export, which organisations
registered involvement with their children; a parent of another family sees none of it."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from kansrijk.matches import services
from kansrijk.privacy.inzage import inzage_for_family
from tests.conftest import World
from tests.portal.conftest import PortalFamily, enter, family  # noqa: F401  (fixture)


def test_the_portal_and_the_inzage_name_the_organisations(
    world: World,
    family: PortalFamily,  # noqa: F811
) -> None:
    services.involvement_register(
        by=world.district_team, bsn=family.teen.bsn, contact_name="Fatima El Amrani",
        contact_phone="0101234567", reference="WOT-1",
    )  # fmt: skip
    page = enter(Client(), family.parent).get(reverse("portal:inzage"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Wijkteam Westwijk voor Lotte, sinds" in text
    assert "Fatima" not in text and "WOT-1" not in text  # the organisation, not the worker

    other = enter(Client(), family.stranger).get(reverse("portal:inzage"))
    assert "Wijkteam Westwijk" not in other.content.decode()

    export = json.loads("".join(inzage_for_family(guardian=family.parent).json_text()))
    rows = export["records"]["matches.involvement"]
    assert [(r["child"], r["organisation"], r["ended_on"]) for r in rows] == [
        ("Lotte", "Wijkteam Westwijk", None)
    ]
