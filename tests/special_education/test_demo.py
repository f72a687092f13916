"""The demo has an SBO and a VSO school with pupils, providers, logins and arrangements in
every state (issue 16)."""

from __future__ import annotations

import pytest

from kansrijk.core.models import Professional
from kansrijk.meetings.models import MeetingSeries
from kansrijk.special_education.demo import LOGINS, seed_special_education_demo
from kansrijk.special_education.models import Arrangement, SpecialSchool
from kansrijk.special_education.selectors import arrangements_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_schools_and_every_state() -> None:
    made = seed_special_education_demo()
    assert made["arrangements"] > 0
    assert set(SpecialSchool.objects.values_list("school_type", flat=True)) == {"sbo", "vso"}
    for state in Arrangement.State.values:
        assert Arrangement.objects.filter(state=state, school__code="sbo-brug").exists(), state
        assert Arrangement.objects.filter(state=state, school__code="vso-anker").exists(), state
    assert Arrangement.objects.filter(end_reason=Arrangement.EndReason.BACK_TO_REGULAR).exists()
    assert MeetingSeries.objects.filter(location__code="sbo-brug").exists()
    for username, *_ in LOGINS:
        assert Professional.objects.filter(username=username).exists()
    ib = Professional.objects.get(username="ib.sbo-brug")
    care = Professional.objects.get(username="jeugdhulp.oost")
    assert not arrangements_for(ib).filter(school__code="vso-anker").exists()
    assert arrangements_for(care).filter(school__code="vso-anker").exists()
    assert not arrangements_for(care).filter(school__code="sbo-brug").exists()
    assert seed_special_education_demo() == {"pupils": 0, "arrangements": 0}
