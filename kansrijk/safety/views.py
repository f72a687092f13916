"""Pages of the safety route: the meldcode of a case, contact attempts and the families that
do not respond, the joint list of vulnerable families, the community officer, and
break-the-glass with its review. Views read through selectors and write through services;
a case the user may not see answers 404 like a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansrijk.access.matrix import Action
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases import selectors as case_selectors
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.forms import pupil_name_filter
from kansrijk.cases.models import Case
from kansrijk.cases.workflow import CaseState
from kansrijk.core.models import Professional
from kansrijk.safety import selectors, services
from kansrijk.safety.forms import (
    ContactAttemptForm,
    DistrictAnswerForm,
    EmergencyGrantForm,
    EmergencySearchForm,
    FollowUpForm,
    MeldcodeStepForm,
    OfficerForm,
    ReportForm,
    ResolveForm,
    ReviewForm,
    VulnerableCloseForm,
    VulnerableFamilyForm,
    VulnerablePlanForm,
)
from kansrijk.safety.models import WEIGHING_QUESTIONS, EmergencyAccess, MeldcodeStepNumber


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def _visible_case(request: HttpRequest, case_id: int) -> Case:
    try:
        return case_selectors.case_for(_user(request), case_id, Action.SUMMARY)
    except NotFound as missing:
        raise Http404 from missing


def _form_error(form: Any, error: CaseError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- the meldcode ---------------------------------------------------------------------------


def meldcode_rows(meldcode: Any) -> list[dict[str, Any]]:
    """The five steps in order, each recorded, next, skipped or still to come."""
    recorded = {step.number: step for step in meldcode.steps.all()} if meldcode else {}
    rows = []
    for number in MeldcodeStepNumber:
        step = recorded.get(number.value)
        if step is not None:
            status = "done"
        elif meldcode is None:
            status = "next" if number == MeldcodeStepNumber.MAP_SIGNALS else "later"
        elif meldcode.is_open and meldcode.next_step == number.value:
            status = "next"
        elif meldcode.next_step > number.value or not meldcode.is_open:
            status = "skipped"
        else:
            status = "later"
        rows.append({"number": number.value, "label": number.label, "step": step, "status": status})
    return rows


def _meldcode_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    meldcode = selectors.meldcode_of(case)
    may_work = bool(selectors.worker_roles(user, case)) and case.is_open
    readable = may_work or selectors.may_read_meldcode(user, case)
    step_form = forms.get("step_form")
    if (
        step_form is None
        and may_work
        and meldcode is not None
        and meldcode.is_open
        and (meldcode.next_step <= MeldcodeStepNumber.DECIDE)
    ):
        step_form = MeldcodeStepForm(number=meldcode.next_step)
    open_or_none = meldcode is None or meldcode.is_open
    return {
        "case": case,
        "meldcode": meldcode,
        "rows": meldcode_rows(meldcode),
        "readable": readable,
        "may_work": may_work,
        "step_form": step_form if may_work else None,
        "report_form": (forms.get("report_form") or ReportForm())
        if may_work and open_or_none
        else None,
        "questions": dict(WEIGHING_QUESTIONS),
        "officers": list(
            case.members.filter(role=Role.COMMUNITY_OFFICER).select_related("professional")
        )
        if readable
        else [],
    }


def meldcode(request: HttpRequest, case_id: int) -> HttpResponse:
    """The meldcode of one case: the five steps in order, who did what when, the report."""
    case = _visible_case(request, case_id)
    context = _meldcode_context(request, case)
    log_access(
        by=_user(request),
        event=Event.READ,
        purpose="meldcode",
        case_id=case.pk,
        family_id=case.family_id,
        detail="meldcode" if context["readable"] else "status",
    )
    return render(request, "safety/meldcode.html", context)


def _meldcode_with_errors(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(
        request, "safety/meldcode.html", _meldcode_context(request, case, **forms), status=400
    )


@require_POST
def meldcode_start(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    try:
        services.meldcode_start(by=_user(request), case_id=case.pk)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The meldcode has started: the case is P1 on the safety route.")
        )
    return redirect("safety:meldcode", case_id=case.pk)


@require_POST
def meldcode_step(request: HttpRequest, case_id: int, number: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    if number not in MeldcodeStepNumber.values:
        raise Http404
    form = MeldcodeStepForm(request.POST, number=number)
    if form.is_valid():
        try:
            services.meldcode_step(
                by=_user(request),
                case_id=case.pk,
                number=number,
                summary=form.cleaned_data["summary"],
                data=form.service_data(),
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Recorded: %(step)s.") % {"step": MeldcodeStepNumber(number).label}
            )
            return redirect("safety:meldcode", case_id=case.pk)
    return _meldcode_with_errors(request, case, step_form=form)


@require_POST
def meldcode_report(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.meldcode_report(
                by=_user(request),
                case_id=case.pk,
                reported_on=form.cleaned_data["reported_on"],
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The report to Veilig Thuis has been recorded."))
            return redirect("safety:meldcode", case_id=case.pk)
    return _meldcode_with_errors(request, case, report_form=form)


# --- the community officer ------------------------------------------------------------------


def community_officer(request: HttpRequest, case_id: int) -> HttpResponse:
    """Involve the community officer in a case, with the reason recorded."""
    user = _user(request)
    case = _visible_case(request, case_id)
    if not selectors.worker_roles(user, case):
        raise Http404
    officers = (
        Professional.objects.filter(memberships__role=Role.COMMUNITY_OFFICER, is_active=True)
        .distinct()
        .order_by("first_name", "last_name")
    )
    form = OfficerForm(request.POST or None, officers=officers)
    if request.method == "POST" and form.is_valid():
        try:
            services.involve_community_officer(
                by=user,
                case_id=case.pk,
                officer=form.cleaned_data["officer"],
                reason=form.cleaned_data["reason"],
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The community officer is involved in this case."))
            return redirect("safety:meldcode", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "safety/officer_form.html", {"case": case, "form": form}, status=status)


# --- families that do not respond -----------------------------------------------------------


def contact_attempt_new(request: HttpRequest) -> HttpResponse:
    """School staff record an attempt to reach a family that got no answer."""
    user = _user(request)
    if not selectors.may_record_attempts(user):
        raise Http404
    pupil_filter, term = pupil_name_filter(request.GET)
    # Linked from the case page and the attention list with the pupil chosen (?child=).
    child = request.GET.get("child", "")
    initial = {"child": child} if child.isdecimal() else {}
    form = ContactAttemptForm(
        request.POST or None,
        pupils=lambda: case_selectors.pupils_for_signal(user),
        term=term,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _attempt, flag = services.contact_attempt_record(
                by=user,
                child_id=form.cleaned_data["child"].pk,
                kind=form.cleaned_data["kind"],
                happened_on=form.cleaned_data["happened_on"],
                note=form.cleaned_data["note"],
            )
        except NotFound:
            form.add_error("child", _("Choose a pupil from the list."))
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The attempt has been recorded."))
            if flag is not None:
                messages.info(
                    request,
                    _(
                        "The family has not responded %(count)s times; the "
                        "coordinator has been told."
                    )
                    % {"count": flag.attempts},
                )
            return redirect("safety:contact_attempt_new")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "pupil_filter": pupil_filter, "term": term}
    return render(request, "safety/contact_attempt_form.html", context, status=status)


def non_responding(request: HttpRequest) -> HttpResponse:
    """The coordinator's list of families that do not respond, with every attempt."""
    user = _user(request)
    if not selectors.coordinator_location_ids(user):
        raise Http404
    flags = list(selectors.flagged_families(user))
    attempts = selectors.attempts_of([f.family_id for f in flags])
    # The choice's form (with the people to choose from) is loaded for the flag opened.
    opened = request.GET.get("open", "")
    rows = [
        {
            "flag": f,
            "attempts": attempts[f.family_id],
            "form": ResolveForm(prefix=f"flag{f.pk}"),
            "follow_up": _follow_up_form(None, f.pk) if str(f.pk) == opened else None,
        }
        for f in flags
    ]
    log_ids([f.family_id for f in flags], by=user, purpose="non-response", opening="families ")
    return render(request, "safety/non_responding.html", {"rows": rows})


@require_POST
def non_response_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    form = ResolveForm(request.POST, prefix=f"flag{flag_id}")
    if form.is_valid():
        try:
            services.non_response_resolve(
                by=_user(request), flag_id=flag_id, resolution=form.cleaned_data["resolution"]
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The follow-up has been recorded."))
    else:
        messages.error(request, _("Say what was done to reach the family."))
    return redirect("safety:non_responding")


def _follow_up_form(data: Any, flag_id: int) -> FollowUpForm:
    officers = Professional.objects.filter(
        is_active=True, memberships__role=Role.COMMUNITY_OFFICER
    ).distinct()
    owners = (
        Professional.objects.filter(
            is_active=True,
            memberships__role__in=[Role.FAMILY_SPECIALIST, Role.INTERNAL_COACH, Role.DISTRICT_TEAM],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    return FollowUpForm(data, prefix=f"follow{flag_id}", officers=officers, owners=owners)


@require_POST
def non_response_follow_up(request: HttpRequest, flag_id: int) -> HttpResponse:
    """The coordinator's choice: ask the district team, the community officer, a home visit
    or Veilig Thuis."""
    form = _follow_up_form(request.POST, flag_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.non_response_follow_up(
                by=_user(request),
                flag_id=flag_id,
                choice=data["choice"],
                officer_id=data["officer"].pk if data["officer"] else None,
                owner_id=data["owner"].pk if data["owner"] else None,
                visit_on=data["visit_on"],
                note=data["note"],
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The follow-up has been recorded."))
    else:
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
    return redirect("safety:non_responding")


def district_team_questions(request: HttpRequest) -> HttpResponse:
    """The district team's workers: is this family that does not respond known to you?"""
    user = _user(request)
    flags = list(selectors.district_team_questions(user)[:50])
    log_ids([f.family_id for f in flags], by=user, purpose="non-response", opening="families ")
    rows = [{"flag": f, "form": DistrictAnswerForm(prefix=f"answer{f.pk}")} for f in flags]
    return render(request, "safety/district_team_questions.html", {"rows": rows})


@require_POST
def district_team_answer(request: HttpRequest, flag_id: int) -> HttpResponse:
    form = DistrictAnswerForm(request.POST, prefix=f"answer{flag_id}")
    if form.is_valid():
        try:
            services.non_response_district_answer(
                by=_user(request), flag_id=flag_id, answer=form.cleaned_data["answer"]
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer has been sent to the coordinator."))
    else:
        messages.error(request, _("Say whether you know the family."))
    return redirect("safety:district_team_questions")


# --- the joint list of vulnerable families --------------------------------------------------


def vulnerable_families(request: HttpRequest) -> HttpResponse:
    """The joint list of the coordinator, the SWV specialist and the area manager."""
    user = _user(request)
    if not selectors.may_keep_vulnerable_list(user):
        raise Http404
    form = VulnerableFamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vulnerable_family_add(by=user, **form.cleaned_data)
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The family has been added to the list."))
            return redirect("safety:vulnerable_families")
    entries = list(selectors.vulnerable_families(user))
    for entry in entries:
        state = getattr(entry, "case_state", None)
        entry.case_state_label = CaseState(state).label if state else ""  # type: ignore[attr-defined]
    log_ids(
        [e.family_id for e in entries], by=user, purpose="vulnerable families", opening="families "
    )
    status = 400 if request.method == "POST" else 200
    return _render_vulnerable(request, entries, form, status=status)


def _render_vulnerable(
    request: HttpRequest,
    entries: list[Any],
    form: VulnerableFamilyForm,
    *,
    bad_entry: int | None = None,
    bad_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    owners = selectors.vulnerable_list_owners()
    for entry in entries:
        if entry.pk == bad_entry:
            entry.bad_form = bad_form
    return render(
        request,
        "safety/vulnerable_families.html",
        {
            "entries": entries,
            "form": form,
            "plan_form": VulnerablePlanForm(owners=owners),
            "close_form": VulnerableCloseForm(),
            "owners": list(owners),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _vulnerable_post(request: HttpRequest, entry_id: int, form: Any, write: Any) -> HttpResponse:
    user = _user(request)
    if not selectors.may_keep_vulnerable_list(user):
        raise Http404
    if form.is_valid():
        try:
            write(by=user, entry_id=entry_id, **form.cleaned_data)
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The list has been updated."))
            return redirect("safety:vulnerable_families")
    entries = list(selectors.vulnerable_families(user))
    if not any(e.pk == entry_id and e.closed_at is None for e in entries):
        raise Http404
    for entry in entries:
        state = getattr(entry, "case_state", None)
        entry.case_state_label = CaseState(state).label if state else ""  # type: ignore[attr-defined]
    return _render_vulnerable(
        request, entries, VulnerableFamilyForm(), bad_entry=entry_id, bad_form=form, status=400
    )


@require_POST
def vulnerable_family_plan(request: HttpRequest, entry_id: int) -> HttpResponse:
    form = VulnerablePlanForm(request.POST, owners=selectors.vulnerable_list_owners())
    return _vulnerable_post(request, entry_id, form, services.vulnerable_family_plan)


@require_POST
def vulnerable_family_close(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _vulnerable_post(
        request, entry_id, VulnerableCloseForm(request.POST), services.vulnerable_family_close
    )


# --- break-the-glass ------------------------------------------------------------------------


def emergency(request: HttpRequest) -> HttpResponse:
    """Break-the-glass: find a child's open case by exact BSN, then ask for access."""
    user = _user(request)
    if not selectors.may_break_glass(user):
        raise Http404
    search = EmergencySearchForm(request.POST or None, prefix="search")
    context: dict[str, Any] = {"search": search}
    if request.method == "POST" and search.is_valid():
        found = services.emergency_search(by=user, bsn=search.cleaned_data["bsn"])
        context["found"] = found
        context["searched"] = True
        if found is not None and found.case is not None and not found.has_access:
            context["grant"] = EmergencyGrantForm(initial={"bsn": search.cleaned_data["bsn"]})
    status = 400 if request.method == "POST" and search.errors else 200
    return render(request, "safety/emergency.html", context, status=status)


@require_POST
def emergency_grant(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_break_glass(user):
        raise Http404
    form = EmergencyGrantForm(request.POST)
    if form.is_valid():
        try:
            grant = services.emergency_access_grant(
                by=user, bsn=form.cleaned_data["bsn"], reason=form.cleaned_data["reason"]
            )
        except CaseError as error:
            _form_error(form, error)
        else:
            messages.warning(
                request,
                _(
                    "Emergency access until %(time)s. Your reason is logged and the coordinator "
                    "will review it."
                )
                % {"time": grant.expires_at.astimezone().strftime("%H:%M")},
            )
            return redirect("cases:case_detail", case_id=grant.case_id)
    return render(
        request,
        "safety/emergency.html",
        {"search": EmergencySearchForm(prefix="search"), "grant": form, "searched": True},
        status=400,
    )


def emergency_review(request: HttpRequest) -> HttpResponse:
    """The coordinator reviews every break-the-glass event of their centres."""
    user = _user(request)
    if not selectors.coordinator_location_ids(user):
        raise Http404
    grants = list(selectors.emergency_grants_to_review(user))
    log_ids(
        [g.case_id for g in grants], by=user, purpose="break the glass: review", opening="cases "
    )
    return render(
        request,
        "safety/emergency_review.html",
        {
            "grants": grants,
            "Review": EmergencyAccess.Review,
        },
    )


@require_POST
def emergency_review_decide(request: HttpRequest, grant_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.emergency_access_review(
                by=_user(request),
                grant_id=grant_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Review recorded."))
    else:
        messages.error(request, _("Choose approve or flag."))
    return redirect("safety:emergency_review")
