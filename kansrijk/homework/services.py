"""Writing homework support: only the family specialist, each write in the access log."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.policies import roles_of
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Professional
from kansrijk.homework.models import HomeworkSupport
from kansrijk.homework.selectors import one, pupil_found

PURPOSE = "homework support"


def _log(by: Professional, support: HomeworkSupport, event: Event, detail: str) -> None:
    log_access(
        by=by,
        event=event,
        purpose=PURPOSE,
        family_id=support.family_id,
        child_id=support.child_id,
        detail=detail,
    )


def homework_start(
    *,
    by: Professional,
    name: str,
    date_of_birth: datetime.date,
    place: str,
    question: str,
    started_on: datetime.date | None = None,
) -> HomeworkSupport:
    if Role.FAMILY_SPECIALIST not in roles_of(by):
        raise NotFound
    if not question.strip():
        raise CaseError(_("Say what the parents asked."), field="question")
    if place not in HomeworkSupport.Place.values:
        raise CaseError(_("Choose at home or at school."), field="place")
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise CaseError(_("The start cannot be in the future."), field="started_on")
    child = pupil_found(by, name=name, date_of_birth=date_of_birth)
    if child is None:
        raise CaseError(
            _("No single pupil of your schools has this name and date of birth."), field="name"
        )
    with transaction.atomic():
        support = HomeworkSupport.objects.create(
            child=child,
            family_id=child.family_id,
            specialist=by,
            place=place,
            question=question.strip(),
            started_on=started_on,
        )
        _log(by, support, Event.WRITE, f"homework support {support.pk} started")
    return support


def homework_end(
    *, by: Professional, support_id: int, result: str, note: str, ended_on: datetime.date
) -> HomeworkSupport:
    with transaction.atomic():
        support = one(by, support_id)
        if support.ended_on is not None:
            raise CaseError(_("This homework support has already ended."))
        if result not in HomeworkSupport.Result.values:
            raise CaseError(_("Choose a result."), field="result")
        if ended_on < support.started_on or ended_on > timezone.localdate():
            raise CaseError(_("The end lies between the start and today."), field="ended_on")
        support.ended_on, support.result, support.result_note = ended_on, result, note.strip()
        support.save(update_fields=["ended_on", "result", "result_note"])
        _log(by, support, Event.WRITE, f"homework support {support.pk} ended")
    return support
