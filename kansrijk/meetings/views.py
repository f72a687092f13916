"""Pages of the meetings: the list, a series, the meeting screen (agenda, clock, decisions),
the minutes, my actions and the calendar feed.

Only people at the table see a meeting; anyone else gets the same 404 as for a meeting that
does not exist. Views read through selectors and write through services.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kansrijk.access.matrix import CHAIR_ROLES
from kansrijk.access.policies import may_chair, memberships_of
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.selectors import allowed_transitions
from kansrijk.core.models import Location, Professional
from kansrijk.meetings import ical, selectors, services
from kansrijk.meetings.forms import AddItemForm, DecisionForm, InviteForm, SeriesForm
from kansrijk.meetings.minutes import minutes_context, minutes_pdf
from kansrijk.meetings.models import AgendaItem, Meeting
from kansrijk.roster import selectors as feed_tokens
from kansrijk.roster import services as feed_token_services

ICS = "text/calendar; charset=utf-8"
#: Roles that may start a meeting series: the coordinator (care meeting, any VOT of their
#: centres) and the internal coach (the VOT of their school).


def _user(request: HttpRequest) -> Professional:
    return request.user  # type: ignore[return-value]


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_for(_user(request), pk)
    except NotFound as missing:
        raise Http404 from missing


def _item_meeting(request: HttpRequest, pk: int) -> int:
    """The meeting of an agenda item the user sits in, else 404."""
    item = AgendaItem.objects.filter(pk=pk).values("meeting_id").first()
    if item is None:
        raise Http404
    return _meeting(request, item["meeting_id"]).pk


def _done(request: HttpRequest, meeting_id: int, anchor: str = "") -> HttpResponse:
    """Back to the meeting, on the agenda page that holds the item named by the anchor."""
    url = reverse("meetings:meeting", args=[meeting_id])
    if anchor.startswith("#item-") and anchor[6:].isdecimal():
        meeting = Meeting.objects.get(pk=meeting_id)
        agenda = selectors.agenda_page(meeting, item_id=int(anchor[6:]))
        query = []
        if agenda.table.number > 1:
            query.append(f"page={agenda.table.number}")
        if agenda.rest_shown:  # the item waits to be pulled in: that list, open
            query.append(f"rest={agenda.rest.number}")
        if query:
            url += "?" + "&".join(query)
    return redirect(url + anchor)


# --- the list and series -------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "meetings/index.html",
        {
            "meetings": list(selectors.upcoming_meetings_of(user)),
            "series": list(selectors.series_chaired_by(user)),
            "can_chair": may_chair(user),
            "now": timezone.now(),
        },
    )


def _chair_locations(user: Professional) -> Any:
    ids = [m.location_id for m in memberships_of(user) if m.role in CHAIR_ROLES and m.location_id]
    return Location.objects.filter(pk__in=ids).order_by("name")


def _colleagues(locations: Any) -> Any:
    """People who may sit at the table: those working at these locations, and the
    network-wide workers (district team, psychologist …) whose membership has no location."""
    return (
        Professional.objects.filter(
            Q(memberships__location__in=locations)
            | Q(
                memberships__location__isnull=True,
                memberships__role__in=[
                    Role.DISTRICT_TEAM,
                    Role.PSYCHOLOGIST,
                    Role.BEHAVIOURAL_SCIENTIST,
                    Role.COORDINATOR,
                ],
            ),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def series_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_chair(user):
        raise Http404
    locations = _chair_locations(user)
    form = SeriesForm(request.POST or None, locations=locations, people=_colleagues(locations))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == "care_meeting" and not may_chair(user, care_meeting=True):
            form.add_error("kind", _("The coordinator chairs the weekly care meeting."))
        else:
            try:
                series = services.series_create(
                    by=user,
                    kind=data["kind"],
                    name=data["name"],
                    location=data["location"],
                    weekday=data["weekday"],
                    start_time=data["start_time"],
                    every_weeks=data["every_weeks"],
                    duration_minutes=data["duration_minutes"],
                    members=list(data["members"]),
                    without_consent=data["without_consent"],
                )
            except CaseError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Meeting series '%(name)s' made; the next meeting is planned.")
                    % {"name": series.name},
                )
                return redirect("meetings:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/series_form.html", {"form": form}, status=status)


# --- the meeting screen --------------------------------------------------------------------


def _meeting_context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    is_chair = meeting.chair_id == user.pk
    agenda = selectors.agenda_page(
        meeting,
        request.GET.get("page"),
        item_id=forms.pop("item_id", None),
        rest_requested=request.GET.get("rest"),
    )
    page = agenda.table
    table = selectors.at_the_table(meeting)
    organisations = table.organisations
    # One read of both pages: the table's items with their signals, the rest (when it is
    # shown) without.
    views = selectors.agenda_view(
        meeting,
        user,
        with_transitions=is_chair,
        item_ids=[*page.ids, *(agenda.rest.ids if agenda.rest_shown else ())],
        signals_for=set(page.ids),
        organisations=organisations,
    )
    on_table = set(page.ids)
    items = [v for v in views if v.item.pk in on_table]
    rest = [v for v in views if v.item.pk not in on_table]
    bound: dict[int, DecisionForm] = forms.pop("decision_forms", {})
    opened = request.GET.get("open", "")
    for view in items:
        view.planned_at = meeting.starts_at + datetime.timedelta(
            minutes=page.offsets.get(view.item.pk, 0)
        )
    if is_chair and meeting.state != Meeting.State.FINISHED:
        # A decision form is loaded for the item being discussed, or the one the chair opens.
        owners: dict[int | None, list[Professional]] = {}
        for view in items:
            if view.left_out or not (
                view.running or view.item.pk in bound or str(view.item.pk) == opened
            ):
                continue
            case = view.item.case
            key = case.location_id if case is not None else None
            if key not in owners:
                owners[key] = list(selectors.action_owner_choices(meeting, case))
            view.form = bound.get(view.item.pk) or DecisionForm(
                transitions=view.transitions,
                owners=owners[key],
                prefix=f"item{view.item.pk}",
            )
    if meeting.state == Meeting.State.RUNNING:
        for view in items:
            view.compact = not view.running and view.form is None
    return {
        "meeting": meeting,
        "is_chair": is_chair,
        "items": [v for v in items if not v.left_out],
        "left_out": [v for v in items + rest if v.left_out],
        "participants": table.participants,
        "organisations": organisations,
        "time_box": agenda.time_box,
        "page": page,
        "agenda": agenda,
        "rest": [v for v in rest if not v.left_out],
        "running": next((v for v in items if v.running), None),
        "add_form": forms.pop("add_form", None) or AddItemForm(),
        "since": selectors.since_last_meeting(meeting),
    }


def _invitable(meeting: Meeting, user: Professional) -> Any:
    chair = user if meeting.chair_id == user.pk else meeting.chair  # memberships read once
    locations = (
        Location.objects.filter(pk=meeting.location_id)
        if meeting.location_id
        else _chair_locations(chair)
    )
    return _colleagues(locations).exclude(meeting_participations__meeting=meeting)


def _log_agenda(request: HttpRequest, meeting: Meeting, context: dict[str, Any]) -> None:
    shown = [*context["items"], *context["rest"]]
    log_ids(
        [v.item.case_id for v in shown if v.item.case_id],
        by=_user(request),
        purpose="meeting",
        opening=f"meeting {meeting.pk} agenda: cases ",
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    context = _meeting_context(request, meeting)
    _log_agenda(request, meeting, context)
    return render(request, "meetings/meeting.html", context)


def _render_with_errors(request: HttpRequest, meeting: Meeting, **forms: Any) -> HttpResponse:
    context = _meeting_context(request, meeting, **forms)
    _log_agenda(request, meeting, context)
    return render(request, "meetings/meeting.html", context, status=400)


def _run(
    request: HttpRequest, meeting_id: int, call: Any, success: str = "", anchor: str = ""
) -> HttpResponse:
    """Call a service; NotFound is a 404, a refusal is shown on the meeting screen."""
    try:
        call()
    except NotFound as missing:
        raise Http404 from missing
    except CaseError as error:
        messages.error(request, error.message)
    else:
        if success:
            messages.success(request, success)
    return _done(request, meeting_id, anchor)


@require_POST
def agenda_build(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _run(
        request,
        meeting.pk,
        lambda: services.agenda_build(by=_user(request), meeting_id=meeting.pk),
        _("The agenda is up to date."),
    )


@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AddItemForm(request.POST)
    if form.is_valid():
        try:
            services.item_add(
                by=_user(request),
                meeting_id=meeting.pk,
                case_id=form.cleaned_data.get("case"),
                topic=form.cleaned_data.get("topic") or "",
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Item added to the agenda."))
            return _done(request, meeting.pk, "#agenda")
    return _render_with_errors(request, meeting, add_form=form)


def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair invites a colleague, on a page of its own: the meeting screen does not read
    every colleague of the centre for a list nobody opens (issue 17)."""
    user = _user(request)
    meeting = _meeting(request, pk)
    try:
        services.chaired_and_open(by=user, meeting_id=meeting.pk)
    except CaseError as error:
        messages.error(request, error.message)
        return _done(request, meeting.pk)
    form = InviteForm(request.POST or None, people=_invitable(meeting, user))
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_invite(
                by=user, meeting_id=meeting.pk, professional=form.cleaned_data["professional"]
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Invitation sent."))
            return _done(request, meeting.pk, "#people-heading")
    status = 400 if request.method == "POST" else 200
    context = {"meeting": meeting, "form": form}
    return render(request, "meetings/invite.html", context, status=status)


@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_id = _item_meeting(request, pk)
    up = request.POST.get("direction") != "down"
    return _run(
        request,
        meeting_id,
        lambda: services.item_move(by=_user(request), item_id=pk, up=up),
        anchor="#agenda",
    )


@require_POST
def item_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Pull an item onto the table, or put it aside into the list to pull in."""
    meeting_id = _item_meeting(request, pk)
    on_table = request.POST.get("place") != "aside"
    return _run(
        request,
        meeting_id,
        lambda: services.item_place(by=_user(request), item_id=pk, on_table=on_table),
        _("The item is on the table.") if on_table else _("The item is put aside."),
        anchor=f"#item-{pk}",
    )


@require_POST
def meeting_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _run(
        request,
        meeting.pk,
        lambda: services.meeting_start(by=_user(request), meeting_id=meeting.pk),
    )


@require_POST
def item_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_id = _item_meeting(request, pk)
    return _run(
        request,
        meeting_id,
        lambda: services.item_start(by=_user(request), item_id=pk),
        anchor=f"#item-{pk}",
    )


@require_POST
def item_next(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        following = services.item_next(by=_user(request), meeting_id=meeting.pk)
    except NotFound as missing:
        raise Http404 from missing
    except CaseError as error:
        messages.error(request, error.message)
        return _done(request, meeting.pk)
    if following is None:
        messages.success(
            request, _("That was the last item. Finish the meeting to close the minutes.")
        )
        return _done(request, meeting.pk, "#finish")
    return _done(request, meeting.pk, f"#item-{following.pk}")


@require_POST
def meeting_finish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.meeting_finish(by=_user(request), meeting_id=meeting.pk)
    except NotFound as missing:
        raise Http404 from missing
    except CaseError as error:
        messages.error(request, error.message)
        return _done(request, meeting.pk)
    messages.success(request, _("The meeting is finished. These are the minutes."))
    return redirect("meetings:minutes", pk=meeting.pk)


@require_POST
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    meeting = _meeting(request, _item_meeting(request, pk))
    item = AgendaItem.objects.select_related("case__location").get(pk=pk)
    transitions = [] if item.case is None or item.step_id else allowed_transitions(user, item.case)
    form = DecisionForm(
        request.POST,
        transitions=transitions,
        owners=list(selectors.action_owner_choices(meeting, item.case)),
        prefix=f"item{pk}",
    )
    if form.is_valid():
        try:
            services.item_decide(
                by=user,
                item_id=pk,
                decision=form.cleaned_data["decision"],
                transition=form.cleaned_data.get("transition") or "",
                data=form.service_data(),
                actions=form.service_actions(),
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Decision recorded."))
            return _done(request, meeting.pk, f"#item-{pk}")
    meeting.refresh_from_db()
    return _render_with_errors(request, meeting, decision_forms={pk: form}, item_id=pk)


# --- minutes -------------------------------------------------------------------------------


def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    context = minutes_context(meeting, _user(request))
    ids = ",".join(str(v.item.case_id) for v in context["items"] if v.item.case_id)
    log_access(
        by=_user(request),
        event=Event.READ,
        purpose="meeting minutes",
        detail=f"meeting {meeting.pk}: cases {ids or 'none'}",
    )
    return render(request, "meetings/minutes.html", context)


def minutes_download(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    body = minutes_pdf(meeting, _user(request))
    log_access(
        by=_user(request),
        event=Event.PRINT,
        purpose="meeting minutes",
        detail=f"meeting {meeting.pk}: minutes PDF",
    )
    response = HttpResponse(body, content_type="application/pdf")
    day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}-{day}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- my actions ----------------------------------------------------------------------------


#: Actions per page of "my actions" (each list pages on its own).
ACTIONS_PAGE = 50


def my_actions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    actions = selectors.my_actions(user)
    meeting = Paginator(actions["meeting"], ACTIONS_PAGE).get_page(request.GET.get("meeting_page"))
    plan = Paginator(actions["plan"], ACTIONS_PAGE).get_page(request.GET.get("page"))
    log_access(
        by=user,
        event=Event.LIST,
        purpose="my actions",
        detail=f"{len(meeting)} meeting, {len(plan)} plan actions",
    )
    return render(
        request,
        "meetings/my_actions.html",
        {
            "meeting": meeting,
            "plan": plan,
            "meeting_page": meeting,
            "plan_page": plan,
            "today": timezone.localdate(),
        },
    )


@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.action_set_done(
            by=_user(request), action_id=pk, done=request.POST.get("done") == "1"
        )
    except NotFound as missing:
        raise Http404 from missing
    messages.success(request, _("Action updated."))
    return redirect("meetings:my_actions")


# --- calendar feed -------------------------------------------------------------------------
# One secret address per person opens both their roster feed and this one: the token
# mechanism is the roster's (kansrijk.roster FeedToken), so revoking it closes both.


def calendar_page(request: HttpRequest) -> HttpResponse:
    tokens = list(feed_tokens.feed_tokens_of(_user(request)))
    feeds = [
        {"token": t, "url": request.build_absolute_uri(reverse("meetings:feed", args=[t.token]))}
        for t in tokens
    ]
    return render(request, "meetings/calendar.html", {"feeds": feeds})


@require_POST
def calendar_create(request: HttpRequest) -> HttpResponse:
    feed_token_services.feed_token_create(by=_user(request))
    messages.success(request, _("A new calendar address was made."))
    return redirect("meetings:calendar")


@require_POST
def calendar_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not feed_token_services.feed_token_revoke(by=_user(request), token_id=pk):
        raise Http404
    messages.success(request, _("The calendar address no longer works."))
    return redirect("meetings:calendar")


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's meetings and action due dates; an unknown or revoked token is a 404."""
    person = feed_tokens.feed_owner(token)
    if person is None or not person.is_active:
        raise Http404
    meetings = selectors.feed_meetings(person)
    actions, plan_actions = selectors.feed_actions(person)
    body = ical.calendar(person, meetings, actions, plan_actions)
    response = HttpResponse(body, content_type=ICS)
    response["Cache-Control"] = "private, no-store"
    return response
