"""The only code that writes dyslexia files (house rule 1). Every write checks that `by` may
reach the file (the selectors' need-to-know; a forbidden file is NotFound, the same 404 as a
missing one), runs under a row lock and leaves one access-log entry in its transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Child
from kansrijk.core.models import Organisation, Professional
from kansrijk.dyslexia import selectors
from kansrijk.dyslexia.criteria import CheckResult, check
from kansrijk.dyslexia.models import (
    SCHOOL_EDITS,
    WITH_GATEKEEPER,
    DyslexiaFile,
    Measurement,
    Question,
    Status,
    SupportPeriod,
)
from kansrijk.notifications.services import notify

PURPOSE = "dyslexia file"


def log(by: Professional, file: DyslexiaFile, event: Event, detail: str) -> None:
    log_access(
        by=by,
        event=event,
        purpose=PURPOSE,
        family_id=file.child.family_id,
        child_id=file.child_id,
        detail=f"dyslexia file {file.pk}: {detail}",
    )


def _locked(file_id: int) -> DyslexiaFile:
    return DyslexiaFile.objects.select_for_update().select_related("child").get(pk=file_id)


def _for_school(by: Professional, file_id: int) -> DyslexiaFile:
    file = selectors.file_for(by, file_id)
    if not selectors.writes(by, file):
        raise NotFound
    return _locked(file_id)


def _editable(by: Professional, file_id: int) -> DyslexiaFile:
    file = _for_school(by, file_id)
    if file.status not in SCHOOL_EDITS:
        raise CaseError(_("The file is with the gatekeeper or decided: it cannot be changed now."))
    return file


def _for_gatekeeper(by: Professional, file_id: int) -> DyslexiaFile:
    file = selectors.file_for(by, file_id)
    if not selectors.assesses(by, file):
        raise NotFound
    file = _locked(file_id)
    if file.status not in WITH_GATEKEEPER:
        raise CaseError(_("The file is not waiting for the gatekeeper."))
    return file


def file_check(file: DyslexiaFile) -> CheckResult:
    return check(
        file,
        file.measurements.all(),
        file.support.all(),
        consent_given=selectors.consent_in_force(file) is not None,
    )


# --- the school ------------------------------------------------------------------------------


@transaction.atomic
def file_open(*, by: Professional, child: Child) -> DyslexiaFile:
    """The IB opens a file for a pupil of their school; one open file per pupil."""
    if child.location_id is None or not selectors.pupils_of_school(by).filter(pk=child.pk).exists():
        raise NotFound
    open_file = (
        DyslexiaFile.objects.filter(child=child)
        .exclude(status__in=[Status.WITHDRAWN, Status.NOT_REFERRED])
        .first()
    )
    if open_file is not None:
        raise CaseError(_("This pupil already has a dyslexia file."), field="child")
    file = DyslexiaFile.objects.create(child=child, school_id=child.location_id, created_by=by)
    log(by, file, Event.WRITE, "opened")
    return file


@transaction.atomic
def exclusion_record(
    *,
    by: Professional,
    file_id: int,
    hearing_checked: bool | None,
    vision_checked: bool | None,
    iq_indication: str,
    absence: str,
    other_causes: str,
) -> DyslexiaFile:
    file = _editable(by, file_id)
    file.hearing_checked = hearing_checked
    file.vision_checked = vision_checked
    file.iq_indication = iq_indication
    file.absence = absence
    file.other_causes = other_causes
    file.save(
        update_fields=[
            "hearing_checked",
            "vision_checked",
            "iq_indication",
            "absence",
            "other_causes",
        ]
    )
    log(by, file, Event.WRITE, "exclusion of other causes")
    return file


@transaction.atomic
def measurement_add(
    *,
    by: Professional,
    file_id: int,
    measured_on: datetime.date,
    test: str,
    skill: str,
    percentile: int,
    score: str = "",
    level: str = "",
) -> Measurement:
    file = _editable(by, file_id)
    if measured_on > timezone.localdate():
        raise CaseError(_("A measurement cannot be in the future."), field="measured_on")
    if not 0 <= percentile <= 100:
        raise CaseError(_("A percentile lies between 0 and 100."), field="percentile")
    measurement = Measurement.objects.create(
        file=file,
        measured_on=measured_on,
        test=test,
        skill=skill,
        percentile=percentile,
        score=score,
        level=level,
    )
    log(by, file, Event.WRITE, f"measurement {measurement.pk}")
    return measurement


@transaction.atomic
def support_add(
    *,
    by: Professional,
    file_id: int,
    started_on: datetime.date,
    ended_on: datetime.date,
    approach: str,
    minutes_per_week: int,
    result: str,
) -> SupportPeriod:
    file = _editable(by, file_id)
    if ended_on <= started_on:
        raise CaseError(_("The end must come after the start."), field="ended_on")
    period = SupportPeriod.objects.create(
        file=file,
        started_on=started_on,
        ended_on=ended_on,
        approach=approach,
        minutes_per_week=minutes_per_week,
        result=result,
    )
    log(by, file, Event.WRITE, f"support period {period.pk}")
    return period


@transaction.atomic
def consent_record(*, by: Professional, file_id: int, given: bool, method: str) -> None:
    from kansrijk.consent.services import consent_record_for_dyslexia

    file = _editable(by, file_id)
    consent_record_for_dyslexia(by=by, child=file.child, given=given, method=method)
    log(by, file, Event.WRITE, "parents' consent " + ("given" if given else "refused"))


def _gatekeepers(file: DyslexiaFile) -> list[Professional]:
    return list(
        Professional.objects.filter(
            is_active=True,
            memberships__role=Role.DYSLEXIA_GATEKEEPER,
            memberships__location=file.school_id,
        ).distinct()
    )


@transaction.atomic
def file_submit(*, by: Professional, file_id: int) -> DyslexiaFile:
    """The school submits (or resubmits after a question). Parents' consent is required: the
    file goes to the SWV. What else is missing the gatekeeper sees in the check."""
    file = _editable(by, file_id)
    result = file_check(file)
    if not any(c.code == "consent" and c.passed for c in result.criteria):
        raise CaseError(_("Record the parents' consent before you submit the file."))
    open_questions = file.questions.filter(answered_at__isnull=True)
    if open_questions.exists():
        raise CaseError(_("Answer the gatekeeper's question before you submit again."))
    now = timezone.now()
    if file.first_submitted_at is None:
        file.first_submitted_at = now
        file.complete_at_first_submission = result.passed
    file.submitted_at = now
    file.times_submitted += 1
    file.status = Status.SUBMITTED
    file.save(
        update_fields=[
            "first_submitted_at",
            "complete_at_first_submission",
            "submitted_at",
            "times_submitted",
            "status",
        ]
    )
    log(by, file, Event.WRITE, f"submitted ({file.times_submitted})")
    gatekeepers = _gatekeepers(file)
    if gatekeepers:
        notify(
            to=gatekeepers,
            subject=_("A dyslexia file is waiting for you, number %(number)s")
            % {"number": file.pk},
            url=reverse("dyslexia:file_detail", args=[file.pk]),
        )
    return file


@transaction.atomic
def question_answer(*, by: Professional, file_id: int, question_id: int, answer: str) -> Question:
    file = _editable(by, file_id)
    question = Question.objects.filter(file=file, pk=question_id, answered_at__isnull=True).first()
    if question is None:
        raise NotFound
    if not answer.strip():
        raise CaseError(_("Write your answer."), field="answer")
    question.answer = answer.strip()
    question.answered_by = by
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    log(by, file, Event.WRITE, f"answered question {question.pk}")
    return question


@transaction.atomic
def file_withdraw(*, by: Professional, file_id: int) -> DyslexiaFile:
    file = _for_school(by, file_id)
    if file.status not in SCHOOL_EDITS | WITH_GATEKEEPER:
        raise CaseError(_("A decided file cannot be withdrawn."))
    file.status = Status.WITHDRAWN
    file.withdrawn_at = timezone.now()
    file.save(update_fields=["status", "withdrawn_at"])
    log(by, file, Event.WRITE, "withdrawn")
    return file


# --- the gatekeeper --------------------------------------------------------------------------


def _school_coaches(file: DyslexiaFile) -> list[Professional]:
    coaches = list(
        Professional.objects.filter(
            is_active=True,
            memberships__role=Role.INTERNAL_COACH,
            memberships__location=file.school_id,
        ).distinct()
    )
    return coaches or [file.created_by]


@transaction.atomic
def question_ask(*, by: Professional, file_id: int, text: str) -> Question:
    """The gatekeeper asks the school for what is missing; the IB is told, the file goes back
    to the school until it is resubmitted."""
    file = _for_gatekeeper(by, file_id)
    if not text.strip():
        raise CaseError(_("Write what the school should add."), field="text")
    question = Question.objects.create(file=file, text=text.strip(), asked_by=by)
    file.status = Status.MORE_INFORMATION
    file.save(update_fields=["status"])
    log(by, file, Event.WRITE, f"asked question {question.pk}")
    notify(
        to=_school_coaches(file),
        subject=_("The dyslexia gatekeeper asks for more information, file %(number)s")
        % {"number": file.pk},
        url=reverse("dyslexia:file_detail", args=[file.pk]),
    )
    return question


@transaction.atomic
def file_review(*, by: Professional, file_id: int) -> DyslexiaFile:
    """The gatekeeper finds the file complete and assesses it."""
    file = _for_gatekeeper(by, file_id)
    file.status = Status.UNDER_REVIEW
    file.save(update_fields=["status"])
    log(by, file, Event.WRITE, "complete, under review")
    return file


@transaction.atomic
def file_decide(
    *,
    by: Professional,
    file_id: int,
    refer: bool,
    provider: Organisation | None = None,
    municipality: Organisation | None = None,
    reason: str = "",
    advice: str = "",
) -> DyslexiaFile:
    """Referral to a dyslexia care provider for diagnosis (the municipality then issues the
    decision), or not, with a reason and advice to the school."""
    file = _for_gatekeeper(by, file_id)
    if refer:
        if provider is None or provider.kind != Organisation.Kind.DYSLEXIA_CARE:
            raise CaseError(_("Choose the dyslexia care provider."), field="provider")
        if municipality is None or municipality.kind != Organisation.Kind.MUNICIPALITY:
            raise CaseError(
                _("Choose the municipality that issues the decision."), field="municipality"
            )
        if selectors.consent_in_force(file) is None:
            raise CaseError(_("Without the parents' consent the file cannot be referred."))
        file.status = Status.REFERRED
        file.provider, file.municipality = provider, municipality
    else:
        if not reason.strip():
            raise CaseError(_("Give the reason for not referring."), field="reason")
        if not advice.strip():
            raise CaseError(_("Give the school your advice."), field="advice")
        file.status = Status.NOT_REFERRED
        file.provider, file.municipality = None, None
    file.reason, file.advice = reason.strip(), advice.strip()
    file.decided_at, file.decided_by = timezone.now(), by
    file.save(
        update_fields=[
            "status",
            "provider",
            "municipality",
            "reason",
            "advice",
            "decided_at",
            "decided_by",
        ]
    )
    log(by, file, Event.WRITE, "referred" if refer else "not referred")
    subject = (
        _("Dyslexia file %(number)s: referred for diagnosis")
        if refer
        else _("Dyslexia file %(number)s: not referred, with advice")
    )
    notify(
        to=_school_coaches(file),
        subject=subject % {"number": file.pk},
        url=reverse("dyslexia:file_detail", args=[file.pk]),
    )
    return file


# --- the municipality ------------------------------------------------------------------------


@transaction.atomic
def decision_issue(*, by: Professional, file_id: int, number: str) -> DyslexiaFile:
    """The municipality records that it issued the decision (beschikking) for a referral."""
    selectors.decision_for(by, file_id)
    file = _locked(file_id)
    if file.issued_at is not None:
        raise CaseError(_("This decision is already issued."))
    if not number.strip():
        raise CaseError(_("Give the decision's number."), field="number")
    file.issued_at = timezone.now()
    file.decision_number = number.strip()[:50]
    file.save(update_fields=["issued_at", "decision_number"])
    log(by, file, Event.WRITE, "decision issued")
    return file
