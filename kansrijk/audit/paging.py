"""One page of an API list, its read logged: the idiom every paged list operation shares.

A page answers `{count, limit, offset, items}`; the log names the page's place and the ids it
showed, so an auditor sees which children a caller saw, not only that a list was read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access

if TYPE_CHECKING:
    from kansrijk.core.models import Professional

T = TypeVar("T", bound=Model)


def logged_page(
    rows: QuerySet[T],
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
    """Count `rows`, read `limit` of them from `offset`, log it and answer the page.

    `what` opens the log's detail, `ids` names the listed ids in it (`ids=""` leaves them out,
    e.g. for pupils nobody has chosen yet); `where` carries the log's case and family.
    `shape` turns the page's objects into the answer's items, all at once so that it can read
    what the page needs in one query.
    """
    count = rows.count()
    items = list(rows[offset : offset + limit])
    detail = f"{what} offset={offset} count={count}"
    if ids:
        detail += f" {ids}={','.join(str(o.pk) for o in items) or 'none'}"
    log_access(by=by, event=event, purpose=purpose, detail=detail, **where)
    return {"count": count, "limit": limit, "offset": offset, "items": list(shape(items))}
