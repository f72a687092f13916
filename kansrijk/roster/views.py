"""Roster pages: the week per centre and per person, today per centre, and the public pages.

Staff pages need a login (the project's LoginRequiredMiddleware); the public centre page and the
calendar feeds are marked ``login_not_required`` — the personal feed is guarded by its token.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.core.models import Location, Professional
from kansrijk.roster import ical, selectors, services
from kansrijk.roster.forms import AbsenceForm, BookingForm, EnrolmentForm
from kansrijk.roster.models import PART_HOURS, Activity, Availability, Enrolment, Function

ICS = "text/calendar; charset=utf-8"


def _week(request: HttpRequest) -> tuple[int, int, dict[str, str]]:
    year, week = selectors.parse_week(request.GET.get("week"))
    nav = {
        "week": selectors.week_label(year, week),
        "week_display": selectors.week_display(year, week),
        "previous_week": selectors.neighbour_week(year, week, -1),
        "next_week": selectors.neighbour_week(year, week, 1),
    }
    return year, week, nav


def _centre(code: str) -> Location:
    return get_object_or_404(selectors.rostered_locations(), code=code)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Links to each centre's week and today, the user's own week and calendar feeds."""
    user = request.user
    consent = Availability.objects.filter(professional=user.pk, public_name=True).exists()
    return render(
        request,
        "roster/index.html",
        {
            "centres": selectors.rostered_locations(),
            "tokens": selectors.feed_tokens_of(user),  # type: ignore[arg-type]
            "public_name": consent,
            "is_planner": services.may_plan(user),  # type: ignore[arg-type]
            "runs_activities": services.runs_activities(user),  # type: ignore[arg-type]
        },
    )


@require_GET
def centre_week(request: HttpRequest, code: str) -> HttpResponse:
    centre = _centre(code)
    year, week, nav = _week(request)
    shifts = selectors.shifts_at(centre, year, week)
    return render(
        request,
        "roster/week.html",
        {
            "title": centre.name,
            "subject": "centre",
            "state": selectors.roster_weeks([(year, week)]).get((year, week)),
            "table": selectors.week_table(shifts, year, week),
            "centre": centre,
            **nav,
        },
    )


@require_GET
def person_week(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Professional, pk=pk, is_active=True)
    year, week, nav = _week(request)
    shifts = selectors.shifts_of(person, year, week)
    own = person.pk == request.user.pk
    return render(
        request,
        "roster/week.html",
        {
            "title": str(person),
            "subject": "person",
            "state": selectors.roster_weeks([(year, week)]).get((year, week)),
            "table": selectors.week_table(shifts, year, week),
            "person": person,
            "own": own,
            "today": timezone.localdate(),
            "swaps": selectors.swaps_of(person, year, week) if own else {},
            **nav,
        },
    )


@require_GET
def today(request: HttpRequest, code: str) -> HttpResponse:
    """Who is here today, for the staff of a centre."""
    centre = _centre(code)
    day = timezone.localdate()
    return render(
        request,
        "roster/today.html",
        {"centre": centre, "day": day, "shifts": selectors.shifts_on(centre, day)},
    )


@login_not_required
@require_GET
def public_centre(request: HttpRequest, code: str) -> HttpResponse:
    """For parents: who (by role) is present when; names only of staff who agreed."""
    centre = _centre(code)
    year, week, nav = _week(request)
    shifts = selectors.published_only(selectors.shifts_at(centre, year, week))
    named = selectors.public_names()
    rows = []
    for day, cells in selectors.week_table(shifts, year, week):
        for cell in cells:
            start, end = PART_HOURS[cell.part]
            for s in cell.shifts:
                rows.append(
                    {
                        "day": day,
                        "start": start,
                        "end": end,
                        "role": Function(s.role).label if s.role in Function.values else s.role,
                        "name": str(s.person) if s.person_id in named else "",
                        "fixed": s.is_fixed,
                    }
                )
    consultations = selectors.consultations_at(centre, timezone.localdate())
    return render(
        request,
        "roster/public_centre.html",
        {"centre": centre, "rows": rows, "consultations": consultations, **nav},
    )


@login_not_required
@require_GET
def centre_feed(request: HttpRequest, code: str) -> HttpResponse:
    """The centre's presence as a calendar; public, so names only of staff who agreed."""
    centre = _centre(code)
    body = ical.calendar(
        centre.name,
        selectors.published_only(selectors.feed_shifts(location=centre)),
        names=selectors.public_names(),
    )
    return HttpResponse(body, content_type=ICS)


@login_not_required
@require_GET
def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's own shifts; the token is the key, and an unknown or revoked one is a 404."""
    person = selectors.feed_owner(token)
    if person is None:
        raise Http404
    body = ical.calendar(str(person), selectors.feed_shifts(person=person))
    response = HttpResponse(body, content_type=ICS)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    services.feed_token_create(by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("A new calendar address was made."))
    return redirect("roster:index")


@require_POST
def feed_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.feed_token_revoke(by=request.user, token_id=pk):  # type: ignore[arg-type]
        raise Http404
    messages.success(request, _("The calendar address no longer works."))
    return redirect("roster:index")


@require_POST
def public_name(request: HttpRequest) -> HttpResponse:
    """The user gives or withdraws consent to show their name on the public pages."""
    allowed = request.POST.get("allowed") == "1"
    services.set_public_name(by=request.user, professional=request.user, allowed=allowed)  # type: ignore[arg-type]
    messages.success(request, _("Your choice was saved."))
    return redirect("roster:index")


def _planner(request: HttpRequest) -> Professional:
    """The signed-in coordinator; anyone else gets the same 404 as a missing page."""
    user: Professional = request.user  # type: ignore[assignment]
    if not services.may_plan(user):
        raise Http404
    return user


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    """The coordinator's planning page: the coming weeks, what changed, what could not be met."""
    _planner(request)
    weeks = selectors.horizon(services.HORIZON_WEEKS)
    rows = selectors.horizon_overview(weeks)
    chosen = selectors.parse_week(request.GET.get("week")) if request.GET.get("week") else weeks[0]
    state = selectors.roster_weeks([chosen]).get(chosen)
    return render(
        request,
        "roster/plan.html",
        {
            "rows": rows,
            "chosen": selectors.week_label(*chosen),
            "chosen_display": selectors.week_display(*chosen),
            "state": state,
            "explanations": selectors.explained(state, get_language() or "nl"),
            "changes": selectors.week_changes(*chosen),
            "horizon": services.HORIZON_WEEKS,
            "swaps": selectors.open_swaps(),
        },
    )


def _posted_week(request: HttpRequest) -> tuple[int, int] | None:
    text = request.POST.get("week", "")
    if not text:
        return None
    year, week = selectors.parse_week(text)
    return (year, week) if selectors.week_label(year, week) == text.upper() else None


@require_POST
def plan_run(request: HttpRequest) -> HttpResponse:
    """Plan one week (``week``) or the whole horizon now, instead of waiting for the night."""
    user = _planner(request)
    chosen = _posted_week(request)
    if chosen is not None:
        result = services.plan_week(by=user, iso_year=chosen[0], iso_week=chosen[1])
        results = [(selectors.week_label(*chosen), result)]
    else:
        results = services.plan_horizon(by=user)
    short = [label for label, result in results if result.shortfalls]
    if short:
        messages.warning(
            request,
            _("Planned, but not everything fits in %(weeks)s: see the explanation.")
            % {"weeks": ", ".join(short)},
        )
    else:
        messages.success(request, _("Planned: every rule is met."))
    target = selectors.week_label(*chosen) if chosen else results[0][0]
    return redirect(f"{reverse('roster:plan')}?week={target}")


@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    """Publish a planned week; after this it changes only through re-plans with few changes."""
    user = _planner(request)
    chosen = _posted_week(request)
    week = (
        services.publish_week(by=user, iso_year=chosen[0], iso_week=chosen[1]) if chosen else None
    )
    if week is None:
        messages.error(request, _("Plan this week first; there is nothing to publish yet."))
        return redirect("roster:plan")
    messages.success(request, _("Week %(week)s is published.") % {"week": week.label})
    return redirect(f"{reverse('roster:plan')}?week={week.label}")


def absence(request: HttpRequest) -> HttpResponse:
    """Report absence (sick, leave, training) for a day or a period; the re-plan runs at once."""
    user: Professional = request.user  # type: ignore[assignment]
    people = selectors.reportable_people(user, services.may_plan(user))
    form = AbsenceForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = services.register_absence(
            by=user,
            professional=data["professional"],
            start=data["start"],
            end=data["end"],
            start_part=data["start_part"],
            end_part=data["end_part"],
            kind=data["kind"],
            reason=data["reason"],
        )
        return render(request, "roster/absence_done.html", {"outcome": outcome})
    return render(
        request, "roster/absence.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def swap_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the coordinator to be freed from one of your own coming half-days."""
    user: Professional = request.user  # type: ignore[assignment]
    try:
        swap = services.swap_request(by=user, shift_id=pk, reason=request.POST.get("reason", ""))
    except PermissionDenied as exc:
        raise Http404 from exc
    except services.SwapRefused as exc:
        messages.error(request, str(exc))
        return redirect("roster:person_week", user.pk)
    messages.success(request, _("Your request was sent to the coordinator."))
    week = selectors.week_label(*swap.date.isocalendar()[:2])
    return redirect(f"{reverse('roster:person_week', args=[user.pk])}?week={week}")


@require_POST
def swap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator approves (re-plan at once) or declines a swap request."""
    user = _planner(request)
    approve = request.POST.get("decision") == "approve"
    try:
        _swap, outcome = services.swap_decide(by=user, request_id=pk, approve=approve)
    except PermissionDenied as exc:
        raise Http404 from exc
    if outcome is not None:
        return render(request, "roster/absence_done.html", {"outcome": outcome})
    messages.success(request, _("The request was declined."))
    return redirect("roster:plan")


# --- activities ------------------------------------------------------------------------------


@require_GET
def activities(request: HttpRequest) -> HttpResponse:
    """The activities the worker runs, per centre, with places taken and the waiting list."""
    user: Professional = request.user  # type: ignore[assignment]
    if not services.runs_activities(user):
        raise Http404
    rows = selectors.activities_for(user, lambda a: services.may_manage(user, a))
    return render(request, "roster/activities.html", {"rows": rows})


def _activity(request: HttpRequest, pk: int, code: str) -> tuple[Activity, Location]:
    activity = get_object_or_404(Activity.objects.select_related("rule"), pk=pk, active=True)
    if not services.may_manage(request.user, activity):  # type: ignore[arg-type]
        raise Http404
    location = get_object_or_404(activity.rule.locations.all(), code=code)
    return activity, location


def activity(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One activity at one centre: its sessions, who signed up, the waiting list, attendance."""
    user: Professional = request.user  # type: ignore[assignment]
    activity, location = _activity(request, pk, code)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = services.enrol(
            by=user,
            activity=activity,
            location=location,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
        )
        if enrolment.status == Enrolment.Status.WAITING:
            messages.warning(
                request, _("%(name)s is on the waiting list.") % {"name": enrolment.name}
            )
        else:
            messages.success(request, _("%(name)s is signed up.") % {"name": enrolment.name})
        return redirect("roster:activity", pk=activity.pk, code=location.code)
    today = timezone.localdate()
    people = selectors.enrolments(activity, location)
    log_access(
        by=user,
        event=Event.LIST,
        purpose=services.PURPOSE,
        detail=f"sign-ups of activity {activity.code} at {location.code}: {len(people)}",
    )
    sessions = selectors.activity_sessions(activity, location, today - timedelta(weeks=1))
    present = selectors.attendance_of(activity, location)
    return render(
        request,
        "roster/activity.html",
        {
            "activity": activity,
            "location": location,
            "form": form,
            "enrolled": [e for e in people if e.status == Enrolment.Status.ENROLLED],
            "waiting": [e for e in people if e.status == Enrolment.Status.WAITING],
            "past": [
                (s, present.get((s.date, s.part), set())) for s in sessions if s.date <= today
            ][-3:],
            "coming": [s for s in sessions if s.date > today][:12],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def attendance(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Tick who came to one session."""
    user: Professional = request.user  # type: ignore[assignment]
    activity, location = _activity(request, pk, code)
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        messages.error(request, _("Choose a session."))
        return redirect("roster:activity", pk=activity.pk, code=location.code)
    part = request.POST.get("part", "")
    if part not in ("morning", "afternoon"):
        messages.error(request, _("Choose a session."))
        return redirect("roster:activity", pk=activity.pk, code=location.code)
    present = {int(v) for v in request.POST.getlist("present") if v.isdecimal()}
    services.record_attendance(
        by=user, activity=activity, location=location, day=day, part=part, present=present
    )
    messages.success(request, _("Attendance saved."))
    return redirect("roster:activity", pk=activity.pk, code=location.code)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take someone off an activity; the first on the waiting list moves up."""
    user: Professional = request.user  # type: ignore[assignment]
    enrolment = get_object_or_404(Enrolment.objects.select_related("activity", "location"), pk=pk)
    try:
        promoted = services.withdraw(by=user, enrolment_id=pk)
    except PermissionDenied as exc:
        raise Http404 from exc
    if promoted is not None:
        messages.success(
            request,
            _("%(name)s moved up from the waiting list.") % {"name": promoted.name},
        )
    else:
        messages.success(request, _("The sign-up was taken off."))
    return redirect("roster:activity", pk=enrolment.activity_id, code=enrolment.location.code)


# --- consultation hours ----------------------------------------------------------------------


@login_not_required
def book(request: HttpRequest, code: str, rule: str, day: str, part: str) -> HttpResponse:
    """A parent books a time in a consultation hour: name and phone only, no login."""
    centre = _centre(code)
    try:
        when = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    found = selectors.consultation(centre, rule, when, part)
    if found is None or when < timezone.localdate():
        raise Http404
    form = BookingForm(request.POST or None, times=found.free)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("roster:public_centre", code=centre.code)  # a script, not a parent
        try:
            booking = services.book(
                location=centre,
                rule=rule,
                day=when,
                part=part,
                start=form.cleaned_data["start"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                client=request.META.get("REMOTE_ADDR", ""),
            )
        except services.BookingRefused as exc:
            form.add_error(None, str(exc))
            status = exc.status
        else:
            return redirect("roster:booking", token=booking.token)
    elif form.errors:
        status = 400
    return render(
        request,
        "roster/book.html",
        {"centre": centre, "consultation": found, "form": form},
        status=status,
    )


@login_not_required
@require_GET
def booking(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation of a booking; the secret token in the address is the key."""
    found = selectors.booking_by_token(token)
    if found is None:
        raise Http404
    response = render(request, "roster/booking.html", {"booking": found})
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@require_GET
def booking_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The booking as a calendar file, to add to the parent's agenda."""
    found = selectors.booking_by_token(token)
    if found is None:
        raise Http404
    response = HttpResponse(ical.booking_calendar(found), content_type=ICS)
    response["Content-Disposition"] = 'attachment; filename="afspraak.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def bookings(request: HttpRequest) -> HttpResponse:
    """The partner's coming appointments in their consultation hours (the coordinator: all)."""
    user: Professional = request.user  # type: ignore[assignment]
    if not services.sees_bookings(user):
        raise Http404
    functions = selectors.consultation_functions_of(user, services.may_plan(user))
    found = selectors.bookings_for(functions, timezone.localdate())
    log_access(
        by=user,
        event=Event.LIST,
        purpose=services.PURPOSE,
        detail=f"consultation bookings: {len(found)}",
    )
    return render(request, "roster/bookings.html", {"bookings": found})
