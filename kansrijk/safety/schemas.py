"""What the safety API accepts and answers (django-ninja schemas); strict like cases.schemas."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from kansrijk.cases.schemas import NO_NUL, Id, RequiredText, SaneDate, Strict, Text
from kansrijk.safety.models import ContactAttempt, Decision, EmergencyAccess

YesNo = Literal["yes", "no"]
Line100 = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
Line300 = Annotated[str, Field(min_length=1, max_length=300, pattern=NO_NUL)]
Line450 = Annotated[str, Field(min_length=1, max_length=450, pattern=NO_NUL)]
Line500 = Annotated[str, Field(max_length=500, pattern=NO_NUL)]
Bsn = Annotated[str, Field(min_length=9, max_length=9, pattern=r"^[0-9]{9}$")]


class StepData(Strict):
    colleague: Annotated[str, Field(max_length=200, pattern=NO_NUL)] | None = Field(
        None, description="Step 2: the colleague consulted."
    )
    veilig_thuis_advice: bool | None = Field(
        None, description="Step 2: Veilig Thuis was asked for advice."
    )
    parents: bool | None = Field(None, description="Step 3: talked with the parents.")
    child: bool | None = Field(None, description="Step 3: talked with the child.")
    q1: YesNo | None = Field(
        None, description="Step 4: suspicion of domestic violence or child abuse?"
    )
    q2: YesNo | None = Field(
        None, description="Step 4: acute or structural unsafety? (yes: report at once)"
    )
    q3: YesNo | None = Field(None, description="Step 4: able to offer or organise sufficient help?")
    q4: YesNo | None = Field(None, description="Step 4: do the parties accept the help?")
    q5: YesNo | None = Field(None, description="Step 4: does the help lead to the result in time?")
    decision: Decision | None = Field(None, description="Step 5: report, help or both.")


class StepIn(Strict):
    number: int = Field(..., ge=1, le=5, description="The step, 1-5, in order.")
    summary: RequiredText
    data: StepData = Field(default_factory=lambda: StepData.model_validate({}))


class ReportIn(Strict):
    reported_on: SaneDate
    reference: Line100
    note: Text = ""


class MeldcodeStepOut(Schema):
    number: int
    label: str
    by: str
    role: str
    at: datetime.datetime
    summary: str | None = None
    data: dict[str, Any] | None = None


class VeiligThuisReportOut(Schema):
    id: int
    reported_on: datetime.date
    reported_by: str
    reference: str | None = None
    acute: bool


class MeldcodeOut(Schema):
    id: int
    case_id: int
    open: bool
    next_step: int | None
    acute: bool
    report_due: bool
    decision: str
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    steps: list[MeldcodeStepOut]
    report: VeiligThuisReportOut | None = None


class OfficerIn(Strict):
    officer_id: Id
    reason: Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]


class CaseMemberOut(Schema):
    case_id: int
    professional: str
    role: str
    reason: str
    added_at: datetime.datetime


class AttemptIn(Strict):
    child_id: Id
    kind: ContactAttempt.Kind
    happened_on: SaneDate | None = None
    note: Line500 = ""


class AttemptCreated(Schema):
    id: int
    family_flagged: bool
    unanswered_attempts: int


class AttemptOut(Schema):
    id: int
    kind: str
    kind_label: str
    happened_on: datetime.date
    child: str
    by: str
    note: str


class FlagOut(Schema):
    id: int
    family: str
    location: str
    flagged_at: datetime.datetime
    attempts: list[AttemptOut]


class ResolveIn(Strict):
    resolution: Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]


class VulnerableIn(Strict):
    bsn: Bsn
    source: Line100
    reason: Line300


class VulnerableOut(Schema):
    id: int
    family: str
    source: str
    reason: str
    added_by: str
    added_at: datetime.datetime
    case_id: int | None = Field(None, description="Only when your role may see the case.")
    case_state: str | None = Field(None, description="Only when your role may see the case.")
    approach: str = ""
    owner: str | None = None
    review_on: datetime.date | None = None
    closed_at: datetime.datetime | None = None
    close_reason: str = ""


class EmergencyIn(Strict):
    bsn: Bsn
    reason: Line450


class EmergencyOut(Schema):
    id: int
    case_id: int
    reason: str
    granted_at: datetime.datetime
    expires_at: datetime.datetime
    user: str
    review: str


class ReviewIn(Strict):
    outcome: EmergencyAccess.Review
    note: Line500 = ""
