"""Issue 12 in the demo: a route per childcare location, a toddler's signal and handovers in
every state at each centre."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kansrijk.cases.models import Signal
from kansrijk.demo.people import seed_people
from kansrijk.demo.pupils import seed_pupils
from kansrijk.early_years.demo import seed_early_years_demo
from kansrijk.early_years.models import ChildcareRule, Handover

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_zero_to_six_line_at_each_centre() -> None:
    seed_pupils(seed_people(), timezone.localdate())
    made = seed_early_years_demo()
    assert ChildcareRule.objects.count() == 3
    assert made["handovers"] == 18 and made["signals"] == 3
    for rule in ChildcareRule.objects.all():
        handovers = Handover.objects.filter(from_location=rule.childcare)
        assert {h.consent for h in handovers} == set(Handover.Consent.values)
        assert handovers.filter(meeting_at__isnull=False, met_at__isnull=True).exists()
        assert handovers.filter(met_at__isnull=False, followed_up_at__isnull=True).exists()
        assert handovers.filter(followed_up_at__isnull=False).exists()
        signal = Signal.objects.get(location=rule.childcare)
        assert signal.case.location == rule.child_centre
        assert signal.case.contact_person.memberships.filter(
            role__in=["family_specialist", "school_nurse", "district_team"]
        ).exists()
    assert seed_early_years_demo()["handovers"] == 0  # a second run changes nothing
