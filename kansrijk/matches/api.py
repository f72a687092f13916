"""The match register over HTTP, for partner systems (a token with `involvement:write` or
`matches:read`) and professionals (the session): register and end the organisation's
involvement, list its matches, record who leads. Only what the register holds: the other
side's organisation and contact, never a child's name or the reason."""

from __future__ import annotations

import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from kansrijk.audit.models import Event
from kansrijk.audit.paging import logged_page
from kansrijk.audit.services import log_access
from kansrijk.cases.schemas import MAX_ID, Limit, Offset
from kansrijk.core.models import Professional
from kansrijk.matches import selectors, services
from kansrijk.matches.models import Involvement, Match

router = Router(tags=["matches"])
PURPOSE = services.PURPOSE


class InvolvementIn(Schema):
    bsn: str = Field(..., min_length=1, max_length=20, description="The child's BSN; the "
                     "register keeps only a keyed hash of it.")  # fmt: skip
    contact_name: str = Field(..., min_length=1, max_length=200)
    contact_phone: str = Field("", max_length=30)
    contact_email: str = Field("", max_length=254)
    reference: str = Field(
        "",
        max_length=100,
        description="Your own file number, so that your contact knows which child a match is "
        "about; never the reason.",
    )
    started_on: datetime.date | None = Field(None, description="Default: today.")


class InvolvementOut(Schema):
    id: int
    organisation: str
    reference: str
    started_on: datetime.date
    ended_on: datetime.date | None
    matches: int = Field(0, description="Matches this registration is part of.")


class InvolvementPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InvolvementOut]


class EndIn(Schema):
    ended_on: datetime.date | None = Field(None, description="Default: today.")


class OtherSide(Schema):
    organisation: str
    contact: str


class MatchOut(Schema):
    id: int
    created_at: datetime.datetime
    your_reference: str
    other: OtherSide
    lead_by_you: Literal["us", "them", ""]
    lead_by_them: Literal["us", "them", ""]
    lead_agreed: bool


class MatchPage(Schema):
    count: int
    items: list[MatchOut]


class LeadIn(Schema):
    lead: Literal["us", "them"] = Field(..., description="Who leads, as your side sees it.")


def _user(request: HttpRequest) -> Professional:
    return cast(Professional, request.auth)  # type: ignore[attr-defined]


def _involvement(row: Involvement, matches: int = 0) -> dict[str, Any]:
    return {
        "id": row.pk,
        "organisation": row.organisation.name,
        "reference": row.reference,
        "started_on": row.started_on,
        "ended_on": row.ended_on,
        "matches": matches,
    }


def _side(choice: str, mine: str) -> str:
    if not choice:
        return ""
    return "us" if choice == mine else "them"


def _match(match: Match, organisations: set[int]) -> dict[str, Any]:
    first_side = match.first.organisation_id in organisations
    mine, other = (match.first, match.second) if first_side else (match.second, match.first)
    my_side = Match.Side.FIRST if first_side else Match.Side.SECOND
    by_me = match.lead_by_first if first_side else match.lead_by_second
    by_them = match.lead_by_second if first_side else match.lead_by_first
    # "us"/"them" as the caller reads it: their side's choice and the other side's choice.
    return {
        "id": match.pk,
        "created_at": match.created_at,
        "your_reference": mine.reference,
        "other": {"organisation": other.organisation.name, "contact": other.contact_label},
        "lead_by_you": _side(by_me, my_side),
        "lead_by_them": _side(by_them, my_side),
        "lead_agreed": match.agreed_lead is not None,
    }


@router.post(
    "/involvements",
    response={201: InvolvementOut},
    summary="Register your organisation's involvement with a child",
    description="Registers that your organisation is involved with the child of this BSN, "
    "from `started_on`, with a contact. The register stores no BSN and no reason. When another "
    "organisation is involved with the same child, both contacts are told each other's name "
    "and organisation. Registering twice answers the active registration.",
)
def register(request: HttpRequest, body: InvolvementIn) -> Any:
    row = services.involvement_register(
        by=_user(request),
        bsn=body.bsn,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        contact_email=body.contact_email,
        reference=body.reference,
        started_on=body.started_on,
    )
    count = Match.objects.filter(first=row).count() + Match.objects.filter(second=row).count()
    return Status(201, _involvement(row, count))


@router.get(
    "/involvements",
    response=InvolvementPage,
    summary="Your organisation's registrations",
    description="Newest first; ended registrations until they are removed (5 years).",
)
def involvements(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    user = _user(request)
    return logged_page(
        selectors.involvements_of(user).select_related("organisation"),
        limit=limit,
        offset=offset,
        by=user,
        purpose=PURPOSE,
        what="api registrations",
        ids="registrations",
        shape=lambda rows: [_involvement(row) for row in rows],
    )


@router.post(
    "/involvements/{involvement_id}/end",
    response=InvolvementOut,
    summary="End your organisation's involvement",
    description="The registration ends (no new matches) and is removed 5 years later.",
)
def end(
    request: HttpRequest,
    body: EndIn,
    involvement_id: int = Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    row = services.involvement_end(
        by=_user(request), involvement_id=involvement_id, ended_on=body.ended_on
    )
    return _involvement(row)


@router.get(
    "/",
    response=MatchPage,
    summary="Your organisation's matches",
    description="Each match names the other organisation and its contact, and who leads as "
    "each side recorded it; newest first.",
)
def matches(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    user = _user(request)
    organisations = selectors.acting_organisations(user)
    rows = selectors.matches_of(user)
    count = rows.count()
    items = [_match(m, organisations) for m in rows[offset : offset + limit]]
    log_access(by=user, event=Event.LIST, purpose=PURPOSE, detail=f"{len(items)} matches")
    return {"count": count, "items": items}


@router.post(
    "/{match_id}/lead",
    response=MatchOut,
    summary="Record who leads",
    description="Your side's view of who is the family's one contact (seed 003): `us` or "
    "`them`. The lead is agreed when both sides named the same organisation.",
)
def lead(
    request: HttpRequest, body: LeadIn, match_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    user = _user(request)
    match = services.match_record_lead(by=user, match_id=match_id, lead_is_us=body.lead == "us")
    match = selectors.matches_of(user).get(pk=match.pk)
    return _match(match, selectors.acting_organisations(user))
