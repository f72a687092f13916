"""`seed_demo` refuses outside a demo: the demo's logins have a published password and a second
factor derived from the username."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kansrijk.core.models import Professional
from kansrijk.demo.guard import real_data
from kansrijk.demo.people import STAFF
from tests.factories import ChildFactory, LocationFactory

pytestmark = pytest.mark.django_db


def test_with_debug_off_it_refuses_without_the_explicit_flag(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not Professional.objects.exists()


def test_the_flag_does_not_help_on_a_database_with_real_data(settings, world) -> None:
    settings.DEBUG = False
    before = Professional.objects.count()
    with pytest.raises(CommandError, match="not demo logins"):
        call_command("seed_demo", "--i-know-this-is-a-demo")
    assert Professional.objects.count() == before


def test_children_outside_the_demo_are_real_data() -> None:
    ChildFactory(location=LocationFactory(code="elders"))
    assert real_data() == ["1 child(ren) outside the demo's locations"]


def test_an_empty_database_or_the_demo_alone_holds_no_real_data() -> None:
    assert real_data() == []
    Professional.objects.create_user(username=STAFF[0].username, password="x" * 16)
    assert real_data() == []
