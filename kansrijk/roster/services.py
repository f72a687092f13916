"""The only code that writes roster data: plan a week, register an absence, consent, feed tokens."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.policies import roles_of
from kansrijk.access.roles import Role
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.core.models import Location, Professional
from kansrijk.notifications.services import notify
from kansrijk.roster import selectors, solver
from kansrijk.roster.models import (
    Absence,
    Activity,
    Attendance,
    Availability,
    Booking,
    Enrolment,
    FeedToken,
    LocationRooms,
    Part,
    RosterRule,
    RosterWeek,
    Shift,
    SwapRequest,
)
from kansrijk.roster.solver.replan import replan

PURPOSE = "roster"
#: How many weeks ahead the coordinator and the nightly run plan (this week included).
HORIZON_WEEKS = 6
#: Who plans and publishes the roster, reports absences for others and decides swaps.
PLANNER_ROLES = frozenset({Role.COORDINATOR})


def _save_week(iso_year: int, iso_week: int, shifts: tuple[solver.Shift, ...]) -> int:
    """Replace the week's shifts by ``shifts``; returns how many were written."""
    days = solver.week_days(iso_year, iso_week)
    rules = {r.code: r for r in RosterRule.objects.all()}
    locations = {
        loc.code: loc for loc in Location.objects.filter(code__in={s.location for s in shifts})
    }
    Shift.objects.filter(date__range=(days[0], days[-1])).delete()
    Shift.objects.bulk_create(
        Shift(
            person_id=int(s.person),
            location=locations[s.location],
            rule=rules.get(s.requirement),
            role=s.role,
            date=s.date,
            part=s.part.value,
        )
        for s in shifts
    )
    return len(shifts)


def _record_week(iso_year: int, iso_week: int, result: solver.Result) -> RosterWeek:
    """Keep the solver's verdict on the week (shortfalls and explanations) for the planning page."""
    week, _ = RosterWeek.objects.update_or_create(
        iso_year=iso_year,
        iso_week=iso_week,
        defaults={
            "solver_status": result.status.value,
            "shortfalls": {s.requirement: s.missing for s in result.shortfalls},
            "explanations": [
                {"code": e.code, "requirement": e.requirement, "params": dict(e.params)}
                for e in result.explanations
            ],
            "planned_at": timezone.now(),
        },
    )
    return week


def _current_slot(day: date, part: str) -> solver.Slot:
    return (day, solver.Part(part))


def _now_slot() -> solver.Slot:
    local = timezone.localtime()
    return _current_slot(local.date(), Part.MORNING if local.hour < 12 else Part.AFTERNOON)


def _later(a: solver.Slot, b: solver.Slot) -> solver.Slot:
    return max(a, b, key=lambda s: (s[0], selectors.PART_ORDER[s[1].value]))


def plan_week(
    *,
    by: Professional | None,
    iso_year: int,
    iso_week: int,
    save: bool = True,
    options: solver.Options | None = None,
) -> solver.Result:
    """Plan a week from the active rules, staying close to last week's roster, and save it.

    A published week is not planned afresh: it is re-planned from the current half-day on,
    keeping the past and changing as little as it can (people rely on what was published).
    """
    label = selectors.week_label(iso_year, iso_week)
    published = RosterWeek.objects.filter(
        iso_year=iso_year, iso_week=iso_week, status=RosterWeek.Status.PUBLISHED
    ).exists()
    current = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(iso_year, iso_week))
    if published and current:
        days = solver.week_days(iso_year, iso_week)
        now = _later(_now_slot(), (days[0], solver.Part.MORNING))
        if now[0] > days[-1]:
            return solver.Result(solver.Status.FEASIBLE, current)  # the past stays as it was
        problem = selectors.problem_for_week(iso_year, iso_week, stay_close_to_last_week=False)
        result = replan(problem, current, now, options)
    else:
        result = solver.solve(selectors.problem_for_week(iso_year, iso_week), options)
    if save:
        with transaction.atomic():
            count = _save_week(iso_year, iso_week, result.shifts) if result.shifts else 0
            _record_week(iso_year, iso_week, result)
            log_access(
                by=by,
                event=Event.WRITE,
                purpose=PURPOSE,
                detail=f"roster {label} {'re-planned' if published else 'planned'}: "
                f"{count} shifts {result.status}",
            )
    return result


def plan_horizon(
    *,
    by: Professional | None,
    weeks: int = HORIZON_WEEKS,
    start: date | None = None,
    options: solver.Options | None = None,
) -> list[tuple[str, solver.Result]]:
    """Plan the rolling horizon: this week and the weeks after it, each close to the one before.

    The current week is only re-planned from now on when it is published (see ``plan_week``);
    weeks that lie wholly in the past are never touched.
    """
    planned = []
    for iso_year, iso_week in selectors.horizon(weeks, start):
        result = plan_week(by=by, iso_year=iso_year, iso_week=iso_week, options=options)
        planned.append((selectors.week_label(iso_year, iso_week), result))
    return planned


def publish_week(*, by: Professional | None, iso_year: int, iso_week: int) -> RosterWeek | None:
    """Publish a planned week: staff and parents see it, and from now on it only gets re-plans.

    ``None`` when the week has no roster yet (nothing to publish).
    """
    with transaction.atomic():
        week = (
            RosterWeek.objects.select_for_update()
            .filter(iso_year=iso_year, iso_week=iso_week)
            .first()
        )
        if week is None or not selectors.week_shifts(iso_year, iso_week).exists():
            return None
        if not week.is_published:
            week.status = RosterWeek.Status.PUBLISHED
            week.published_at = timezone.now()
            week.published_by = by
            week.save(update_fields=["status", "published_at", "published_by"])
            log_access(
                by=by,
                event=Event.WRITE,
                purpose=PURPOSE,
                detail=f"roster {week.label} published",
            )
    return week


@dataclass(frozen=True)
class Takeover:
    """Who takes over a half-day of the absent person (``stand_in`` empty: nobody could)."""

    day: date
    part: str
    location: str
    rule: str
    absent: str
    stand_in: str


@dataclass(frozen=True)
class AbsenceOutcome:
    """What reporting an absence did: the re-plan of every planned week it touches."""

    absence: Absence
    results: list[tuple[str, solver.Result]] = field(default_factory=list)
    takeovers: list[Takeover] = field(default_factory=list)
    notified: list[Professional] = field(default_factory=list)
    #: Per re-planned week, the professionals whose half-days changed.
    weeks_changed: dict[str, set[int]] = field(default_factory=dict)

    @property
    def result(self) -> solver.Result | None:
        """The re-plan of the first week, or ``None`` when no planned week was touched."""
        return self.results[0][1] if self.results else None


def may_plan(user: Professional | None) -> bool:
    """Whether ``user`` plans the roster (and may report absences and decide swaps for others)."""
    return user is None or bool(roles_of(user) & PLANNER_ROLES)


def _takeovers(
    absent: Professional,
    removed: set[solver.Shift],
    added: set[solver.Shift],
    names: dict[str, str],
    labels: dict[str, str],
) -> list[Takeover]:
    found = []
    for gone in sorted(removed, key=lambda s: (s.date, selectors.PART_ORDER[s.part.value])):
        if gone.person != str(absent.pk):
            continue
        same = [
            s
            for s in added
            if (s.requirement, s.date, s.part) == (gone.requirement, gone.date, gone.part)
        ]
        same.sort(key=lambda s: (s.location != gone.location, s.person))
        found.append(
            Takeover(
                gone.date,
                gone.part.value,
                names.get("@" + gone.location, gone.location),
                labels.get(gone.requirement, gone.requirement),
                str(absent),
                names.get(same[0].person, "") if same else "",
            )
        )
    return found


def register_absence(
    *,
    by: Professional | None,
    professional: Professional,
    start: date,
    end: date,
    start_part: str = Part.MORNING,
    end_part: str = Part.AFTERNOON,
    kind: str = Absence.Kind.SICK,
    reason: str = "",
    now: solver.Slot | None = None,
) -> AbsenceOutcome:
    """Record a sick call, leave or training and re-plan every planned week it falls in.

    Half-days before ``now`` (default: the current half-day) are kept as they were; the rest is
    re-planned with few changes, so a future absence moves whole days rather than splitting them.
    Everyone whose half-days change is notified. A professional reports for themselves; the
    coordinator for anyone.
    """
    if by is not None and by != professional and not may_plan(by):
        raise PermissionDenied
    with transaction.atomic():
        absence = Absence.objects.create(
            professional=professional,
            kind=kind,
            reported_by=by,
            start=start,
            start_part=start_part,
            end=end,
            end_part=end_part,
            reason=reason,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            detail=f"absence ({kind}) of {professional.pk}",
        )
    outcome = AbsenceOutcome(absence)
    begin = _now_slot() if now is None else now
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        iso_year, iso_week, _ = monday.isocalendar()
        _replan_for_absence(by, outcome, iso_year, iso_week, begin)
        monday += timedelta(weeks=1)
    _notify_changes(outcome)
    return outcome


def _replan_for_absence(
    by: Professional | None,
    outcome: AbsenceOutcome,
    iso_year: int,
    iso_week: int,
    begin: solver.Slot,
) -> None:
    """Re-plan one week from ``begin`` (or its Monday) on, and add who takes over to ``outcome``."""
    days = solver.week_days(iso_year, iso_week)
    current = tuple(selectors.to_solver_shift(s) for s in selectors.week_shifts(iso_year, iso_week))
    now = _later(begin, (days[0], solver.Part.MORNING))
    if not current or now[0] > days[-1]:
        return
    problem = selectors.problem_for_week(iso_year, iso_week, stay_close_to_last_week=False)
    result = replan(problem, current, now)
    label = selectors.week_label(iso_year, iso_week)
    if result.shifts:
        with transaction.atomic():
            _save_week(iso_year, iso_week, result.shifts)
            _record_week(iso_year, iso_week, result)
            log_access(
                by=by, event=Event.WRITE, purpose=PURPOSE, detail=f"roster {label} re-planned"
            )
    outcome.results.append((label, result))
    before, after = set(current), set(result.shifts) if result.shifts else set(current)
    removed, added = before - after, after - before
    people = {s.person for s in removed | added}
    names = {
        str(p.pk): str(p) for p in Professional.objects.filter(pk__in={int(p) for p in people})
    }
    names.update({"@" + loc.code: loc.name for loc in problem.locations})
    labels = {r.id: r.label for r in problem.requirements}
    outcome.takeovers.extend(
        _takeovers(outcome.absence.professional, removed, added, names, labels)
    )
    changed = list(Professional.objects.filter(pk__in={int(p) for p in people}))
    outcome.notified.extend(p for p in changed if p not in outcome.notified)
    outcome.weeks_changed.setdefault(label, set()).update(p.pk for p in changed)


def _notify_changes(outcome: AbsenceOutcome) -> None:
    """Tell everyone whose half-days moved, with a link to their own week."""
    for person in outcome.notified:
        weeks = [label for label, pks in outcome.weeks_changed.items() if person.pk in pks]
        if not weeks:
            continue
        notify(
            to=person,
            subject=_("Your roster has changed (week %(weeks)s)") % {"weeks": ", ".join(weeks)},
            body=_("%(name)s is absent. Look at your week to see which half-days changed for you.")
            % {"name": str(outcome.absence.professional)},
            url=f"{reverse('roster:person_week', args=[person.pk])}?week={weeks[0]}",
        )


class SwapRefused(ValueError):
    """A swap request that cannot be made or decided; the message says why, in Dutch."""


def swap_request(*, by: Professional, shift_id: int, reason: str = "") -> SwapRequest:
    """Ask the coordinator to be freed from one of one's own coming half-days."""
    shift = Shift.objects.filter(pk=shift_id, person=by).select_related("location").first()
    if shift is None:
        raise PermissionDenied
    if shift.date < timezone.localdate():
        raise SwapRefused(_("This half-day has passed."))
    if SwapRequest.objects.filter(
        professional=by, date=shift.date, part=shift.part, status=SwapRequest.Status.OPEN
    ).exists():
        raise SwapRefused(_("You already asked to swap this half-day."))
    with transaction.atomic():
        request = SwapRequest.objects.create(
            shift=shift,
            professional=by,
            location=shift.location,
            date=shift.date,
            part=shift.part,
            reason=reason[:300],
        )
        log_access(by=by, event=Event.WRITE, purpose=PURPOSE, detail=f"swap asked {request.pk}")
        planners = Professional.objects.filter(
            memberships__role__in=PLANNER_ROLES, is_active=True
        ).distinct()
        notify(
            to=planners,
            subject=_("%(name)s asks to swap a half-day") % {"name": str(by)},
            url=reverse("roster:plan"),
            mail=False,
        )
    return request


def swap_decide(
    *, by: Professional, request_id: int, approve: bool
) -> tuple[SwapRequest, AbsenceOutcome | None]:
    """The coordinator approves (the half-day is freed and re-planned) or declines a swap."""
    if not may_plan(by):
        raise PermissionDenied
    with transaction.atomic():
        request = (
            SwapRequest.objects.select_for_update()
            .filter(pk=request_id, status=SwapRequest.Status.OPEN)
            .select_related("professional")
            .first()
        )
        if request is None:
            raise PermissionDenied
        request.status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.DECLINED
        request.decided_by = by
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE, detail=f"swap {request.pk} {request.status}"
        )
    outcome = None
    if approve:
        outcome = register_absence(
            by=by,
            professional=request.professional,
            start=request.date,
            end=request.date,
            start_part=request.part,
            end_part=request.part,
            kind=Absence.Kind.SWAP,
            reason=request.reason,
        )
    notify(
        to=request.professional,
        subject=(
            _("Your swap on %(day)s was approved")
            if approve
            else _("Your swap on %(day)s was declined")
        )
        % {"day": request.date.strftime("%d-%m-%Y")},
        url=reverse("roster:person_week", args=[request.professional.pk]),
    )
    return request, outcome


def set_public_name(*, by: Professional | None, professional: Professional, allowed: bool) -> None:
    """Record the professional's consent (or its withdrawal) to show their name publicly."""
    with transaction.atomic():
        Availability.objects.update_or_create(
            professional=professional, defaults={"public_name": allowed}
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            detail=f"public name of {professional.pk}: {allowed}",
        )


def set_availability(
    *, professional: Professional, locations: list[Location] | None = None, **fields: object
) -> Availability:
    """Contract hours, days off, available half-days, preferences, places and extra functions."""
    availability, _ = Availability.objects.update_or_create(
        professional=professional, defaults=fields
    )
    availability.locations.set(locations or [])
    return availability


def set_rooms(*, location: Location, rooms: int) -> None:
    LocationRooms.objects.update_or_create(location=location, defaults={"rooms": rooms})


def save_rule(
    *,
    code: str,
    locations: list[Location],
    people: list[Professional] | None = None,
    stand_ins: list[Professional] | None = None,
    **fields: object,
) -> RosterRule:
    """Create or update a roster rule by its code."""
    with transaction.atomic():
        rule, _ = RosterRule.objects.update_or_create(code=code, defaults=fields)
        rule.locations.set(locations)
        rule.people.set(people or [])
        rule.stand_ins.set(stand_ins or [])
    return rule


def feed_token_create(*, by: Professional) -> FeedToken:
    """A new secret address for the professional's own calendar feed."""
    with transaction.atomic():
        token = FeedToken.objects.create(professional=by)
        log_access(by=by, event=Event.WRITE, purpose=PURPOSE, detail="calendar feed created")
    return token


def feed_token_revoke(*, by: Professional, token_id: int) -> bool:
    """Revoke one of the professional's feed tokens; ``False`` if it is not theirs or not live."""
    with transaction.atomic():
        revoked = FeedToken.objects.filter(
            pk=token_id, professional=by, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if revoked:
            log_access(by=by, event=Event.WRITE, purpose=PURPOSE, detail="calendar feed revoked")
    return bool(revoked)


# --- activities ------------------------------------------------------------------------------

#: Who runs which activities: the language/parent-room workers, the after-school workers.
ACTIVITY_ROLES: dict[str, frozenset[Role]] = {
    Activity.Kind.AFTER_SCHOOL: frozenset({Role.AFTER_SCHOOL, Role.COORDINATOR}),
}
LANGUAGE_ROLES = frozenset({Role.LANGUAGE_WORKER, Role.COORDINATOR})


def runs_activities(user: Professional) -> bool:
    """Whether ``user`` runs any kind of activity (the activities page)."""
    return bool(roles_of(user) & (LANGUAGE_ROLES | ACTIVITY_ROLES[Activity.Kind.AFTER_SCHOOL]))


def may_manage(user: Professional, activity: Activity) -> bool:
    """Whether ``user`` signs people up for ``activity`` and records attendance."""
    return bool(roles_of(user) & ACTIVITY_ROLES.get(activity.kind, LANGUAGE_ROLES))


def enrol(
    *, by: Professional, activity: Activity, location: Location, name: str, phone: str = ""
) -> Enrolment:
    """Sign a child or parent up; when the centre's places are taken, on the waiting list."""
    if not may_manage(by, activity):
        raise PermissionDenied
    with transaction.atomic():
        Activity.objects.select_for_update().filter(pk=activity.pk).first()  # one at a time
        taken = Enrolment.objects.filter(
            activity=activity, location=location, status=Enrolment.Status.ENROLLED
        ).count()
        status = (
            Enrolment.Status.ENROLLED if taken < activity.capacity else Enrolment.Status.WAITING
        )
        enrolment = Enrolment.objects.create(
            activity=activity,
            location=location,
            name=name.strip()[:200],
            phone=phone.strip()[:30],
            status=status,
            enrolled_by=by,
        )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            detail=f"sign-up {enrolment.pk} for activity {activity.code} ({status})",
        )
    return enrolment


def withdraw(*, by: Professional, enrolment_id: int) -> Enrolment | None:
    """Take a sign-up off; the first on the waiting list gets the place (returned, if any)."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("activity")
            .filter(pk=enrolment_id)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .first()
        )
        if enrolment is None or not may_manage(by, enrolment.activity):
            raise PermissionDenied
        freed = enrolment.status == Enrolment.Status.ENROLLED
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.save(update_fields=["status"])
        promoted = None
        if freed:
            promoted = (
                Enrolment.objects.select_for_update()
                .filter(
                    activity=enrolment.activity,
                    location=enrolment.location_id,
                    status=Enrolment.Status.WAITING,
                )
                .order_by("created_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Enrolment.Status.ENROLLED
                promoted.save(update_fields=["status"])
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            detail=f"sign-up {enrolment.pk} withdrawn"
            + (f", {promoted.pk} from the waiting list" if promoted else ""),
        )
    return promoted


def record_attendance(
    *,
    by: Professional,
    activity: Activity,
    location: Location,
    day: date,
    part: str,
    present: set[int],
) -> int:
    """Who came to one session: every signed-up person is marked present or absent."""
    if not may_manage(by, activity):
        raise PermissionDenied
    with transaction.atomic():
        enrolled = list(
            Enrolment.objects.filter(
                activity=activity, location=location, status=Enrolment.Status.ENROLLED
            )
        )
        for enrolment in enrolled:
            Attendance.objects.update_or_create(
                enrolment=enrolment,
                date=day,
                part=part,
                defaults={"present": enrolment.pk in present, "recorded_by": by},
            )
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            detail=f"attendance {activity.code} {location.code} {day} {part}: "
            f"{len(present & {e.pk for e in enrolled})}/{len(enrolled)}",
        )
    return len(enrolled)


def save_activity(*, code: str, rule: RosterRule, **fields: object) -> Activity:
    """Create or update an activity by its code (the demo and the administrator)."""
    activity, _ = Activity.objects.update_or_create(code=code, defaults={"rule": rule, **fields})
    return activity


# --- consultation hours ----------------------------------------------------------------------

#: Bookings one connection may make per hour, and coming bookings per phone number: enough for
#: a family, too few for a script that fills a consultation hour.
BOOKINGS_PER_HOUR = 5
BOOKINGS_PER_PHONE = 3


def sees_bookings(user: Professional) -> bool:
    """The consultation partners see their bookings; the coordinator sees all of them."""
    return bool(roles_of(user) & {Role.CONSULTATION_PARTNER, *PLANNER_ROLES})


class BookingRefused(ValueError):
    """A booking that cannot be made; the message says why, in Dutch; ``status`` for the page."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def _client_hash(client: str) -> str:
    """A keyed hash of the connection's address, so the address itself is never stored."""
    return hmac.new(settings.SECRET_KEY.encode(), client.encode(), hashlib.sha256).hexdigest()


def book(
    *,
    location: Location,
    rule: str,
    day: date,
    part: str,
    start: time,
    name: str,
    phone: str,
    client: str,
) -> Booking:
    """A parent books a free time in a published consultation hour (no login: ``by`` is nobody).

    Refused when the time is not free (any more), lies in the past, or when the same connection
    or phone number books too much.
    """
    found = selectors.consultation(location, rule, day, part)
    if (
        found is None
        or found.shift.rule is None
        or start not in found.free
        or day < timezone.localdate()
    ):
        raise BookingRefused(_("This time is no longer free. Choose another time."))
    client_hash = _client_hash(client)
    hour_ago = timezone.now() - timedelta(hours=1)
    if (
        Booking.objects.filter(client_hash=client_hash, created_at__gte=hour_ago).count()
        >= BOOKINGS_PER_HOUR
    ):
        raise BookingRefused(
            _("Too many bookings from this connection. Try again later or call the centre."),
            status=429,
        )
    if (
        Booking.objects.filter(phone=phone, date__gte=timezone.localdate()).count()
        >= BOOKINGS_PER_PHONE
    ):
        raise BookingRefused(
            _("This phone number already has %(n)s appointments. Call the centre for more.")
            % {"n": BOOKINGS_PER_PHONE}
        )
    shift, booked_rule = found.shift, found.shift.rule
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                rule=booked_rule,
                location=location,
                date=day,
                start=start,
                name=name,
                phone=phone,
                client_hash=client_hash,
            )
            log_access(by=None, event=Event.WRITE, purpose=PURPOSE, detail=f"booking {booking.pk}")
            notify(
                to=shift.person,
                subject=_("New appointment on %(day)s at %(time)s (%(centre)s)")
                % {
                    "day": day.strftime("%d-%m-%Y"),
                    "time": start.strftime("%H:%M"),
                    "centre": location.name,
                },
                url=reverse("roster:bookings"),
                mail=False,
            )
    except IntegrityError as exc:
        raise BookingRefused(_("This time is no longer free. Choose another time.")) from exc
    return booking


def bookings_prune(*, older_than_days: int = 28) -> int:
    """Remove bookings some weeks after their date: a name and phone are kept no longer."""
    cutoff = timezone.localdate() - timedelta(days=older_than_days)
    with transaction.atomic():
        count, _ = Booking.objects.filter(date__lt=cutoff).delete()
        if count:
            log_access(
                by=None, event=Event.WRITE, purpose=PURPOSE, detail=f"{count} bookings removed"
            )
    return count
