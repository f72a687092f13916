"""A number in a query or a form may be any text. A digit that is no decimal digit ("²",
which `str.isdigit()` accepts and `int()` refuses) got a 500 on eleven pages and forms; it
gets the page's own answer now, as does a number in another script ("٣", "３")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kansrijk.monitor.views import _centre_page
from tests.auth import sign_in
from tests.cases.route import open_case

pytestmark = pytest.mark.django_db

ODD = ["²", "3²", "٣", "３", "⁴²"]


def test_pages_and_forms_answer_odd_numbers_without_an_error(world, pupil):
    case = open_case(world, pupil)
    client = Client()  # a 500 raises here
    sign_in(client, world.coach)
    for odd in ODD:
        for url, query in [
            (reverse("cases:signal_new"), {"child": odd}),
            (reverse("cases:case_detail", args=[case.pk]), {"version": odd}),
            (reverse("cases:case_journal", args=[case.pk]), {"journal": odd}),
            (reverse("attention:list", args=[world.school.code]), {"page": odd}),
            (reverse("safety:contact_attempt_new"), {"child": odd}),
        ]:
            assert client.get(url, query).status_code == 200, (url, odd)
        signal = client.post(reverse("cases:signal_new"), {"child": odd, "domain": "learning"})
        assert signal.status_code == 400
        read = client.post(reverse("notifications:mark_read"), {"id": odd})
        assert read.status_code == 302


def test_the_monitors_centre_pages_take_odd_numbers():
    centres = [(pk, f"Kindcentrum {pk}") for pk in range(200)]
    assert [_centre_page(centres, odd).number for odd in ODD] == [1, 1, 3, 3, 1]
