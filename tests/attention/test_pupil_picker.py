"""The signal form's pupil field (issue 14): the signaller's own groups first, at most a
bounded number listed, and a name search that works without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kansrijk.cases.forms import SignalForm
from kansrijk.cases.selectors import pupils_for_signal, pupils_named
from kansrijk.dyslexia.models import DyslexiaFile
from tests.auth import sign_in
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_own_groups_first_then_the_rest(world):
    """An IB who also teaches a class: the whole school, their own class on top."""
    from kansrijk.access.roles import Role
    from kansrijk.core.models import Group, Membership

    other = ChildFactory(location=world.school, group="1", family_name="Aalbers")
    own = ChildFactory(location=world.school, group="5", family_name="Zwart")
    pupils = list(pupils_for_signal(world.coach))
    assert pupils.index(other) < pupils.index(own)  # no own groups: by group
    teaching = Membership.objects.create(
        professional=world.coach,
        role=Role.TEACHER,
        organisation=world.school.organisation,
        location=world.school,
    )
    teaching.groups.add(Group.objects.get_or_create(location=world.school, name="5")[0])
    world.coach.__dict__.pop("_kansrijk_memberships", None)
    pupils = list(pupils_for_signal(world.coach))
    assert pupils[0] == own and other in pupils


def test_the_list_is_bounded_and_the_search_finds_the_others(client, world):
    for _ in range(SignalForm.PUPILS_SHOWN + 5):
        ChildFactory(location=world.school, group="5")
    far = ChildFactory(location=world.school, group="5", given_name="Zulaika", family_name="zzzz")
    sign_in(client, world.teacher)
    page = client.get(reverse("cases:signal_new")).content.decode()
    assert 'data-testid="more-pupils"' in page
    assert page.count("<option") <= SignalForm.PUPILS_SHOWN + 1 + 10  # plus the radio-free rest
    assert "Zulaika" not in page
    found = client.get(reverse("cases:signal_new"), {"q": "zulai"}).content.decode()
    assert f'value="{far.pk}"' in found and "Zulaika" in found
    assert list(pupils_named(pupils_for_signal(world.teacher), "zulaika zzzz")) == [far]
    # A pupil beyond the first ones can still be filed about (the service checks again).
    filed = client.post(
        reverse("cases:signal_new"),
        {"child": far.pk, "domain": "learning", "urgency": "normal", "description": "Leest niet"},
    )
    assert filed.status_code == 302


def test_the_search_never_reaches_pupils_the_signaller_may_not_pick(client, world):
    stranger = ChildFactory(location=world.other_school, group="5", given_name="Quirijn")
    sign_in(client, world.teacher)
    page = client.get(reverse("cases:signal_new"), {"q": "Quirijn"}).content.decode()
    assert f'value="{stranger.pk}"' not in page


def test_the_pickers_first_rows_are_those_of_the_pupils_query(world):
    """`picker_rows` (SQL compiled once, PostgreSQL) lists what `pupils_for_signal` lists
    first, in its order, for every professional: a teacher's own groups (a group name with a
    quote, a comma and braces), an IB's school with the class they teach on top; None where
    the pick reaches through cases, and on SQLite."""
    from django.db import connection

    from kansrijk.access.roles import Role
    from kansrijk.cases.selectors import picker_rows
    from kansrijk.core.models import Group, Membership
    from tests.conftest import fresh

    odd = 'groep "7", {b}'
    for name, group in (("Aalbers", "1"), ("Zwart", "5"), ("Bakker", odd), ("Claes", odd)):
        ChildFactory(location=world.school, group=group, family_name=name)
    ChildFactory(location=world.other_school, group="5", family_name="Elders")
    for person, name in ((world.teacher, "5"), (world.coach, odd)):
        membership, _ = Membership.objects.get_or_create(
            professional=person,
            role=Role.TEACHER,
            organisation=world.school.organisation,
            location=world.school,
        )
        membership.groups.add(Group.objects.get_or_create(location=world.school, name=name)[0])
    checked = 0
    for person in world.people():
        for first in (2, SignalForm.PUPILS_SHOWN + 1):
            rows = picker_rows(fresh(person), first)
            if rows is None:
                continue
            expected = pupils_for_signal(fresh(person)).values_list(
                "pk", "given_name", "family_name", "group"
            )
            assert rows == list(expected[:first]), (person.username, first)
            checked += len(rows)
    if connection.vendor == "postgresql":
        assert checked > 10
        assert picker_rows(fresh(world.coach), 1)[0][3] == odd  # their own class on top
        assert picker_rows(fresh(world.family_specialist), 5) is None  # through cases
    else:
        assert checked == 0


#: Every form with a pupil select besides the signal form: the IB records a family that does
#: not respond, prepares a warm handover, opens a dyslexia file (issue 17: each listed the
#: whole school, 115-129 KB a page at region scale).
OTHER_PICKERS = ["safety:contact_attempt_new", "early_years:handover_new", "dyslexia:file_new"]


@pytest.mark.parametrize("name", OTHER_PICKERS)
def test_every_pupil_select_is_bounded_and_searchable(client, world, name):
    for _ in range(SignalForm.PUPILS_SHOWN + 5):
        ChildFactory(location=world.school, group="5")
    far = ChildFactory(location=world.school, group="8", given_name="Zulaika", family_name="zzzz")
    stranger = ChildFactory(location=world.other_school, group="5", given_name="Quirijn")
    sign_in(client, world.coach)
    url = reverse(name)
    page = client.get(url).content.decode()
    select = page[page.index('name="child"') : page.index("</select>", page.index('name="child"'))]
    assert select.count("<option") == SignalForm.PUPILS_SHOWN + 1  # and "---------"
    assert 'data-testid="more-pupils"' in page and "Zulaika" not in page
    found = client.get(url, {"q": "zulai"}).content.decode()
    assert f'value="{far.pk}"' in found and 'data-testid="more-pupils"' not in found
    assert f'href="{url}"' in found  # back to every pupil
    assert f'value="{stranger.pk}"' not in client.get(url, {"q": "Quirijn"}).content.decode()
    # A pupil beyond the first ones can be chosen, and stays in view when the form comes
    # back with an error (the dyslexia file asks nothing more: it is opened); a stranger is
    # refused.
    chosen = client.post(url, {"child": far.pk})
    if name == "dyslexia:file_new":
        assert chosen.status_code == 302
        assert DyslexiaFile.objects.filter(child=far).exists()
    else:
        assert chosen.status_code == 400
        assert f'<option value="{far.pk}" selected>' in chosen.content.decode()
    refused = client.post(url, {"child": stranger.pk})
    assert refused.status_code == 400
    assert "Quirijn" not in refused.content.decode()
