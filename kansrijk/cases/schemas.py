"""What the case API accepts and answers (django-ninja schemas).

Input types are strict about what the database would refuse, so bad input is a 422 and
never a 500: ids fit a 64-bit key, text has no NUL byte (PostgreSQL refuses it) and no
more characters than the column holds, dates and times stay within a sane range (an
aware datetime near year 1 or 9999 overflows when converted to UTC).
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.conf import settings
from django.utils import timezone
from ninja import Field, Query, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, create_model

from kansrijk.cases.models import FamilyContact, Signal
from kansrijk.cases.workflow import BY_NAME, TRANSITIONS, Input, Kind, all_inputs

MAX_ID = 2**63 - 1
MAX_OFFSET = 1_000_000
#: The paging parameters of every paged list of the API.
Limit = Query(50, ge=1, le=200, description="At most this many items.")
Offset = Query(0, ge=0, le=MAX_OFFSET, description="Skip this many items.")
#: The longest free text (notes, comments, descriptions) the API takes; TextFields have no limit.
MAX_TEXT = 10_000
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)
NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _sane_date(value: datetime.date) -> datetime.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"Date must lie between {EARLIEST} and {LATEST}.")
    return value


def _sane_datetime(value: datetime.datetime) -> datetime.datetime:
    """Naive times are read as Amsterdam time, as a person in the Westwijk means them."""
    _sane_date(value.date())
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return value


SaneDate = Annotated[datetime.date, AfterValidator(_sane_date)]
SaneDateTime = Annotated[datetime.datetime, AfterValidator(_sane_datetime)]
Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=NO_NUL)]
RequiredText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=NO_NUL)]
#: Goal.text and PlanAction.description are 500 characters.
Line500 = Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]
Line200 = Annotated[str, Field(max_length=200, pattern=NO_NUL)]
#: Documented as an enum; any other name is refused by the route itself (409, "Unknown step").
TransitionName = Annotated[
    str, Field(max_length=40, pattern=NO_NUL, json_schema_extra={"enum": sorted(BY_NAME)})
]


class Strict(Schema):
    """Input schemas refuse unknown fields, so a typo is a 422 rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


# --- problems ---------------------------------------------------------------------------------


class ProblemError(Schema):
    loc: list[str]
    msg: str
    type: str


class Problem(Schema):
    """RFC 9457 problem details; `errors` lists the fields of a 422."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemError] | None = None
    field: str | None = None


# --- shared parts -----------------------------------------------------------------------------


class Out(BaseModel):
    """A part of a response the API writes as a dict, validated by pydantic alone: ninja's
    `Schema` wraps every input, and every nested part, in its DjangoGetter for the ORM's
    objects, and each value then passes through Python (issue 17: a fifth of the case list's
    CPU). Objects are read by their attributes, as a `Schema` reads them."""

    model_config = ConfigDict(from_attributes=True)


class LocationOut(Out):
    id: int
    name: str


class ChildOut(Out):
    """At SUMMARY level only the first name and group; the rest needs the full file."""

    given_name: str
    group: str
    family_name: str | None = None
    date_of_birth: datetime.date | None = None


class GuardianOut(Schema):
    id: int
    name: str
    relation: str
    parental_authority: bool


class CaseItem(Out):
    id: int
    state: str
    state_label: str
    priority: int
    priority_label: str
    route: str
    route_label: str
    location: LocationOut
    contact_person: str
    children: list[ChildOut]
    last_step_at: datetime.datetime
    stalled: bool


class CasePage(Out):
    count: int
    limit: int
    offset: int
    items: list[CaseItem]


class StepOut(Schema):
    id: int
    transition: str
    from_state: str
    to_state: str
    by: str
    role: str
    at: datetime.datetime
    comment: str
    data: dict[str, Any]


class NoteOut(Schema):
    id: int
    text: str
    author: str
    created_at: datetime.datetime


class FamilyContactOut(Schema):
    id: int
    channel: str
    channel_label: str
    summary: str
    happened_at: datetime.datetime
    by: str


class StepPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[StepOut]


class NotePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NoteOut]


class FamilyContactPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FamilyContactOut]


class CaseSignalOut(Schema):
    id: int
    child: str = Field(description="The child's given name.")
    domain: str
    domain_label: str
    urgency: str
    urgency_label: str
    created_at: datetime.datetime
    description: str | None = Field(
        None, description="What the signaller wrote: only with the full file, or to its author."
    )
    author: str | None = None


class CaseDetail(CaseItem):
    outcome: str
    outcome_label: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    full: bool = Field(description="True when the user may read the whole file.")
    signals: list[CaseSignalOut] = Field(default_factory=list)
    guardians: list[GuardianOut] | None = None
    notes: list[NoteOut] | None = None
    family_contacts: list[FamilyContactOut] | None = None
    steps: list[StepOut] | None = None


class TransitionOut(Schema):
    name: str
    label: str
    target: str
    target_label: str


def _input_type(item: Input) -> Any:
    if item.kind in {Kind.GUARDIAN, Kind.ORGANISATION, Kind.PROFESSIONAL}:
        return Id
    if item.kind == Kind.FLAG:
        return bool
    if item.kind == Kind.DATE:
        return Annotated[datetime.date, AfterValidator(_sane_date)]
    if item.kind in {Kind.LINE, Kind.TEXT}:
        return Annotated[
            str,
            Field(min_length=1 if item.required else 0, max_length=item.max_length, pattern=NO_NUL),
        ]
    return Literal[tuple(value for value, _label in item.choices)]


def _transition_data() -> type[Strict]:
    """What steps need besides their name, derived from the rows' inputs (cases.workflow)."""
    fields: dict[str, Any] = {}
    for item in all_inputs(TRANSITIONS):
        used_by = "/".join(t.name for t in TRANSITIONS if item in t.inputs)
        fields[item.name] = (
            _input_type(item) | None,
            Field(None, description=f"{used_by}: {item.label}"),
        )
    return create_model("TransitionData", __base__=Strict, **fields)


if TYPE_CHECKING:

    class TransitionData(Strict):
        """Built from the rows at import time (below)."""

else:
    TransitionData = _transition_data()


def transition_data_help() -> str:
    """The API's description of what `data` each step needs, from the rows."""
    parts = []
    for t in TRANSITIONS:
        asked = [f"`{i.name}`" + ("" if i.required else " (optional)") for i in t.inputs]
        if t.comment is not None and t.comment.required:
            asked.append("a `comment`")
        if asked:
            parts.append(f"`{t.name}`: " + ", ".join(asked))
    return "; ".join(parts)


class TransitionIn(Strict):
    name: TransitionName
    comment: Text = ""
    data: TransitionData = Field(default_factory=lambda: TransitionData.model_validate({}))


# --- plans ------------------------------------------------------------------------------------


class PlanActionIn(Strict):
    description: Line500
    owner_id: Id | None = None
    due_date: SaneDate | None = None


class PlanIn(Strict):
    summary: Text = ""
    evaluation_date: SaneDate | None = None
    goals: list[Line500] = Field(..., min_length=1, max_length=50)
    actions: list[PlanActionIn] = Field(default_factory=list, max_length=100)


class PlanActionOut(Schema):
    id: int
    description: str
    owner_id: int | None
    owner: str | None
    due_date: datetime.date | None
    done: bool


class GoalOut(Schema):
    id: int
    text: str


class PlanOut(Schema):
    id: int
    number: int
    summary: str
    evaluation_date: datetime.date | None
    created_by: str
    created_at: datetime.datetime
    goals: list[GoalOut]
    actions: list[PlanActionOut]


# --- notes and contacts -----------------------------------------------------------------------


class NoteIn(Strict):
    text: RequiredText


class FamilyContactIn(Strict):
    channel: FamilyContact.Channel
    summary: RequiredText
    happened_at: SaneDateTime | None = None


# --- signals ----------------------------------------------------------------------------------


class SignalIn(Strict):
    child_id: Id
    domain: Signal.Domain
    urgency: Signal.Urgency = Signal.Urgency.NORMAL
    description: RequiredText
    safety_concern: bool = Field(
        False, description="Concerns about safety at home: P1 on the safety route."
    )
    parents_agree: bool = Field(
        False,
        description="Childcare: the parents agree that the signal goes to the CJG and the "
        "district team (required for a toddler's signal without safety concerns).",
    )


class SignalCreated(Schema):
    id: int
    case_id: int
    case_state: str


class SignalCase(Schema):
    id: int
    state: str
    state_label: str
    contact_person: str


class SignalChild(Schema):
    id: int
    given_name: str
    group: str


class SignalOut(Schema):
    id: int
    child: SignalChild
    domain: str
    domain_label: str
    urgency: str
    urgency_label: str
    description: str
    created_at: datetime.datetime
    case: SignalCase


class SignalPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SignalOut]


class PupilOut(Schema):
    id: int
    given_name: str
    family_name: str
    group: str
    location: LocationOut


class PupilPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PupilOut]


class CsrfOut(Schema):
    csrf_token: str


class ReferralOut(Schema):
    id: int
    case_id: int
    location: LocationOut
    organisation: str
    target: str
    target_label: str
    created_at: datetime.datetime
    answer: Literal["pending", "accepted", "returned"]
    answer_label: str
    answer_reason: str
    answered_at: datetime.datetime | None = None


class ReferralPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralOut]


class ReferralAnswerIn(Strict):
    answer: Literal["accept", "return"]
    reason: Annotated[str, Field(max_length=4000, pattern=NO_NUL)] = ""
