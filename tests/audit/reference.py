"""The entries about a subject as one filter, the OR of `audit.selectors.about`'s
conditions: what the officer's pages (`NewestFirst`) and the inzage (`rows_about`) must
find, each read as a union of the conditions instead."""

from __future__ import annotations

import functools
import operator

from django.db.models import QuerySet

from kansrijk.audit.models import AccessLogEntry
from kansrijk.audit.selectors import FamilyIds, Narrowing, Subject, about


def entries_about(
    subject: Subject, *, narrowing: Narrowing | None = None, ids: FamilyIds | None = None
) -> QuerySet[AccessLogEntry]:
    """The access-log entries about the subject as one filter, narrowed, newest first."""
    condition = functools.reduce(operator.or_, about(subject, ids))
    narrowing = narrowing or Narrowing()
    return narrowing.apply(AccessLogEntry.objects.filter(condition)).order_by("-id")
