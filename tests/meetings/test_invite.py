"""Inviting someone to one meeting: the chair's page of its own (the meeting screen no longer
reads every colleague for its select; issue 17)."""

from __future__ import annotations

import pytest
from django.test import Client

from kansrijk.meetings.models import Participant
from kansrijk.notifications.models import Notification
from tests.auth import sign_in

pytestmark = pytest.mark.django_db


def test_the_chair_invites_a_colleague_who_is_told(world, care_meeting):
    meeting = care_meeting()
    chair = sign_in(Client(), world.coordinator)
    screen = chair.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/meetings/{meeting.pk}/invite/"' in screen
    assert 'name="professional"' not in screen  # the list is on the invite page only
    page = chair.get(f"/meetings/{meeting.pk}/invite/")
    assert page.status_code == 200 and world.coach.get_full_name() in page.content.decode()
    done = chair.post(f"/meetings/{meeting.pk}/invite/", {"professional": world.coach.pk})
    assert done.status_code == 302 and done["Location"].startswith(f"/meetings/{meeting.pk}/")
    assert Participant.objects.filter(meeting=meeting, professional=world.coach).exists()
    assert Notification.objects.filter(recipient=world.coach, url=f"/meetings/{meeting.pk}/")
    again = chair.get(f"/meetings/{meeting.pk}/invite/").content.decode()
    assert f'value="{world.coach.pk}"' not in again  # already at the table


@pytest.mark.parametrize("chosen", ["", "abc", "999999", "-1", "1 OR 1=1"])
def test_a_bad_choice_is_refused_in_dutch_and_nobody_is_invited(world, care_meeting, chosen):
    meeting = care_meeting()
    chair = sign_in(Client(), world.coordinator)
    before = Participant.objects.filter(meeting=meeting).count()
    refused = chair.post(f"/meetings/{meeting.pk}/invite/", {"professional": chosen})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Kies wie je uitnodigt." in text or "Kies iemand uit de lijst." in text
    assert Participant.objects.filter(meeting=meeting).count() == before


def test_only_the_chair_invites_and_an_outsider_gets_404(world, care_meeting):
    meeting = care_meeting()  # the director is a member
    member = sign_in(Client(), world.director)
    refused = member.post(
        f"/meetings/{meeting.pk}/invite/", {"professional": world.coach.pk}, follow=True
    )
    assert "Alleen de voorzitter kan dit doen." in refused.content.decode()
    assert not Participant.objects.filter(meeting=meeting, professional=world.coach).exists()
    assert member.get(f"/meetings/{meeting.pk}/invite/").status_code == 302
    outsider = sign_in(Client(), world.teacher)
    assert outsider.get(f"/meetings/{meeting.pk}/invite/").status_code == 404
    assert outsider.post(f"/meetings/{meeting.pk}/invite/", {}).status_code == 404
