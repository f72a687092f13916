"""Computing the figures of definitions.py for one period, in the database.

Every count is an aggregating query (COUNT, COUNT DISTINCT, AVG with FILTER / CASE, grouped
by centre and where needed by month) that runs the same on SQLite and PostgreSQL; the region
margins are their own aggregate, not a Python sum. Only the lead-time percentiles are taken
in Python, from one sorted list of durations per group, so that they agree on both databases.
Each section is suppressed (suppression.Universe) before it becomes a table; nothing
unsuppressed leaves this module.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from kansrijk.cases.models import Case, Child, ContactPersonAssignment, FamilyContact, Signal, Step
from kansrijk.cases.workflow import CaseState, Outcome
from kansrijk.compiled import fetch
from kansrijk.consent.models import Consent
from kansrijk.core.models import Location
from kansrijk.monitor.definitions import (
    LEAD_TIMES,
    REGULAR_OUTCOMES,
    SUPPRESSION_THRESHOLD,
    Unit,
)
from kansrijk.monitor.models import QUESTIONS, ExperienceResponse
from kansrijk.monitor.periods import Period
from kansrijk.monitor.suppression import Universe
from kansrijk.monitor.tables import EMPTY, SECONDARY, Axis, Cell, Table

ALL = "*"
CENTRE_KINDS = (Location.Kind.CHILD_CENTRE, Location.Kind.CHILDCARE)

Centres = list[tuple[int, str]]


def region_centres() -> Centres:
    """The region's child centres and childcare locations, the rows of every table. Read
    through SQL compiled once (kansrijk.compiled): the dashboard reads them on every view,
    and building the query was a tenth of its CPU (issue 17)."""
    return [
        (pk, name) for pk, name in fetch(("region centres",), Location.objects.db, _region_centres)
    ]


def _region_centres() -> QuerySet[Any]:
    return Location.objects.filter(kind__in=CENTRE_KINDS).order_by("name").values_list("id", "name")


def _centre_rows(centres: Centres) -> list[Axis]:
    return [Axis(str(pk), "centre", name, centre=pk) for pk, name in centres] + [
        Axis(ALL, "centre", total=True)
    ]


def _share(numerator: float | None, denominator: float | None) -> float | None:
    if not denominator or numerator is None:
        return None
    return 100.0 * numerator / denominator


# --- a table per centre, with the region as its total row ------------------------------------


@dataclass
class CentreTable:
    """Count columns per centre plus derived columns, suppressed as one universe."""

    figure: str
    unit: str
    centres: Centres
    threshold: int = SUPPRESSION_THRESHOLD
    universe: Universe = field(init=False)
    columns: list[Axis] = field(default_factory=list)
    derived: dict[str, tuple[Callable[..., float | None], tuple[str, ...]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self.universe = Universe(self.threshold)

    @property
    def row_keys(self) -> list[str]:
        return [str(pk) for pk, _name in self.centres]

    def count(
        self,
        column: Axis,
        per_centre: dict[int, Any],
        region: Any,
        subjects: dict[int, Any] | None = None,
        region_subjects: Any = None,
    ) -> None:
        """A count column: values per centre and the region's own aggregate."""
        self.columns.append(column)
        for pk, _name in self.centres:
            value = per_centre.get(pk) or 0
            self.universe.cell(
                (str(pk), column.key),
                value,
                (subjects.get(pk) or 0) if subjects is not None else None,
            )
        self.universe.cell(
            (ALL, column.key),
            region or 0,
            (region_subjects or 0) if subjects is not None else None,
        )
        self.universe.relation((ALL, column.key), [(r, column.key) for r in self.row_keys])

    def sums(self, total: str, members: Iterable[str]) -> None:
        """In every row, column `total` is the sum of the `members` columns."""
        members = list(members)
        for row in [*self.row_keys, ALL]:
            self.universe.relation((row, total), [(row, m) for m in members])

    def derive(self, column: Axis, fn: Callable[..., float | None], *basis: str) -> None:
        self.columns.append(column)
        self.derived[column.key] = (fn, basis)

    def table(self, **extra: Any) -> Table:
        cells = []
        for row in [*self.row_keys, ALL]:
            line = []
            for column in self.columns:
                if column.key in self.derived:
                    fn, basis = self.derived[column.key]
                    parts = [self.universe[(row, b)] for b in basis]
                    value = fn(*(v for v, _s in parts))
                    if any(s for _v, s in parts):
                        line.append(Cell(None, SECONDARY))
                    else:
                        line.append(Cell(value, "" if value is not None else EMPTY))
                else:
                    value, status = self.universe[(row, column.key)]
                    line.append(Cell(None if status else value, status))
            cells.append(line)
        return Table(
            figure=self.figure,
            unit=self.unit,
            columns=self.columns,
            rows=_centre_rows(self.centres),
            cells=cells,
            **extra,
        )


def _by_centre(rows: Iterable[dict[str, Any]], key: str = "location") -> dict[int, dict[str, Any]]:
    return {row[key]: row for row in rows}


def _pick(rows: dict[int, dict[str, Any]], name: str) -> dict[int, Any]:
    return {pk: row[name] for pk, row in rows.items()}


# --- signals -------------------------------------------------------------------------------


def _month_key(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m")


def _signal_tables(period: Period, centres: Centres, threshold: int) -> list[Table]:
    ids = [pk for pk, _n in centres]
    domains = list(Signal.Domain.values)
    months = period.month_keys()
    base = (
        Signal.objects.filter(
            created_at__gte=period.start_at, created_at__lt=period.end_at, location__in=ids
        )
        .annotate(month=TruncMonth("created_at"))
        .order_by()
    )
    aggregates: dict[str, Any] = {"n__": Count("id"), "c__": Count("child", distinct=True)}
    for d in domains:
        aggregates[f"n_{d}"] = Count("id", filter=Q(domain=d))
        aggregates[f"c_{d}"] = Count("child", distinct=True, filter=Q(domain=d))
    counts: dict[tuple[str, str, str], tuple[int, int]] = {}

    def keep(loc: str, month: str, row: dict[str, Any]) -> None:
        counts[(loc, ALL, month)] = (row["n__"], row["c__"])
        for d in domains:
            counts[(loc, d, month)] = (row[f"n_{d}"], row[f"c_{d}"])

    for row in base.values("location", "month").annotate(**aggregates):
        keep(str(row["location"]), _month_key(row["month"]), row)
    for row in base.values("location").annotate(**aggregates):
        keep(str(row["location"]), ALL, row)
    for row in base.values("month").annotate(**aggregates):
        keep(ALL, _month_key(row["month"]), row)
    keep(ALL, ALL, base.aggregate(**aggregates))

    universe = Universe(threshold)
    locs = [str(pk) for pk in ids]
    for key in (
        (loc, d, m) for loc in [*locs, ALL] for d in [*domains, ALL] for m in [*months, ALL]
    ):
        n, children = counts.get(key, (0, 0))
        universe.cell(key, n, children)
    for d in [*domains, ALL]:
        for m in [*months, ALL]:
            universe.relation((ALL, d, m), [(loc, d, m) for loc in locs])
    for loc in [*locs, ALL]:
        for m in [*months, ALL]:
            universe.relation((loc, ALL, m), [(loc, d, m) for d in domains])
        for d in [*domains, ALL]:
            universe.relation((loc, d, ALL), [(loc, d, m) for m in months])

    def cell(key: tuple[str, str, str]) -> Cell:
        value, status = universe[key]
        return Cell(None if status else value, status)

    rows = _centre_rows(centres)
    columns = [Axis(d, "domain") for d in domains] + [Axis(ALL, "domain", total=True)]
    tables = [
        Table(
            "signals",
            Unit.COUNT,
            columns,
            rows,
            [[cell((r.key, c.key, ALL)) for c in columns] for r in rows],
            charts=[ALL],
        )
    ]
    month_rows = [Axis(m, "month") for m in months] + [Axis(ALL, "month", total=True)]
    for d in [ALL, *domains]:
        tables.append(
            Table(
                "signals",
                Unit.COUNT,
                rows,
                month_rows,
                [[cell((c.key, d, m.key)) for c in rows] for m in month_rows],
                charts=[ALL],
                domain="" if d == ALL else d,
                variant="trend",
            )
        )
    tables.extend(_share_tables(period, centres, threshold, domains, counts))
    return tables


def _pupils(period: Period, ids: list[int]) -> tuple[dict[int, int], int]:
    enrolled = (
        Child.objects.filter(location__in=ids)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=period.start))
        .order_by()
    )
    per_centre = {
        row["location"]: row["n"] for row in enrolled.values("location").annotate(n=Count("id"))
    }
    return per_centre, enrolled.aggregate(n=Count("id"))["n"]


def _share_tables(
    period: Period,
    centres: Centres,
    threshold: int,
    domains: list[str],
    counts: dict[tuple[str, str, str], tuple[int, int]],
) -> list[Table]:
    ids = [pk for pk, _n in centres]
    pupils, region_pupils = _pupils(period, ids)
    tables = []
    for d in [ALL, *domains]:
        builder = CentreTable("share_signalled", Unit.PERCENT, centres, threshold)
        builder.count(Axis("pupils", "stat"), pupils, region_pupils)
        signalled = {pk: counts.get((str(pk), d, ALL), (0, 0))[1] for pk in ids}
        builder.count(Axis("signalled", "stat"), signalled, counts.get((ALL, d, ALL), (0, 0))[1])
        builder.derive(Axis("share", "stat"), lambda p, s: _share(s, p), "pupils", "signalled")
        tables.append(builder.table(charts=["share"], domain="" if d == ALL else d))
    return tables


# --- lead times ----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (as numpy's default); values sorted."""
    if not values:
        return None
    position = (len(values) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (position - low) * (values[high] - values[low])


def _first_step(transitions: tuple[str, ...]) -> Subquery:
    return Subquery(
        Step.objects.filter(case=OuterRef("pk"), transition__in=transitions)
        .order_by("at")
        .values("at")[:1]
    )


def _lead_time_table(period: Period, centres: Centres, threshold: int) -> Table:
    ids = [pk for pk, _n in centres]
    start, end = period.start_at, period.end_at
    first_contact = Subquery(
        FamilyContact.objects.filter(case=OuterRef("pk"))
        .order_by("happened_at")
        .values("happened_at")[:1]
    )
    annotations: dict[str, Any] = {key: _first_step(names) for key, names, _nl, _en in LEAD_TIMES}
    annotations["first_contact"] = first_contact
    in_period = Exists(
        Step.objects.filter(
            case=OuterRef("pk"),
            at__gte=start,
            at__lt=end,
            transition__in=[n for _k, names, _nl, _en in LEAD_TIMES for n in names],
        )
    ) | Exists(
        FamilyContact.objects.filter(
            case=OuterRef("pk"), happened_at__gte=start, happened_at__lt=end
        )
    )
    rows = (
        Case.objects.filter(in_period, location__in=ids)
        .annotate(**annotations)
        .order_by()
        .values_list("location", "opened_at", *annotations)
    )
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    for location, opened_at, *ends in rows:
        moments = dict(zip(annotations, ends, strict=True))
        contact = moments.pop("first_contact")
        fs = moments["lead_family_specialist"]
        moments["lead_family_specialist"] = (
            min(m for m in (fs, contact) if m) if fs or contact else None
        )
        for key, moment in moments.items():
            if moment is not None and start <= moment < end:
                days = max(0.0, (moment - opened_at).total_seconds() / 86400)
                durations[(key, str(location))].append(days)
                durations[(key, ALL)].append(days)

    universe = Universe(threshold)
    locs = [str(pk) for pk in ids]
    for key, _names, _nl, _en in LEAD_TIMES:
        for loc in [*locs, ALL]:
            universe.cell((key, loc), len(durations[(key, loc)]))
        universe.relation((key, ALL), [(key, loc) for loc in locs])
    names = dict(centres)
    table_rows, cells = [], []
    for key, _names, _nl, _en in LEAD_TIMES:
        for loc in [*locs, ALL]:
            centre = int(loc) if loc != ALL else None
            table_rows.append(
                Axis(
                    f"{key}|{loc}",
                    "lead",
                    names.get(centre, "") if centre else "",
                    centre=centre,
                    total=loc == ALL,
                )
            )
            n, status = universe[(key, loc)]
            values = sorted(durations[(key, loc)])
            if status:
                cells.append([Cell(None, status), Cell(None, SECONDARY), Cell(None, SECONDARY)])
            else:
                cells.append(
                    [
                        Cell(n),
                        _days(percentile(values, 0.5)),
                        _days(percentile(values, 0.9)),
                    ]
                )
    columns = [Axis("n", "stat"), Axis("median", "stat"), Axis("p90", "stat")]
    return Table("lead_times", Unit.DAYS, columns, table_rows, cells, charts=["median"])


def _days(value: float | None) -> Cell:
    return Cell(None, EMPTY) if value is None else Cell(round(value, 1))


# --- outcomes and referral rates -----------------------------------------------------------


def _closed_in(period: Period, ids: list[int]) -> QuerySet[Case]:
    return Case.objects.filter(
        state=CaseState.CLOSED,
        closed_at__gte=period.start_at,
        closed_at__lt=period.end_at,
        location__in=ids,
    ).order_by()


def _outcome_table(period: Period, centres: Centres, threshold: int) -> Table:
    ids = [pk for pk, _n in centres]
    aggregates: dict[str, Any] = {o: Count("id", filter=Q(outcome=o)) for o in Outcome.values}
    aggregates["total"] = Count("id")
    aggregates["kept"] = Count("id", filter=Q(outcome__in=REGULAR_OUTCOMES))
    closed = _closed_in(period, ids)
    per_centre = _by_centre(closed.values("location").annotate(**aggregates))
    region = closed.aggregate(**aggregates)
    builder = CentreTable("outcomes", Unit.COUNT, centres, threshold)
    for name in [*Outcome.values, "total", "kept"]:
        axis = (
            Axis(name, "outcome")
            if name in Outcome.values
            else Axis(name, "stat", total=name == "total")
        )
        builder.count(axis, _pick(per_centre, name), region[name])
    builder.sums("total", Outcome.values)
    builder.sums("kept", REGULAR_OUTCOMES)
    builder.derive(Axis("kept_share", "stat"), lambda k, t: _share(k, t), "kept", "total")
    return builder.table(charts=["kept_share"])


def _referral_table(period: Period, centres: Centres, threshold: int) -> Table:
    ids = [pk for pk, _n in centres]
    se, yc = Outcome.SPECIAL_EDUCATION, Outcome.SPECIALIST_YOUTH_CARE
    signals = Signal.objects.filter(
        case__in=_closed_in(period, ids).filter(outcome__in=[se, yc])
    ).order_by()
    aggregates = {
        "se": Count("child", distinct=True, filter=Q(case__outcome=se)),
        "yc": Count("child", distinct=True, filter=Q(case__outcome=yc)),
    }
    per_centre = _by_centre(
        signals.values("case__location").annotate(**aggregates), "case__location"
    )
    region = signals.aggregate(**aggregates)
    pupils, region_pupils = _pupils(period, ids)
    builder = CentreTable("referral_rates", Unit.PERCENT, centres, threshold)
    builder.count(Axis("pupils", "stat"), pupils, region_pupils)
    builder.count(Axis("special_education", "stat"), _pick(per_centre, "se"), region["se"])
    builder.derive(
        Axis("special_education_rate", "stat"),
        lambda p, n: _share(n, p),
        "pupils",
        "special_education",
    )
    builder.count(Axis("specialist_youth_care", "stat"), _pick(per_centre, "yc"), region["yc"])
    builder.derive(
        Axis("specialist_youth_care_rate", "stat"),
        lambda p, n: _share(n, p),
        "pupils",
        "specialist_youth_care",
    )
    return builder.table(charts=["special_education_rate", "specialist_youth_care_rate"])


# --- the family's contact person, stalled cases, consent -----------------------------------


def _one_contact_table(period: Period, centres: Centres, threshold: int) -> Table:
    ids = [pk for pk, _n in centres]
    start, end = period.start_at, period.end_at
    overlapping = (
        ContactPersonAssignment.objects.filter(case=OuterRef("pk"), started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )
    active = (
        Case.objects.filter(location__in=ids, opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .alias(contacts=Coalesce(Subquery(overlapping, output_field=IntegerField()), Value(0)))
        .order_by()
    )
    aggregates = {
        "families": Count("family", distinct=True),
        "one": Count("family", distinct=True, filter=Q(contacts=1)),
    }
    per_centre = _by_centre(active.values("location").annotate(**aggregates))
    region = active.aggregate(**aggregates)
    builder = CentreTable("one_contact_person", Unit.COUNT, centres, threshold)
    builder.count(Axis("families", "stat"), _pick(per_centre, "families"), region["families"])
    builder.count(Axis("one", "stat"), _pick(per_centre, "one"), region["one"])
    builder.derive(Axis("one_share", "stat"), lambda f, o: _share(o, f), "families", "one")
    return builder.table(charts=["one_share"])


def _stalled_table(
    period: Period, centres: Centres, threshold: int, now: datetime.datetime
) -> Table:
    ids = [pk for pk, _n in centres]
    moment = min(period.end_at, now)
    cut = moment - datetime.timedelta(days=settings.KANSRIJK_STALLED_AFTER_DAYS)
    last_step = Subquery(
        Step.objects.filter(case=OuterRef("pk"), at__lte=moment).order_by("-at").values("at")[:1]
    )
    open_then = (
        Case.objects.filter(location__in=ids, opened_at__lte=moment)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=moment))
        .alias(last=Coalesce(last_step, F("opened_at")))
        .order_by()
    )
    aggregates = {"open": Count("id"), "stalled": Count("id", filter=Q(last__lt=cut))}
    per_centre = _by_centre(open_then.values("location").annotate(**aggregates))
    region = open_then.aggregate(**aggregates)
    builder = CentreTable("stalled", Unit.COUNT, centres, threshold)
    builder.count(Axis("open", "stat"), _pick(per_centre, "open"), region["open"])
    builder.count(Axis("stalled", "stat"), _pick(per_centre, "stalled"), region["stalled"])
    builder.derive(Axis("stalled_share", "stat"), lambda o, s: _share(s, o), "open", "stalled")
    return builder.table(charts=["stalled"])


def _consent_table(period: Period, centres: Centres, threshold: int) -> Table:
    ids = [pk for pk, _n in centres]
    answers = (
        Consent.objects.filter(recorded_at__gte=period.start_at, recorded_at__lt=period.end_at)
        .annotate(centre=Coalesce("case__location", "child__location"))
        .filter(centre__in=ids)
        .order_by()
    )
    statuses = list(Consent.Status.values)
    aggregates: dict[str, Any] = {"total": Count("id"), "c_total": Count("child", distinct=True)}
    for s in statuses:
        aggregates[s] = Count("id", filter=Q(status=s))
        aggregates[f"c_{s}"] = Count("child", distinct=True, filter=Q(status=s))
    per_centre = _by_centre(answers.values("centre").annotate(**aggregates), "centre")
    region = answers.aggregate(**aggregates)
    builder = CentreTable("consent", Unit.COUNT, centres, threshold)
    for name in [*statuses, "total"]:
        axis = Axis(name, "consent") if name in statuses else Axis(name, "stat", total=True)
        builder.count(
            axis,
            _pick(per_centre, name),
            region[name],
            _pick(per_centre, f"c_{name}"),
            region[f"c_{name}"],
        )
    builder.sums("total", statuses)
    return builder.table(charts=["refused", "withdrawn"])


# --- participation in activities (the roster's activities) --------------------------------


def _participation_table(period: Period, centres: Centres, threshold: int) -> Table:
    from kansrijk.roster.selectors import participation

    per_centre, total = participation(period.start, period.end, [pk for pk, _n in centres])
    builder = CentreTable("participation", Unit.COUNT, centres, threshold)
    builder.count(Axis("participants", "stat"), per_centre, total)
    return builder.table()


# --- warm handovers (issue 12) --------------------------------------------------------------


def _handover_table(period: Period, centres: Centres, threshold: int) -> Table:
    """Per sending centre or childcare: handovers offered, with the parents' consent, warm
    (the conversation held), followed up; and children with a VVE indication handed over to a
    regular school. Each cell counts children, suppressed below the threshold."""
    from kansrijk.early_years.models import Handover

    ids = [pk for pk, _n in centres]
    offered = Handover.objects.filter(
        prepared_at__gte=period.start_at, prepared_at__lt=period.end_at, from_location__in=ids
    ).order_by()
    aggregates: dict[str, Any] = {
        "offered": Count("child", distinct=True),
        "with_consent": Count("child", distinct=True, filter=Q(consent=Handover.Consent.GIVEN)),
        "warm": Count("child", distinct=True, filter=Q(met_at__isnull=False)),
        "followed_up": Count("child", distinct=True, filter=Q(followed_up_at__isnull=False)),
        "vve_regular": Count(
            "child",
            distinct=True,
            filter=Q(child__vve_indications__isnull=False)
            & Q(to_location__kind=Location.Kind.CHILD_CENTRE)
            & ~Q(kind=Handover.Kind.TO_SPECIAL_EDUCATION),
        ),
    }
    per_centre = _by_centre(offered.values("from_location").annotate(**aggregates), "from_location")
    region = offered.aggregate(**aggregates)
    builder = CentreTable("handovers", Unit.COUNT, centres, threshold)
    for name in aggregates:
        builder.count(Axis(name, "stat"), _pick(per_centre, name), region[name])
    return builder.table(charts=["offered", "warm"])


# --- homework support (seed 001, issue 14) -------------------------------------------------


def _homework_table(period: Period, centres: Centres, threshold: int) -> Table:
    """Per centre of the child: homework support started, at school, ended with the parents
    managing on their own. Each cell counts children, suppressed below the threshold."""
    from kansrijk.homework.models import HomeworkSupport

    started = HomeworkSupport.objects.filter(
        started_on__gte=period.start,
        started_on__lte=period.end,
        child__location__in=[pk for pk, _n in centres],
    ).order_by()
    aggregates: dict[str, Any] = {
        "homework_started": Count("child", distinct=True),
        "homework_at_school": Count(
            "child", distinct=True, filter=Q(place=HomeworkSupport.Place.SCHOOL)
        ),
        "homework_helped": Count(
            "child", distinct=True, filter=Q(result=HomeworkSupport.Result.HELPED)
        ),
    }
    per_centre = _by_centre(
        started.values("child__location").annotate(**aggregates), "child__location"
    )
    region = started.aggregate(**aggregates)
    builder = CentreTable("homework", Unit.COUNT, centres, threshold)
    for name in aggregates:
        builder.count(Axis(name, "stat"), _pick(per_centre, name), region[name])
    return builder.table()


# --- integrated arrangements in special education (issue 16) --------------------------------


def _integrated_arrangement_table(period: Period, threshold: int) -> Table | None:
    """Per special school (SBO, SO, VSO): pupils enrolled, pupils with an integrated
    arrangement in force in the period, its share (against the seed's 65 % of these pupils
    who get youth care next to their education), separate indications replaced by one
    package, and pupils whose arrangement ended because they went back to regular school.
    Each cell counts pupils and is suppressed below the threshold as one universe."""
    from kansrijk.special_education.models import Arrangement

    schools: Centres = list(
        Location.objects.filter(kind=Location.Kind.SPECIAL_SCHOOL)
        .order_by("name")
        .values_list("id", "name")
    )
    if not schools:  # a region without special schools has nothing to report here
        return None
    ids = [pk for pk, _n in schools]
    pupils, region_pupils = _pupils(period, ids)
    in_force = (
        Arrangement.objects.filter(school__in=ids, created_at__lt=period.end_at)
        .exclude(state=Arrangement.State.DRAFT)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
        .order_by()
    )
    aggregates: dict[str, Any] = {
        "integrated": Count("child", distinct=True),
        "replaced": Sum("replaced_indications"),
    }
    per_school = _by_centre(in_force.values("school").annotate(**aggregates), "school")
    region = in_force.aggregate(**aggregates)
    back = Arrangement.objects.filter(
        school__in=ids,
        end_reason=Arrangement.EndReason.BACK_TO_REGULAR,
        ended_on__gte=period.start,
        ended_on__lte=period.end,
    ).order_by()
    back_per = {
        row["school"]: row["n"]
        for row in back.values("school").annotate(n=Count("child", distinct=True))
    }
    builder = CentreTable("integrated_arrangements", Unit.PERCENT, schools, threshold)
    builder.count(Axis("pupils", "stat"), pupils, region_pupils)
    integrated = _pick(per_school, "integrated")
    builder.count(Axis("integrated", "stat"), integrated, region["integrated"])
    builder.derive(
        Axis("integrated_share", "stat"),
        lambda p, i: _share(i, p),
        "pupils",
        "integrated",
    )
    # The indications are a sum over pupils: hidden when those pupils are fewer than 5.
    builder.count(
        Axis("replaced", "stat"),
        _pick(per_school, "replaced"),
        region["replaced"],
        integrated,
        region["integrated"],
    )
    builder.count(
        Axis("back_to_regular", "stat"),
        back_per,
        back.aggregate(n=Count("child", distinct=True))["n"],
    )
    return builder.table(charts=["integrated_share"])


# --- the dyslexia gatekeeper (issue 16) -----------------------------------------------------


def _dyslexia_table(period: Period, centres: Centres, threshold: int) -> Table:
    """Per school: dyslexia files first submitted in the period, complete at that first
    submission, referred, not referred, and the median days from first submission to the
    gatekeeper's decision; 'to strengthen' counts the files that were incomplete at first
    submission or not referred (seed 002: where reading support needs strengthening). Each
    file is one pupil, so every cell counts children."""
    from kansrijk.dyslexia.models import DyslexiaFile, Status

    ids = [pk for pk, _n in centres]
    files = DyslexiaFile.objects.filter(
        first_submitted_at__gte=period.start_at,
        first_submitted_at__lt=period.end_at,
        school__in=ids,
    ).order_by()
    aggregates: dict[str, Any] = {
        "dyslexia_submitted": Count("child", distinct=True),
        "dyslexia_complete": Count(
            "child", distinct=True, filter=Q(complete_at_first_submission=True)
        ),
        "dyslexia_referred": Count("child", distinct=True, filter=Q(status=Status.REFERRED)),
        "dyslexia_not_referred": Count(
            "child", distinct=True, filter=Q(status=Status.NOT_REFERRED)
        ),
        "dyslexia_weak": Count(
            "child",
            distinct=True,
            filter=Q(complete_at_first_submission=False) | Q(status=Status.NOT_REFERRED),
        ),
    }
    per_centre = _by_centre(files.values("school").annotate(**aggregates), "school")
    region = files.aggregate(**aggregates)
    days: dict[int | None, list[float]] = defaultdict(list)
    for school, submitted, decided in files.filter(decided_at__isnull=False).values_list(
        "school", "first_submitted_at", "decided_at"
    ):
        if submitted is None or decided is None:
            continue
        lead = max(0.0, (decided - submitted).total_seconds() / 86400)
        days[school].append(lead)
        days[None].append(lead)
    builder = CentreTable("dyslexia", Unit.COUNT, centres, threshold)
    for name in aggregates:
        builder.count(Axis(name, "stat"), _pick(per_centre, name), region[name])
    builder.derive(
        Axis("dyslexia_complete_share", "stat"), _share, "dyslexia_complete", "dyslexia_submitted"
    )
    builder.derive(
        Axis("dyslexia_weak_share", "stat"), _share, "dyslexia_weak", "dyslexia_submitted"
    )
    # The median follows the number of decided files: hidden whenever that number is hidden.
    builder.derive(
        Axis("dyslexia_median", "stat"),
        lambda *_n: None,
        "dyslexia_referred",
        "dyslexia_not_referred",
    )
    table = builder.table(charts=["dyslexia_weak_share"])
    for r, row in enumerate(table.rows):
        for c, column in enumerate(table.columns):
            if column.key == "dyslexia_median" and not table.cells[r][c].hidden:
                table.cells[r][c] = _days(percentile(sorted(days[row.centre]), 0.5))
    return table


# --- parents' experience -------------------------------------------------------------------


def _experience_table(period: Period, centres: Centres, threshold: int) -> Table:
    ids = [pk for pk, _n in centres]
    answers = ExperienceResponse.objects.filter(case__in=_closed_in(period, ids)).order_by()
    aggregates: dict[str, Any] = {
        # Families, not answers: a family answers after an evaluation and again at closing,
        # and the small-numbers rule must count people.
        "responses": Count("case", distinct=True),
        "comments": Count("id", filter=~Q(comment="")),
        **{key: Avg(key) for key, _label in QUESTIONS},
    }
    per_centre = _by_centre(
        answers.values("case__location").annotate(**aggregates), "case__location"
    )
    region = answers.aggregate(**aggregates)
    builder = CentreTable("experience", Unit.SCORE, centres, threshold)
    builder.count(Axis("responses", "stat"), _pick(per_centre, "responses"), region["responses"])
    # The averages follow the number of answers: hidden whenever that number is hidden.
    averages = {key: (_pick(per_centre, key), region[key]) for key, _label in QUESTIONS}
    for key, _label in QUESTIONS:
        builder.derive(Axis(key, "question"), lambda n, _k=key: None, "responses")
    builder.count(
        Axis("comments", "stat"),
        _pick(per_centre, "comments"),
        region["comments"],
        _pick(per_centre, "responses"),
        region["responses"],
    )
    table = builder.table(charts=["overall"])
    for r, row in enumerate(table.rows):
        for c, column in enumerate(table.columns):
            if column.kind == "question" and not table.cells[r][c].hidden:
                per, whole = averages[column.key]
                value = whole if row.centre is None else per.get(row.centre)
                table.cells[r][c] = (
                    Cell(round(float(value), 2)) if value is not None else Cell(None, EMPTY)
                )
    return table


# --- the report ----------------------------------------------------------------------------


def compute_report(
    period: Period,
    now: datetime.datetime | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> dict[str, Any]:
    """Every figure of the period, suppressed, as JSON for a snapshot.

    `threshold` is the small-numbers rule; only tests lower it, to read raw counts back.
    """
    from kansrijk.monitor.roster_coverage import roster_table

    now = now or timezone.now()
    centres = region_centres()
    found = [
        *_signal_tables(period, centres, threshold),
        _lead_time_table(period, centres, threshold),
        _outcome_table(period, centres, threshold),
        _referral_table(period, centres, threshold),
        _one_contact_table(period, centres, threshold),
        _stalled_table(period, centres, threshold, now),
        _consent_table(period, centres, threshold),
        _handover_table(period, centres, threshold),
        _homework_table(period, centres, threshold),
        _integrated_arrangement_table(period, threshold),
        _dyslexia_table(period, centres, threshold),
        roster_table(period, centres),
        _participation_table(period, centres, threshold),
        _experience_table(period, centres, threshold),
    ]
    tables: list[Table] = [t for t in found if t is not None]
    return {
        "period": [period.first_month, period.last_month],
        "computed_at": now.isoformat(),
        "centres": centres,
        "tables": [t.to_dict() for t in tables],
    }
