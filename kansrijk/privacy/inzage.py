"""Inzage (AVG art. 15): everything kept about a family or a child, as JSON and as PDF.

"Everything" is found by walking the reverse relations from the family (children,
guardians, cases) and on from there (signals, plan versions with their goals and actions,
steps, notes, contacts, consents, contact-person history, support team, referrals — and any
model a later app hangs on these), so a new kind of record is included without a change
here. The access-log entries about the family, its children and its cases come last.

Who may export: a professional to whom the permission matrix grants EXPORT on the case
(the family's contact person), for the cases they may export; and the privacy officer, by the
explicit rule below, for all of them. Anyone else gets the same 404 as for a family that does
not exist. Every export is logged (Event.EXPORT) before it is built, so it lists itself.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast, JSONObject
from django.utils import formats, timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import may_export_every_case
from kansrijk.access.roles import Role
from kansrijk.audit.listed import for_the_family
from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.selectors import Subject, family_ids, rows_about
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Case, Child, Family
from kansrijk.cases.selectors import compiled_list
from kansrijk.compiled import fetch, ids_in
from kansrijk.core.models import Professional
from kansrijk.plans import GENERIC
from kansrijk.privacy.labels import field_label, section_title

PURPOSE = "inzage (AVG art. 15)"
#: Models never walked into: they describe professionals and places, not the family.
NOT_FAMILY_DATA = frozenset({"core.professional", "core.organisation", "core.location"})
ACCESS_LOG_FIELDS = (
    "id", "at", "event", "username", "role", "organisation", "purpose", "source_address",
    "case_id", "family_id", "child_id", "detail",
)  # fmt: skip


@dataclass
class Section:
    """All records of one kind: a model's label, its verbose name, its fields and rows."""

    label: str
    title: str
    fields: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def display(self) -> list[list[tuple[str, str]]]:
        """Each row as (label, text) pairs, for the PDF."""
        return [[(title, _text(row, name)) for name, title in self.fields] for row in self.rows]


#: A moment or a day as the export keeps it (ISO 8601 text).
_ISO = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d)?")


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(f"{name}_display", row.get(name))
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, str):
        return as_read(value)
    return str(value)


def as_read(value: str) -> str:
    """A moment or a day kept as ISO 8601 text, as the family reads it (6-12-2026 14:12);
    any other text as it is."""
    iso = _ISO.fullmatch(value[:16])
    if iso is None:
        return value
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value  # a text that only starts like a date
    if iso.group(1):
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return formats.date_format(moment.date(), "SHORT_DATE_FORMAT")


#: The access-log entries the PDF lists one by one, the newest. A family in care for years
#: is in tens of thousands of entries (every list that showed its case), and WeasyPrint took
#: 40 s and 1 GB for 3,000 (region at 1.0); a page holds about 25. Every entry is in the JSON,
#: and the PDF counts them all first (`LogDigest.summary`).
PDF_LOG_ENTRIES = 500
#: Access-log entries encoded at a time in the streamed JSON (`Inzage.json_text`).
JSON_BATCH = 1000


@dataclass
class LogSummary:
    """Who looked and why, how often: the entries of one organisation, role, event and
    purpose, with the first and the last moment (ISO 8601 text, as the export keeps it)."""

    organisation: str
    role: str
    event: str
    purpose: str
    times: int
    first: str
    last: str


@dataclass
class LogDigest:
    """The access log as the PDF shows it, read in one pass: every entry counted (`total`,
    and by organisation, role, event and purpose in `summary`, the most frequent first), and
    the newest `PDF_LOG_ENTRIES` kept, oldest first (`newest`)."""

    total: int
    summary: list[LogSummary]
    newest: list[dict[str, Any]]

    @property
    def cut(self) -> bool:
        """Whether the PDF lists only the newest entries, not every one."""
        return len(self.newest) < self.total


class LogRows:
    """An export's access-log entries, oldest first, read anew at each pass and never held
    whole: a family in care for years is in tens of thousands (every list that showed its
    case). The JSON streams them (`Inzage.json_text`); the PDF counts them in one pass
    (`Inzage.log_digest`)."""

    def __init__(self, read: Callable[[], Iterator[dict[str, Any]]]) -> None:
        self._read = read

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._read()


@dataclass
class Inzage:
    subject: Subject
    generated_at: datetime.datetime
    generated_by: str
    rule: str
    case_ids: list[int]
    sections: dict[str, Section]
    access_log: Iterable[dict[str, Any]]

    def log_digest(self) -> LogDigest:
        """The entries counted and the newest kept, in one pass over the log."""
        groups: dict[tuple[str, str, str, str], LogSummary] = {}
        newest: deque[dict[str, Any]] = deque(maxlen=PDF_LOG_ENTRIES)
        total = 0
        for row in self.access_log:
            total += 1
            newest.append(row)
            key = (row["organisation"], row["role"], row["event"], row["purpose"])
            found = groups.get(key)
            if found is None:
                groups[key] = LogSummary(*key, times=1, first=row["at"], last=row["at"])
            else:
                found.times += 1
                found.last = row["at"]
        summary = sorted(groups.values(), key=lambda g: (-g.times, g.first))
        return LogDigest(total=total, summary=summary, newest=list(newest))

    def json_text(self) -> Iterator[str]:
        """The export as JSON text, in pieces: the records, then the access log a batch of
        `JSON_BATCH` entries at a time as the database hands them over, so that a family's
        tens of thousands of entries are never held whole (a response streams it). The text
        is that of one `json.dumps` of the whole (compact, Python's C encoder per batch)."""
        encode = DjangoJSONEncoder(ensure_ascii=False).encode
        head = encode(
            {
                "kind": "kansrijk.inzage",
                "version": 1,
                "generated_at": self.generated_at.isoformat(),
                "generated_by": self.generated_by,
                "rule": self.rule,
                "subject": {
                    "family": self.subject.family.pk,
                    "child": self.subject.child.pk if self.subject.child else None,
                },
                "cases": self.case_ids,
                "records": {label: s.rows for label, s in self.sections.items()},
            }
        )
        yield head[:-1] + ', "access_log": ['
        rows, between = iter(self.access_log), ""
        while batch := list(islice(rows, JSON_BATCH)):
            yield between + encode(batch)[1:-1]
            between = ", "
        yield "]}"


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _record(obj: models.Model) -> dict[str, Any]:
    """Every stored field of one record; a reference shows its id and what it names."""
    row: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.is_relation:
            related_id = getattr(obj, model_field.attname)
            related = getattr(obj, model_field.name) if related_id is not None else None
            row[model_field.name] = (
                None if related is None else {"id": related_id, "label": str(related)}
            )
        else:
            value = getattr(obj, model_field.attname)
            display = getattr(obj, f"get_{model_field.name}_display", None)
            row[model_field.name] = _value(value)
            if model_field.choices and display is not None and value not in (None, ""):
                row[f"{model_field.name}_display"] = str(display())
            elif model_field.name.endswith("role") and value in Role.values:
                row[f"{model_field.name}_display"] = str(Role(value).label)  # a role as text
    return row


def _section(model: type[models.Model]) -> Section:
    meta = model._meta
    return Section(
        label=meta.label_lower,
        title=section_title(model),
        fields=[(f.name, field_label(f)) for f in meta.concrete_fields],
    )


def _narrow(
    queryset: models.QuerySet[Any], model: type[models.Model], via: models.Field[Any, Any],
    cases: Any, child_id: int | None,
) -> models.QuerySet[Any]:  # fmt: skip
    """Keep to the cases in the export and, for a child's inzage, to that child."""
    for model_field in model._meta.concrete_fields:
        if not model_field.is_relation or model_field is via:
            continue
        target = model_field.related_model
        if target is Case:
            queryset = queryset.filter(
                Q(**{f"{model_field.name}__in": cases}) | Q(**{f"{model_field.name}__isnull": True})
            )
        elif target is Child and child_id is not None:
            queryset = queryset.filter(
                Q(**{model_field.name: child_id}) | Q(**{f"{model_field.name}__isnull": True})
            )
    return queryset


def _narrowed(
    related: type[models.Model], via: models.Field[Any, Any], among: Any, cases: Any,
    child_id: int | None,
) -> models.QuerySet[Any]:  # fmt: skip
    """The records of one kind hanging on `among` through `via`, narrowed to the export."""
    queryset = related._default_manager.filter(**{f"{via.name}__in": among})
    if related is Case:
        queryset = queryset.filter(pk__in=cases)
    elif related is Child and child_id is not None:
        queryset = queryset.filter(id=child_id)
    return _narrow(queryset, related, via, cases, child_id)


class _AsJSON(Func):
    """A JSON column as JSON inside another JSON value (SQLite keeps it as text)."""

    function = "JSON"
    output_field = models.JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return compiler.compile(self.source_expressions[0])


#: The kinds of column `_loaded` turns back from JSON into what the ORM reads.
_LOADED_TYPES = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DateTimeField", "DecimalField", "EmailField", "ForeignKey", "IntegerField", "JSONField",
    "OneToOneField", "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField",
    "SmallIntegerField", "TextField", "URLField",
})  # fmt: skip


def _payload(model: type[models.Model]) -> JSONObject:
    """Every stored column of a record as one JSON object, by attribute name: records of
    many kinds then travel in one query (one per depth of the walk, issue 17: a query per
    kind made an inzage 27 queries). A decimal as text, so that it keeps its digits."""
    columns: dict[str, Any] = {}
    for model_field in model._meta.concrete_fields:
        kind = model_field.get_internal_type()
        if kind not in _LOADED_TYPES:
            raise TypeError(f"the inzage cannot read {model._meta.label}.{model_field.name}")
        column: Any = F(model_field.attname)
        if kind == "DecimalField":
            column = Cast(column, models.TextField())
        elif kind == "JSONField":
            column = _AsJSON(column)
        columns[model_field.attname] = column
    return JSONObject(**columns)


def _loaded(model_field: models.Field[Any, Any], value: Any) -> Any:
    """A column's value from `_payload` as the ORM reads it from its column."""
    if value is None or isinstance(model_field, models.JSONField):
        return value
    value = model_field.to_python(value)
    if isinstance(model_field, models.DateTimeField):  # in UTC, as the ORM reads it
        if timezone.is_naive(value):
            return value.replace(tzinfo=datetime.UTC)  # SQLite keeps UTC without its zone
        return value.astimezone(datetime.UTC)
    if isinstance(model_field, models.DecimalField):
        return value.quantize(decimal.Decimal(1).scaleb(-(model_field.decimal_places or 0)))
    return value


def _instance(model: type[models.Model], payload: dict[str, Any], using: str) -> models.Model:
    fields = model._meta.concrete_fields
    values = [_loaded(f, payload[f.attname]) for f in fields]
    return model.from_db(using, [f.attname for f in fields], values)


@dataclass(frozen=True)
class _Kind:
    """Records of one model to read: those `query(among, **narrowing)` finds among `ids`
    (hanging on them by the field `via`, or None: theirs); `name` names the query in the
    compiled SQL's key."""

    model: type[models.Model]
    ids: list[Any]
    query: Callable[..., models.QuerySet[Any]]
    name: tuple[str, ...]
    via: Any = None


def _read_kinds(kinds: list[_Kind], narrowing: dict[str, Any]) -> list[list[models.Model]]:
    """The records of each kind in one query, a UNION of their records as JSON; per kind,
    by primary key. On PostgreSQL with SQL compiled once per list of kinds
    (kansrijk.compiled, each kind's ids one array parameter); `narrowing`: the cases in the
    export and the child, which the queries name (`_held`)."""
    using = kinds[0].model._default_manager.db

    def build(**values: Any) -> models.QuerySet[Any]:
        number: models.IntegerField[int, int] = models.IntegerField()
        queries = [
            kind.query(values[f"among{i}"], **values)
            .order_by()
            .values_list(Value(i, output_field=number), _payload(kind.model))
            for i, kind in enumerate(kinds)
        ]
        return queries[0].union(*queries[1:], all=True)

    if connections[using].vendor == "postgresql":
        values = {f"among{i}": ids_in(kind.ids) for i, kind in enumerate(kinds)}
        if "cases" in narrowing:
            values["cases"] = ids_in(narrowing["cases"])
        if "child_id" in narrowing:
            values["child_id"] = narrowing["child_id"]
        key = ("inzage", tuple(kind.name for kind in kinds), *sorted(narrowing))
        rows = fetch(key, using, build, **values)
    else:
        rows = list(build(**{f"among{i}": kind.ids for i, kind in enumerate(kinds)}, **narrowing))
    found: list[list[models.Model]] = [[] for _kind in kinds]
    for number, payload in rows:
        found[number].append(_instance(kinds[number].model, payload, using))
    for records in found:
        records.sort(key=lambda obj: obj.pk)
    return found


def _walked(model: type[models.Model]) -> list[Any]:
    """The reverse relations of `model` the walk follows."""
    return [
        relation
        for relation in model._meta.related_objects
        if not relation.many_to_many
        and not relation.hidden
        and relation.related_model._meta.label_lower not in NOT_FAMILY_DATA  # type: ignore[union-attr]
        and relation.related_model is not AccessLogEntry
    ]


def _depth(
    depth: list[tuple[type[models.Model], list[Any]]], case_ids: list[int], child: Child | None
) -> list[tuple[type[models.Model], list[models.Model]]]:
    """The records hanging on one depth of the walk (per model its records' ids), per
    relation the walk follows, in one query."""
    kinds = [
        _Kind(relation.related_model, ids, functools.partial(_hanging, relation),
              (relation.related_model._meta.label_lower, relation.field.name), relation.field)
        for model, ids in depth
        for relation in _walked(model)
    ]  # fmt: skip
    if not kinds:
        return []
    narrowing: dict[str, Any] = {"cases": case_ids}
    if child is not None:
        narrowing["child_id"] = child.pk
    found = _read_kinds(kinds, _held(narrowing, kinds))
    return [(kind.model, records) for kind, records in zip(kinds, found, strict=True)]


def _hanging(
    relation: Any, among: Any, cases: Any = None, child_id: int | None = None, **_ids: Any
) -> models.QuerySet[Any]:
    return _narrowed(relation.related_model, relation.field, among, cases, child_id)


def _by_key(model: type[models.Model], among: Any, **_narrowing: Any) -> models.QuerySet[Any]:
    return model._base_manager.filter(pk__in=among)


def _held(narrowing: dict[str, Any], kinds: list[_Kind]) -> dict[str, Any]:
    """The narrowing values the kinds' queries hold (a stand-in a query does not hold
    cannot be compiled, kansrijk.compiled): the cases where one refers to a case, the
    child where one refers to a child."""
    held = {kind.model for kind in kinds} | {
        f.related_model
        for kind in kinds
        for f in kind.model._meta.concrete_fields
        if f.is_relation and f is not kind.via
    }
    return {
        name: value
        for name, value in narrowing.items()
        if (Case if name == "cases" else Child) in held
    }


def _refer(known: dict[tuple[type[models.Model], Any], models.Model]) -> None:
    """Give every record the records it refers to, as select_related would: those of the
    walk as read, the others (professionals, organisations, meetings …) read in one query."""
    missing: dict[type[models.Model], set[Any]] = defaultdict(set)
    for (model, _pk), obj in known.items():
        for reference, target in _references(model):
            pointed = getattr(obj, reference.attname)
            if pointed is not None and (target, pointed) not in known:
                missing[target].add(pointed)
    if missing:
        kinds = [
            _Kind(model, sorted(ids), functools.partial(_by_key, model), (model._meta.label_lower,))
            for model, ids in sorted(missing.items(), key=lambda item: item[0]._meta.label_lower)
        ]  # fmt: skip
        for kind, records in zip(kinds, _read_kinds(kinds, {}), strict=True):
            known.update(((kind.model, obj.pk), obj) for obj in records)
    for (model, _pk), obj in known.items():
        for reference, target in _references(model):
            pointed = getattr(obj, reference.attname)
            if pointed is None:
                reference.set_cached_value(obj, None)
            elif (target, pointed) in known:
                reference.set_cached_value(obj, known[(target, pointed)])


@functools.cache
def _references(
    model: type[models.Model],
) -> list[tuple[models.ForeignKey[Any, Any], type[models.Model]]]:
    """The model's references to another record's primary key, each with that model."""
    return [
        (f, cast(type[models.Model], f.related_model))
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.target_field.primary_key
    ]


def collect(subject: Subject, case_ids: list[int]) -> dict[str, Section]:
    """Every record reachable from the family through reverse relations, grouped by kind:
    read a depth of the walk at a time (the family; its children, guardians and cases; what
    hangs on those …), one query each, and the records they refer to in one more."""
    family, child = subject.family, subject.child
    read: dict[str, list[models.Model]] = {Family._meta.label_lower: [family]}
    known: dict[tuple[type[models.Model], Any], models.Model] = {(Family, family.pk): family}
    depth: list[tuple[type[models.Model], list[Any]]] = [(Family, [family.pk])]
    while depth:
        next_depth = []
        for related, records in _depth(depth, case_ids, child):
            new = [obj for obj in records if (related, obj.pk) not in known]
            if not new:
                continue
            read.setdefault(related._meta.label_lower, []).extend(new)
            known.update(((related, obj.pk), obj) for obj in new)
            next_depth.append((related, [obj.pk for obj in new]))
        depth = next_depth
    _refer(known)
    sections: dict[str, Section] = {}
    for label, records in read.items():
        section = sections[label] = _section(type(records[0]))
        section.rows = [_record(obj) for obj in records]
    children = [obj for obj in read.get(Child._meta.label_lower, []) if isinstance(obj, Child)]
    registrations = _registrations(subject, children)
    if registrations.rows:
        sections[registrations.label] = registrations
    return sections


def _registrations(subject: Subject, read: list[Child]) -> Section:
    """Which organisations registered involvement with the children in the match register
    (found by the keyed hash of the BSN, not by a relation; kansrijk.matches); `read`: the
    family's children as the walk read them."""
    from django.utils.translation import gettext as _

    from kansrijk.matches.selectors import family_registrations

    children = [subject.child] if subject.child else read
    section = Section(
        label="matches.involvement",
        title=_("Registrations in the match register"),
        fields=[
            ("child", _("child")), ("organisation", _("organisation")),
            ("started_on", _("start date")), ("ended_on", _("end date")),
        ],
    )  # fmt: skip
    section.rows = [
        {
            "child": row.child,
            "organisation": row.organisation,
            "started_on": row.started_on.isoformat(),
            "ended_on": row.ended_on.isoformat() if row.ended_on else None,
        }
        for row in family_registrations(children)
    ]
    return section


def _access_log(
    subject: Subject, case_ids: list[int], everything: bool
) -> Iterator[dict[str, Any]]:
    """The entries about the subject (about the exported cases or none, unless
    `everything`); a list read names the family's own cases, family and children it showed,
    and how many the list held, never the others on it (audit.listed).

    A family in care for years is in tens of thousands of entries (every list that showed
    its case): only the moment needs converting (the other fields are text and numbers), in
    the zone looked up once. Converting every field of every row, each moment looking up the
    zone again, cost a family of 94,439 entries 3 s of CPU in the request (issue 17). The
    entries are read as a union (`rows_about`)."""
    ids = family_ids(subject.family)
    within = None if everything else Q(case_id__in=case_ids) | Q(case_id__isnull=True)
    own = {
        "cases": ids.cases if everything else case_ids,
        "families": [subject.family.pk],
        "children": ids.children,
    }
    zone = timezone.get_current_timezone()
    for row in rows_about(subject, ACCESS_LOG_FIELDS, ids=ids, within=within):
        if row["event"] == Event.LIST:
            row["detail"], named = for_the_family(row["detail"], **own)
            if not named:
                continue  # it listed only a case of the family this export does not hold
        row["at"] = row["at"].astimezone(zone).isoformat()  # as _value writes a moment
        yield row


def subject_of(*, family_id: int | None = None, child_id: int | None = None) -> Subject:
    if child_id is not None:
        child = Child.objects.select_related("family").filter(pk=child_id).first()
        if child is None:
            raise NotFound
        return Subject(child.family, child)
    family = Family.objects.filter(pk=family_id).first() if family_id is not None else None
    if family is None:
        raise NotFound
    return Subject(family)


def exportable_cases(by: Professional, subject: Subject) -> tuple[list[int], str]:
    """The cases this user may export for the subject, and the rule that allows it."""
    ids: dict[str, Any] = {"family": subject.family.pk}  # and the child's, when a child's
    if subject.child is not None:
        ids["child"] = subject.child.pk
    if may_export_every_case(by):
        every = _subject_cases(**ids).values_list("id", flat=True)
        return sorted(every), "privacy officer (explicit rule)"
    # With the plan PostgreSQL keeps (kansrijk.plans): planning the access filter cost 2 ms,
    # the kept plan runs in 0.1 (region at 1.0, plan check).
    rows = compiled_list(
        by, Action.EXPORT, ("inzage cases", "child" in ids),
        lambda uid, visible, **of: _subject_cases(**of).filter(visible("pk")).values_list("id"),
        per_user=False, plan=GENERIC, **ids,
    )  # fmt: skip
    allowed = sorted(pk for (pk,) in rows)
    if not allowed:
        raise NotFound
    return allowed, "case matrix: export"


def _subject_cases(family: int, child: int | None = None) -> models.QuerySet[Case]:
    """The family's cases; of a child, those a signal about the child opened or joined."""
    cases = Case.objects.filter(family=family)
    return cases if child is None else cases.filter(signals__child=child).distinct()


def inzage_export(
    *, by: Professional, family_id: int | None = None, child_id: int | None = None,
    form: str = "json",
) -> Inzage:  # fmt: skip
    """Everything kept about the family or child that `by` may export; the export is logged."""
    subject = subject_of(family_id=family_id, child_id=child_id)
    case_ids, rule = exportable_cases(by, subject)
    log_access(
        by=by, event=Event.EXPORT, purpose=PURPOSE, family_id=subject.family.pk,
        child_id=subject.child.pk if subject.child else None,
        case_id=case_ids[0] if len(case_ids) == 1 else None,
        detail=f"inzage {form}; rule: {rule}; cases {case_ids}",
    )  # fmt: skip
    officer = rule.startswith("privacy officer")
    return Inzage(
        subject=subject,
        generated_at=timezone.now(),
        generated_by=by.get_username(),
        rule=rule,
        case_ids=case_ids,
        sections=collect(subject, case_ids),
        access_log=LogRows(functools.partial(_access_log, subject, case_ids, officer)),
    )


def render_pdf(inzage: Inzage) -> bytes:
    """The inzage as a PDF document (WeasyPrint), for handing to the family."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "privacy/inzage_pdf.html", {"inzage": inzage, "log": inzage.log_digest()}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# --- the family's own request, in the portal (kansrijk.portal) ------------------------------

#: Never in the portal, also not in the family's own export: the safety route (meldcode
#: steps, the Veilig Thuis report, non-response flags, break-the-glass), which is given on
#: request through the privacy officer, who weighs the exceptions (UAVG art. 41).
PORTAL_WITHHELD_APPS = frozenset({"safety"})
PORTAL_WITHHELD_PURPOSES = (
    "meldcode", "non-response", "vulnerable families", "break the glass",
    "disclosure on legal ground: meldcode",
)  # fmt: skip


def _portal_rows(label: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leave out what the portal never shows: young people's own threads, meldcode grounds."""
    if label == "portal.message":
        return [r for r in rows if r.get("young_person") is None]
    if label == "consent.legalground":
        return [r for r in rows if r.get("ground") != "meldcode"]
    return rows


def inzage_for_family(*, guardian: Any, form: str = "json") -> Inzage:
    """Everything kept about the guardian's family, for the guardian (with parental
    authority, else NotFound) in the portal; the export is logged with the guardian as
    actor."""
    if not guardian.parental_authority:
        raise NotFound
    subject = Subject(guardian.family)
    case_ids = sorted(Case.objects.filter(family=guardian.family_id).values_list("id", flat=True))
    rule = "family portal: guardian with parental authority"
    log_access(
        by=None, guardian=guardian, event=Event.EXPORT, purpose=PURPOSE,
        family_id=guardian.family_id, case_id=case_ids[0] if len(case_ids) == 1 else None,
        detail=f"inzage {form}; rule: {rule}; cases {case_ids}",
    )  # fmt: skip
    sections = {
        label: Section(s.label, s.title, s.fields, _portal_rows(label, s.rows))
        for label, s in collect(subject, case_ids).items()
        if label.split(".")[0] not in PORTAL_WITHHELD_APPS
    }

    def log() -> Iterator[dict[str, Any]]:
        for row in _access_log(subject, case_ids, everything=False):
            if not str(row.get("purpose", "")).startswith(PORTAL_WITHHELD_PURPOSES):
                yield row

    return Inzage(
        subject=subject,
        generated_at=timezone.now(),
        generated_by=str(guardian),
        rule=rule,
        case_ids=case_ids,
        sections={k: v for k, v in sections.items() if v.rows},
        access_log=LogRows(log),
    )
