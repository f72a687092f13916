"""Queries compiled once per process (kansrijk.compiled): the same rows and objects as the ORM,
related objects read in the same query, a missing related object as None, and a stand-in
that does not reach the SQL refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansrijk.compiled import compiled, key_only
from kansrijk.core.models import Organisation
from kansrijk.matches import services
from kansrijk.matches.keys import child_key
from kansrijk.matches.models import Involvement, Match
from kansrijk.matches.selectors import active_involvements
from tests.conftest import World

BSN = "111222333"


def test_the_match_lookup_reads_every_active_registration_with_one_query(world: World) -> None:
    district = services.involvement_register(
        by=world.district_team, bsn=BSN, contact=world.district_team
    )
    nurse = services.involvement_register(
        by=world.nurse, bsn=BSN, contact_name="Praktijk Oost", contact_phone="0101234567"
    )
    psychologist = world.psychologist
    ended = services.involvement_register(by=psychologist, bsn=BSN, contact=psychologist)
    services.involvement_end(
        by=world.psychologist, involvement_id=ended.pk, ended_on=timezone.localdate()
    )
    services.involvement_register(by=world.nurse, bsn="123456782", contact=world.nurse)

    with CaptureQueriesContext(connection) as queries:
        found = active_involvements(child_key(BSN))
        seen = [(i.pk, i.organisation.name, i.contact) for i in found]
    assert len(queries) == 1
    orm = Involvement.objects.filter(child_key=child_key(BSN), ended_on__isnull=True)
    assert seen == [(i.pk, i.organisation.name, i.contact) for i in orm.order_by("pk")]
    assert [i.pk for i in found] == [district.pk, nurse.pk]
    assert found[0].contact == world.district_team and found[1].contact is None
    assert found[1].contact_name == "Praktijk Oost" and found[1].started_on == nurse.started_on
    # The ORM's converters too (SQLite hands back naive datetimes): the same aware moments.
    assert [i.created_at for i in found] == [district.created_at, nurse.created_at]
    assert all(timezone.is_aware(i.created_at) for i in found)
    assert active_involvements(child_key("999999990")) == []


def test_a_third_organisation_is_matched_with_both_others(world: World) -> None:
    for person in (world.district_team, world.nurse, world.psychologist):
        services.involvement_register(by=person, bsn=BSN, contact=person)
    pairs = {
        frozenset((m.first.organisation_id, m.second.organisation_id))
        for m in Match.objects.select_related("first", "second")
    }
    assert len(pairs) == 3 == Match.objects.count()


@pytest.mark.django_db
def test_a_stand_in_that_does_not_reach_the_sql_is_refused() -> None:
    with pytest.raises(ValueError, match="stand-ins not found"):
        compiled(
            ("test-missing-stand-in",),
            "default",
            lambda pk: Organisation.objects.filter(pk=1),
            pk=-434343,
        )


def _state(obj: Model) -> dict[str, object]:
    """An instance's fields and what the ORM keeps about it (not its related-object cache)."""
    return {
        **{k: v for k, v in vars(obj).items() if k != "_state"},
        "adding": obj._state.adding,
        "db": obj._state.db,
    }


def test_an_instance_is_the_one_the_orm_makes_and_saves_as_it(world: World) -> None:
    services.involvement_register(by=world.district_team, bsn=BSN, contact=world.district_team)
    query = lambda key: Involvement.objects.filter(child_key=key).select_related(  # noqa: E731
        "organisation", "contact"
    )
    plan = compiled(("test-instances",), "default", query, key="stand-in-key")
    assert plan.main.plain
    [fast] = plan.fetch("default", key=child_key(BSN))
    [orm] = query(child_key(BSN))
    assert _state(fast) == _state(orm)
    assert _state(fast.organisation) == _state(orm.organisation)
    assert _state(fast.contact) == _state(orm.contact)
    assert fast.get_deferred_fields() == set()
    # Read from the database, not new: saving it changes the row (an UPDATE), adds none.
    fast.contact_phone = "0107654321"
    fast.save()
    assert Involvement.objects.count() == 1
    assert Involvement.objects.get().contact_phone == "0107654321"


def test_a_model_with_an_init_receiver_is_made_by_the_orm(world: World) -> None:
    services.involvement_register(by=world.district_team, bsn=BSN, contact=world.district_team)
    seen: list[int] = []

    def receiver(sender: type[Model], instance: Model, **kwargs: object) -> None:
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Organisation)
    try:
        plan = compiled(
            ("test-init-receiver",),
            "default",
            lambda key: Involvement.objects.filter(child_key=key).select_related("organisation"),
            key="stand-in-key",
        )
        assert plan.main.plain and not plan.main.related[0].plain
        [found] = plan.fetch("default", key=child_key(BSN))
    finally:
        post_init.disconnect(receiver, sender=Organisation)
    assert seen == [found.organisation.pk]


def test_a_related_row_met_again_in_one_result_is_one_instance(world: World) -> None:
    """Two registrations of one organisation and contact share their related objects within
    one fetch (the ORM makes one per row); another organisation is its own, and a later
    fetch makes new ones (a changed row is read anew)."""
    first = services.involvement_register(
        by=world.district_team, bsn=BSN, contact=world.district_team
    )
    services.involvement_register(
        by=world.district_team, bsn="123456782", contact=world.district_team
    )
    services.involvement_register(by=world.nurse, bsn="111222333", contact=world.nurse)
    query = lambda: Involvement.objects.select_related("organisation", "contact").order_by(  # noqa: E731
        "pk"
    )
    plan = compiled(("test-shared",), "default", query)
    district, again, nurse = plan.fetch("default")
    assert district.organisation is again.organisation and district.contact is again.contact
    assert nurse.organisation is not district.organisation
    assert nurse.organisation.pk != district.organisation.pk
    assert [_state(i.organisation) for i in (district, again, nurse)] == [
        _state(i.organisation) for i in query()
    ]
    Organisation.objects.filter(pk=first.organisation_id).update(name="Wijkteam Noord")
    later, _, _ = plan.fetch("default")
    assert later.organisation is not district.organisation
    assert later.organisation.name == "Wijkteam Noord"


def test_a_query_of_values_reads_the_rows_the_orm_reads(world: World) -> None:
    """A query of values (`values_list`, a union of two) is compiled as a query of objects
    is, and its rows are the tuples the ORM reads; one that names its values in another
    order than it selects them is refused, not read into the wrong names."""
    from django.db.models import F, Value

    from kansrijk.compiled import fetch

    def named(pk: int) -> QuerySet[Any]:
        return (
            Organisation.objects.filter(pk=pk)
            .annotate(kind_of=F("kind"), one=Value(1))
            .values_list("pk", "name", "kind_of", "one")
            .order_by()  # SQLite allows no ORDER BY within a union
        )

    school = world.school.organisation
    for organisation in (school, world.family_specialist.memberships.get().organisation):
        found = fetch(("test: an organisation's values",), "default", named, pk=organisation.pk)
        assert (
            found
            == list(named(organisation.pk))
            == [(organisation.pk, organisation.name, organisation.kind, 1)]
        )

    def both(first: int, second: int) -> QuerySet[Any]:
        return named(first).union(named(second), all=True).order_by("pk")

    other = world.family_specialist.memberships.get().organisation
    found = fetch(("test: two organisations",), "default", both, first=school.pk, second=other.pk)
    assert found == list(both(school.pk, other.pk)) and len(found) == 2

    def reordered(pk: int) -> QuerySet[Any]:
        return Organisation.objects.filter(pk=pk).annotate(n=F("name")).values_list("n", "pk")

    with pytest.raises(ValueError, match="order"):
        fetch(("test: reordered",), "default", reordered, pk=school.pk)


@pytest.mark.django_db
def test_an_instance_by_its_key_alone_is_the_orms_and_reads_the_rest_when_asked(
    world: World,
) -> None:
    """`key_only` makes what `Model.from_db` makes with the key alone: the key set, the rest
    deferred and read from the database when first asked for; a model with an init receiver
    goes through `from_db` itself."""
    organisation = world.school.organisation
    fast = key_only(Organisation, "default", organisation.pk)
    slow = Organisation.from_db("default", ["id"], [organisation.pk])
    assert fast.__dict__.keys() == slow.__dict__.keys() == {"_state", "id"}
    assert fast.get_deferred_fields() == slow.get_deferred_fields()
    assert (fast._state.adding, fast._state.db) == (False, "default")
    with CaptureQueriesContext(connection) as queries:
        assert fast.name == organisation.name
    assert len(queries) == 1
    assert fast == organisation

    made: list[Model] = []

    def seen(sender: Any, instance: Model, **kwargs: Any) -> None:
        made.append(instance)

    post_init.connect(seen, sender=Match)
    try:
        match = key_only(Match, "default", 12345)
    finally:
        post_init.disconnect(seen, sender=Match)
    assert made == [match] and match.pk == 12345
