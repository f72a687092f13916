"""Pages of the zorgroute: my work, the signal form, the case page, the attention list.

Views only read through selectors and write through services; a case the user may not
see answers 404 exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kansrijk.access.matrix import ATTENTION_LIST_ROLES, SIGNALLING_ROLES, Action
from kansrijk.access.policies import (
    action_owner_condition,
    can,
    granting_roles_per_case,
    memberships_of,
    one_page,
    pupil_pick,
    read_for_page,
    roles_of,
)
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases import selectors, services
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.forms import (
    FamilyContactForm,
    NoteForm,
    PlanActionFormSet,
    PlanForm,
    PupilFilterForm,
    PupilSearchForm,
    ReferralAnswerForm,
    SignalForm,
    TransitionForm,
    owner_kwargs,
    pupil_name_filter,
)
from kansrijk.cases.models import Case, Child, PlanVersion
from kansrijk.cases.workflow import BY_NAME, CaseState
from kansrijk.core.models import Professional


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def _log_list(request: HttpRequest, cases: list[Case], *, purpose: str) -> None:
    ids = list(dict.fromkeys(c.pk for c in cases))  # a case on two lists of a page: once
    log_ids(ids, by=_user(request), purpose=purpose, opening="cases ")


# --- my work -------------------------------------------------------------------------------


#: At most this many cases per list of my work; the rest on the paged list of all cases.
MY_WORK_BOUND = 25
#: A signaller's own signals on my work: those on P1 cases, then the newest.
SIGNALS_BOUND = 50
#: The IB's pupils by state: at most this many per state (six states on one page).
PER_STATE_BOUND = 10
#: Cases per page of the list of all cases.
CASE_LIST_PAGE = 50


def _total(cases: list[Case]) -> int:
    return cases[0].total if cases else 0  # type: ignore[attr-defined]


#: The roles whose my work lists their caseload and their team's cases.
WORKER_ROLES = frozenset(
    {
        Role.FAMILY_SPECIALIST,
        Role.SCHOOL_NURSE,
        Role.DISTRICT_TEAM,
        Role.PSYCHOLOGIST,
        Role.BEHAVIOURAL_SCIENTIST,
        Role.EDUCATION_SPECIALIST,
    }
)


def my_work(request: HttpRequest) -> HttpResponse:
    """What each role comes for: a teacher's signals, an IB's pupils by state, a GS's
    caseload and today, the coordinator's open cases with the stalled ones on top."""
    user = _user(request)
    roles = roles_of(user)
    context: dict[str, Any] = {
        "can_signal": bool(roles & SIGNALLING_ROLES),
        "stalled_before": selectors.stalled_before(),
        "today": timezone.localdate(),
    }
    shown: list[Case] = []
    # The sets this page asks for twice, read once: the IB's signals and pupils, the
    # coordinator's open cases and counts. A signaller's cases too: inside the signals
    # list's query the filter was planned anew on every view (5.6 ms at region scale 0.05).
    # With the counts per state, the states are read with the ids: the counts and the lists
    # of open cases then read no case they do not show (issue 17); the lists of open cases
    # are ranked from the columns read with them. A GS's summary and full file share one
    # filter: the one read answers both.
    counted = ("state",) if roles & ATTENTION_LIST_ROLES else ()
    mine = selectors.MINE_COLUMNS if roles & WORKER_ROLES else ()
    if roles & SIGNALLING_ROLES:
        ranked = selectors.RANKED_COLUMNS if Role.INTERNAL_COACH in roles else counted
        read_for_page(user, Action.SUMMARY, also=mine or ranked)
    if roles & WORKER_ROLES:
        # The workers' list and the children it names both ask for the full file.
        read_for_page(user, Action.FULL, also=mine)
    if roles & {Role.COORDINATOR, Role.DIRECTOR} and roles & ATTENTION_LIST_ROLES:
        read_for_page(user, Action.EXISTS, also=selectors.RANKED_COLUMNS)
    if roles & SIGNALLING_ROLES:
        context["signals"] = list(selectors.signals_by(user, SIGNALS_BOUND))
    actions = selectors.my_actions(user, MY_WORK_BOUND)
    context["actions"] = actions
    context["actions_total"] = actions[0].total if actions else 0  # type: ignore[attr-defined]
    if Role.INTERNAL_COACH in roles:
        cases = selectors.open_bounded(user, Action.SUMMARY, PER_STATE_BOUND, by="state")
        by_state: dict[str, list[Case]] = {
            state.value: [] for state in CaseState if state != CaseState.CLOSED
        }
        for case in cases:
            by_state[case.state].append(case)
        context["pupils_by_state"] = [
            (CaseState(state).label, state, items, _total(items))
            for state, items in by_state.items()
        ]
        shown += cases
    if roles & WORKER_ROLES:
        # One list read through the matrix, so that neither list links to a page that
        # answers 404 (issue 14) and a stand-in's cases are among the team's.
        visible = selectors.open_bounded(user, Action.FULL, MY_WORK_BOUND, by="mine")
        uid = user.pk
        context["caseload"] = [c for c in visible if c.contact_person_id == uid]
        context["team_cases"] = [c for c in visible if c.contact_person_id != uid]
        context["caseload_total"] = _total(context["caseload"])
        context["team_total"] = _total(context["team_cases"])
        shown += visible
    if roles & {Role.COORDINATOR, Role.DIRECTOR}:
        open_cases = selectors.open_bounded(user, Action.EXISTS, MY_WORK_BOUND, by="stalled")
        context["open_cases"] = open_cases
        context["open_total"] = _total(open_cases)
        shown += open_cases
    context["counts"] = (
        [(CaseState(state).label, n) for state, n in selectors.state_counts(user).items() if n]
        if roles & ATTENTION_LIST_ROLES
        else None
    )
    selectors.children_shown(user, shown)
    # The signaller's own signals show their cases' state and contact person: read too.
    signalled = [s.case for s in context.get("signals", ()) if s.case_id is not None]
    _log_list(request, [*shown, *signalled], purpose="my work")
    return render(request, "cases/my_work.html", context)


class _CaseList:
    """The user's cases as the paginator pages them: counted and sliced by
    `selectors.cases_page` (the count and the page from the one read of the ids)."""

    def __init__(self, user: Professional, states: frozenset[str] | None) -> None:
        self.user, self.states = user, states

    def _page(self, offset: int, limit: int) -> tuple[int, list[Case]]:
        return selectors.cases_page(
            self.user, action=Action.SUMMARY, states=self.states, location=None,
            offset=offset, limit=limit,
        )  # fmt: skip

    def count(self) -> int:
        return self._page(0, 0)[0]

    def __getitem__(self, part: slice) -> list[Case]:
        return self._page(part.start, part.stop - part.start)[1]


def case_list(request: HttpRequest) -> HttpResponse:
    """Every case the user may see, a page at a time: where my work's bounded lists lead
    ("all 340 open cases"). `?state=` one state, `open` (default) or `all`."""
    user = _user(request)
    state = request.GET.get("state", "open")
    states: frozenset[str] | None
    if state in CaseState.values:
        states = frozenset({state})
    elif state == "all":
        states = None
    else:
        state, states = "open", selectors.OPEN_STATES
    # Counted and ranked from the columns read with the ids, then a page of it.
    read_for_page(user, Action.SUMMARY, also=selectors.page_columns(None))
    listed = cast("Sequence[Case]", _CaseList(user, states))  # as far as the paginator asks
    page = Paginator(listed, CASE_LIST_PAGE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    selectors.children_shown(user, cases)
    _log_list(request, cases, purpose="case list")
    choices = [
        ("open", pgettext("cases filter", "Open")),
        *CaseState.choices,
        ("all", pgettext("cases filter", "All")),
    ]
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "cases": cases,
            "state": state,
            "state_choices": choices,
            "stalled_before": selectors.stalled_before(),
        },
    )


# --- signals -------------------------------------------------------------------------------


def signal_new(request: HttpRequest) -> HttpResponse:
    """A teacher files a signal: one screen, then back to my work with the result."""
    user = _user(request)
    if not roles_of(user) & SIGNALLING_ROLES:
        raise Http404
    search = PupilSearchForm(request.GET or None) if pupil_pick(user).search_locations else None
    found = search.cleaned_data if search is not None and search.is_valid() else {}
    pupil_filter, term = pupil_name_filter(request.GET) if search is None else (None, "")
    searched = bool(found.get("name", "").strip() and found.get("date_of_birth"))

    def pupils() -> QuerySet[Child]:
        return selectors.pupils_for_signal(
            user, name=found.get("name", ""), date_of_birth=found.get("date_of_birth")
        )

    # Without a search the picker's first rows are read through SQL compiled once.
    first = None if term or searched else selectors.picker_rows(user, SignalForm.PUPILS_SHOWN + 1)
    form = SignalForm(
        request.POST or None,
        pupils=pupils,
        first=first,
        term=term,
        initial={"child": request.GET.get("child")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            signal = services.signal_create(
                by=user,
                child=form.cleaned_data["child"],
                domain=form.cleaned_data["domain"],
                urgency=form.cleaned_data["urgency"],
                description=form.cleaned_data["description"],
                safety_concern=form.cleaned_data["safety_concern"],
                parents_agree=form.cleaned_data["parents_agree"],
            )
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except NotFound:
            form.add_error("child", _("Choose a pupil from the list."))
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your signal about %(child)s has been filed; "
                    "%(contact)s will pick it up."
                )
                % {
                    "child": signal.child.given_name,
                    "contact": signal.case.contact_person,
                },
            )
            return redirect("cases:my_work")
    status = 400 if request.method == "POST" else 200
    from kansrijk.safety.selectors import childcare_contacts_for

    context = {
        "form": form,
        "search": search,
        "pupil_filter": pupil_filter or PupilFilterForm(),
        "term": term,
        "childcare_contacts": childcare_contacts_for(user),
        "childcare": Role.CHILDCARE_WORKER in roles_of(user),
    }
    return render(request, "cases/signal_form.html", context, status=status)


# --- the case page -------------------------------------------------------------------------

#: Journal entries per page of the case page (newest first; "older" pages further back).
JOURNAL_PAGE = 50


#: The tabs of the case page: (url name, label). The overview holds what the route needs
#: now (who, the signals, the meldcode, the next steps, the plan); the journal, the family's
#: side and the network each read their own part when opened, so that no tab reads the
#: whole file (issue 17: a case page in at most 15 queries).
CASE_TABS = [
    ("cases:case_detail", pgettext_lazy("case tab", "Overview")),
    ("cases:case_journal", pgettext_lazy("case tab", "Journal")),
    ("cases:case_family", pgettext_lazy("case tab", "Family")),
    ("cases:case_network", pgettext_lazy("case tab", "Network")),
]


def _case_tab(
    request: HttpRequest, case: Case, tab: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """One tab of the case page, its read logged with the tab's name."""
    full = context["full"]
    log_access(
        by=_user(request),
        event=Event.READ,
        purpose="zorgroute",
        case_id=case.pk,
        family_id=case.family_id,
        detail=("full file" if full else "summary") + ("" if tab == "overview" else f": {tab}"),
    )
    context.update(case=case, tab=f"cases:case_{'detail' if tab == 'overview' else tab}")
    context["tabs"] = CASE_TABS
    return render(request, f"cases/case_{tab}.html", context, status=status)


def _overview(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    file = selectors.case_file(user, case)
    edit = can(user, Action.EDIT, case)
    plans = selectors.versions_of(case)
    version_number = request.GET.get("version")
    plan: PlanVersion | None = plans[0] if plans else None
    if version_number and version_number.isdecimal():
        plan = next((p for p in plans if p.number == int(version_number)), plan)
    # The goals and actions of the version shown, not of every version.
    goals, actions = selectors.plan_parts(plan) if plan is not None else ([], [])
    transition_forms = forms.pop("transition_forms", None) or [
        TransitionForm(transition=t, case=case) for t in selectors.allowed_transitions(user, case)
    ]
    return {
        "children": file.children,
        "signals": file.signals,
        "more_signals": file.more_signals,
        "plans": plans,
        "plan": plan,
        "plan_goals": goals,
        "plan_actions": actions,
        "full": file.full,
        "edit": edit and case.is_open,
        # Referred to special education: the case's editors hand it over to the receiving
        # special school with the parents' consent (special_education.services.case_handover).
        "special_handover": edit and case.outcome == "special_education" and not case.is_open,
        "transition_forms": transition_forms,
        "today": timezone.localdate(),
        # Seed 001: school staff log an unanswered attempt to reach the family from here.
        "may_log_attempt": case.is_open
        and any(
            m.role in SIGNALLING_ROLES and m.location_id == case.location_id
            for m in memberships_of(user)
        ),
    }


def _journal(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    page = request.GET.get("journal", "1")
    page_number = max(1, min(int(page), 1000)) if page.isdecimal() else 1
    shown = page_number * JOURNAL_PAGE
    file = selectors.case_file(user, case, newest=shown + 1)
    journal: list[dict[str, Any]] = sorted(
        chain(
            ({"kind": "step", "at": s.at, "item": s} for s in file.steps),
            ({"kind": "note", "at": n.created_at, "item": n} for n in file.notes),
            ({"kind": "contact", "at": c.happened_at, "item": c} for c in file.family_contacts),
        ),
        key=itemgetter("at"),
        reverse=True,
    )
    return {
        "full": file.full,
        "edit": can(user, Action.EDIT, case) and case.is_open,
        "journal": journal[shown - JOURNAL_PAGE : shown],
        "journal_page": page_number,
        "journal_older": len(journal) > shown,
        "contact_history": list(case.contact_history.select_related("professional")),
        "note_form": forms.pop("note_form", None) or NoteForm(),
        "contact_form": forms.pop("contact_form", None) or FamilyContactForm(),
    }


def _visible_case(request: HttpRequest, case_id: int, action: Action = Action.SUMMARY) -> Case:
    try:
        return selectors.case_for(_user(request), case_id, action)
    except NotFound as missing:
        raise Http404 from missing


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's overview: who, what was signalled, the meldcode, the next steps, the plan."""
    with one_page():  # a read: every check of this case in one query
        case = _visible_case(request, case_id)
        return _case_tab(request, case, "overview", _overview(request, case))


def case_journal(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's journal (steps, notes, contacts with the family), a page at a time, with
    the forms to add a note or a contact and the contact person over time."""
    with one_page():
        case = _visible_case(request, case_id)
        return _case_tab(request, case, "journal", _journal(request, case))


def case_family(request: HttpRequest, case_id: int) -> HttpResponse:
    """The family: parents and carers (full file) and the family's side in the portal."""
    with one_page():
        case = _visible_case(request, case_id)
        file = selectors.case_file(_user(request), case)
        return _case_tab(request, case, "family", {"full": file.full, "guardians": file.guardians})


def case_network(request: HttpRequest, case_id: int) -> HttpResponse:
    """Who else is involved: referrals (full file), other organisations known to the
    children (the match register), the school's agreements and the professionals' thread."""
    with one_page():
        case = _visible_case(request, case_id)
        file = selectors.case_file(_user(request), case)
        return _case_tab(request, case, "network", {"full": file.full, "referrals": file.referrals})


@require_POST
def case_transition(request: HttpRequest, case_id: int, name: str) -> HttpResponse:
    user = _user(request)
    case = _visible_case(request, case_id)
    transition = BY_NAME.get(name)
    if transition is None:
        raise Http404
    form = TransitionForm(request.POST, transition=transition, case=case)
    if form.is_valid():
        try:
            services.case_transition(
                by=user,
                case_id=case.pk,
                name=name,
                comment=form.cleaned_data.get("comment") or "",
                data=form.service_data(),
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Step taken: %(step)s.") % {"step": transition.label})
            return redirect("cases:case_detail", case_id=case.pk)
    case.refresh_from_db()
    others = [
        TransitionForm(transition=t, case=case)
        for t in selectors.allowed_transitions(user, case)
        if t.name != name
    ]
    context = _overview(request, case, transition_forms=[form, *others])
    return _case_tab(request, case, "overview", context, status=400)


@require_POST
def note_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id, Action.EDIT)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(by=_user(request), case_id=case.pk, text=form.cleaned_data["text"])
        except CaseError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Note added."))
            return redirect("cases:case_journal", case_id=case.pk)
    return _case_tab(request, case, "journal", _journal(request, case, note_form=form), 400)


@require_POST
def family_contact_add(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id, Action.EDIT)
    form = FamilyContactForm(request.POST)
    if form.is_valid():
        try:
            services.family_contact_log(
                by=_user(request),
                case_id=case.pk,
                channel=form.cleaned_data["channel"],
                summary=form.cleaned_data["summary"],
            )
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Contact with the family logged."))
            return redirect("cases:case_journal", case_id=case.pk)
    context = _journal(request, case, contact_form=form)
    return _case_tab(request, case, "journal", context, status=400)


def plan_new(request: HttpRequest, case_id: int) -> HttpResponse:
    """A new version of the plan, starting from the current one; older versions are kept."""
    user = _user(request)
    case = _visible_case(request, case_id, Action.EDIT)
    owners = Professional.objects.filter(action_owner_condition(case)).order_by(
        "first_name", "last_name"
    )
    current = case.plans.prefetch_related("goals", "actions").first()
    if request.method == "POST":
        form = PlanForm(request.POST)
        actions = PlanActionFormSet(request.POST, form_kwargs=owner_kwargs(owners))
        if form.is_valid() and actions.is_valid():
            rows = [a for a in actions.cleaned_data if a and (a.get("description") or "").strip()]
            try:
                plan = services.plan_create_version(
                    by=user,
                    case_id=case.pk,
                    summary=form.cleaned_data["summary"],
                    evaluation_date=form.cleaned_data["evaluation_date"],
                    goals=form.cleaned_data["goals"],
                    actions=rows,
                )
            except NotFound as missing:
                raise Http404 from missing
            except CaseError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, _("Plan version %(number)s saved.") % {"number": plan.number}
                )
                return redirect("cases:case_detail", case_id=case.pk)
        status = 400
    else:
        initial = {}
        action_initial: list[dict[str, Any]] = []
        if current is not None:
            initial = {
                "summary": current.summary,
                "goals": "\n".join(g.text for g in current.goals.all()),
                "evaluation_date": current.evaluation_date,
            }
            action_initial = [
                {"description": a.description, "owner": a.owner_id, "due_date": a.due_date}
                for a in current.actions.all()
            ]
        form = PlanForm(initial=initial)
        actions = PlanActionFormSet(initial=action_initial, form_kwargs=owner_kwargs(owners))
        status = 200
    log_access(
        by=user,
        event=Event.READ,
        purpose="zorgroute: plan",
        case_id=case.pk,
        family_id=case.family_id,
    )
    return render(
        request,
        "cases/plan_form.html",
        {"case": case, "form": form, "actions": actions, "current": current},
        status=status,
    )


@require_POST
def plan_action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    try:
        action = services.plan_action_set_done(
            by=_user(request), action_id=action_id, done=request.POST.get("done") == "1"
        )
    except NotFound as missing:
        raise Http404 from missing
    messages.success(request, _("Action updated."))
    target = request.POST.get("next")
    if target == "case":
        return redirect("cases:case_detail", case_id=action.plan.case_id)
    if target == "my_actions":
        return redirect("meetings:my_actions")
    return redirect("cases:my_work")


# --- referrals -------------------------------------------------------------------------------

REFERRALS_PER_PAGE = 50


def referrals(request: HttpRequest) -> HttpResponse:
    """The receiving organisation's worker: the referrals to their function, each open one
    with a link to answer it (its form is loaded when opened: fifty forms cost a page 35 ms
    of CPU at region scale, issue 17)."""
    user = _user(request)
    page = Paginator(selectors.referrals_to(user), REFERRALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # A case links only where its page answers (a returned referral gives no access).
    opens = granting_roles_per_case(user, sorted({r.case_id for r in page}), Action.SUMMARY)
    for referral in page:
        referral.may_open = bool(opens.get(referral.case_id))  # type: ignore[attr-defined]
    log_ids([r.pk for r in page], by=user, purpose="referrals", opening="referrals ")
    return render(request, "cases/referrals.html", {"page": page})


def _answer_page(
    request: HttpRequest,
    referral_id: int,
    form: ReferralAnswerForm,
    status: int = 200,
    *,
    open_only: bool = True,
) -> HttpResponse:
    """One referral to the user's function (an open one, unless an answer was refused) and
    the form to accept or return it."""
    user = _user(request)
    referrals = selectors.referrals_to(user).filter(pk=referral_id)
    referral = (referrals.filter(answer="pending") if open_only else referrals).first()
    if referral is None:
        raise Http404
    log_ids([referral.pk], by=user, purpose="referral answer", opening="referrals ")
    context = {"referral": referral, "form": form}
    return render(request, "cases/referral_answer.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def referral_answer(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Accept a referral (the worker becomes its one worker) or return it with a reason."""
    if request.method != "POST":
        return _answer_page(request, referral_id, ReferralAnswerForm())
    form = ReferralAnswerForm(request.POST)
    if not form.is_valid():
        return _answer_page(request, referral_id, form, status=400)
    try:
        referral = services.referral_answer(
            by=_user(request),
            referral_id=referral_id,
            accept=form.cleaned_data["answer"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except NotFound as exc:
        raise Http404 from exc
    except CaseError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _answer_page(request, referral_id, form, status=400, open_only=False)
    messages.success(
        request,
        (
            _("You accepted the referral of case %(number)s.")
            if referral.answer == "accepted"
            else _("You returned the referral of case %(number)s.")
        )
        % {"number": referral.case_id},
    )
    return redirect("cases:referrals")
