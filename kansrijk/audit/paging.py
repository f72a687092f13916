"""A page of an API list, its read logged with the ids shown: the idiom of every list operation.

A page answers `{count, limit, offset, items}`; the log names the page's place and the ids it
showed, so an auditor sees which children a caller saw, not only that a list was read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet

from kansrijk.audit import chain
from kansrijk.audit.models import AccessLogEntry, Event
from kansrijk.audit.services import append_all, entry_values

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

T = TypeVar("T", bound=Model)
#: What an access-log entry's detail holds.
DETAIL_LENGTH: int = AccessLogEntry._meta.get_field("detail").max_length  # type: ignore[assignment]


def logged_page(rows: QuerySet[T], *, limit: int, offset: int, **answer: Any) -> dict[str, Any]:
    """Count `rows`, read `limit` of them from `offset`, log it and answer the page
    (`answer_page`, which takes the rest of the arguments)."""
    items = list(rows[offset : offset + limit])
    return answer_page(rows.count(), items, limit=limit, offset=offset, **answer)


def answer_page(
    count: int,
    items: list[T],
    *,
    limit: int,
    offset: int,
    by: Professional,
    purpose: str,
    what: str,
    shape: Callable[[list[T]], Sequence[Any]],
    ids: str = "ids",
    event: Event = Event.LIST,
    **where: Any,
) -> dict[str, Any]:
    """Log a page of a list of `count` (`log_shown`) and answer it: `{count, limit, offset,
    items}`. The caller read the page and the count (`logged_page` from a queryset, or a
    list compiled once with its length, `cases.selectors.cases_page`).

    `what` opens the log's detail, `ids` names the listed ids in it; `where` carries the
    log's case and family.
    `shape` turns the page's objects into the answer's items, all at once so that it can read
    what the page needs in one query.
    """
    log_shown(
        items,
        by=by,
        event=event,
        purpose=purpose,
        opening=f"{what} offset={offset} count={count} {ids}=",
        **where,
    )
    return {"count": count, "limit": limit, "offset": offset, "items": list(shape(items))}


def log_shown(
    shown: Sequence[Model],
    *,
    by: Professional,
    purpose: str,
    opening: str,
    event: Event = Event.LIST,
    **where: Any,
) -> None:
    """Log that `by` was shown these objects: `opening` and their ids (`log_ids`)."""
    log_ids([o.pk for o in shown], by=by, purpose=purpose, opening=opening, event=event, **where)


def log_ids(
    ids: Sequence[object],
    *,
    by: Professional | None,
    purpose: str,
    opening: str,
    event: Event = Event.LIST,
    **where: Any,
) -> None:
    """Log that `by` was shown what these ids name (cases, families, referrals): `opening`
    and the ids, "none" for an empty list. Ids that do not fit one entry's detail go on in
    more entries ("part 2/3"), so that none is lost: every list of children is logged whole,
    however long it is. The parts share their moment and go in one INSERT."""
    parts = _parts([str(i) for i in ids], DETAIL_LENGTH - len(opening) - len(" (part 999/999)"))
    values = entry_values(by=by, event=event, purpose=purpose, **where)
    rows = []
    for number, part in enumerate(parts, start=1):
        more = f" (part {number}/{len(parts)})" if len(parts) > 1 else ""
        rows.append({**values, "detail": chain.clean_text(opening + part + more, DETAIL_LENGTH)})
    append_all(rows)  # the parts in one round trip


def _parts(ids: list[str], room: int) -> list[str]:
    """The ids, comma-separated, in as few pieces of at most `room` characters as they take:
    an entry's detail holds 500 characters, a page of 200 ids may need 1,400 (bounded lists:
    never a thousand parts)."""
    parts: list[str] = []
    current = ""
    for pk in ids:
        if current and len(current) + 1 + len(pk) > room:
            parts.append(current)
            current = pk
        else:
            current = f"{current},{pk}" if current else pk
    return [*parts, current or "none"]
