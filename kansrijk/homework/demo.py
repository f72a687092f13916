"""Demo: gs.pwa supports two families with homework, one at home, one ended at school."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kansrijk.cases.models import Child
from kansrijk.core.models import Professional
from kansrijk.homework.models import HomeworkSupport


def seed_homework_demo() -> None:
    specialist = Professional.objects.get(username="gs.pwa")
    today = timezone.localdate()
    pupils = list(
        Child.objects.filter(location__code="pwa", family__cases__isnull=True).order_by("pk")[:2]
    )
    if len(pupils) < 2:
        return
    HomeworkSupport.objects.create(
        child=pupils[0],
        family_id=pupils[0].family_id,
        specialist=specialist,
        place=HomeworkSupport.Place.HOME,
        question="Vader wil weten hoe hij kan helpen met lezen; hij leest zelf weinig Nederlands.",
        started_on=today - datetime.timedelta(days=10),
    )
    HomeworkSupport.objects.create(
        child=pupils[1],
        family_id=pupils[1].family_id,
        specialist=specialist,
        place=HomeworkSupport.Place.SCHOOL,
        question="Moeder vraagt hulp bij het plannen van huiswerk voor groep 8.",
        started_on=today - datetime.timedelta(days=40),
        ended_on=today - datetime.timedelta(days=5),
        result=HomeworkSupport.Result.HELPED,
        result_note="Samen een weekplanning gemaakt; moeder houdt die nu zelf bij.",
    )
