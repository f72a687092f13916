"""What users see when something fails on our side, in particular while the database is down.

Django's own handler answers a bare English "Server Error (500)", also to the API and to
/health. This handler is the last resort for every uncaught exception, raised in a view or in
a middleware (the session and the user are read from the database before any view runs). It
touches nothing that needs the database: no session, no user, no context processors.

- database unreachable (a DatabaseError but a broken constraint or a refused value): 503
  with Retry-After — it is temporary;
- anything else: 500;
- /api/…: application/problem+json; /health: its JSON; pages: a Dutch page with a way back.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, DataError, IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Seconds a client (or the load balancer) should wait before trying again during an outage.
RETRY_AFTER = 30


def is_outage(error: BaseException | None) -> bool:
    """The database cannot be reached or gave up for now (a lost connection, a deadlock):
    temporary. A broken constraint or a value the column refuses is the request's own fault
    and a bug of ours, not an outage: a second case for one family answered "database down"
    to the teacher whose signal lost the race, until the family was locked first."""
    return isinstance(error, DatabaseError) and not isinstance(error, IntegrityError | DataError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the exception being handled decides between 503 (outage) and 500."""
    outage = is_outage(sys.exc_info()[1])
    status = 503 if outage else 500
    response: HttpResponse
    if request.path == "/health":
        response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    elif request.path.startswith("/api/"):
        response = outage_problem(status)
    else:
        response = HttpResponse(
            render_to_string("core/outage.html", {"outage": outage, "status": status}),
            status=status,
        )
    if outage:
        response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def outage_problem(status: int) -> HttpResponse:
    """The API's problem+json for a failure on our side, built without the database."""
    if status == 503:
        body = {
            "type": "about:blank",
            "title": _("Temporarily unavailable"),
            "status": 503,
            "detail": _("Kansrijk cannot reach its database. Nothing was saved; try again soon."),
        }
    else:
        body = {
            "type": "about:blank",
            "title": _("Server error"),
            "status": 500,
            "detail": _("Something went wrong on our side."),
        }
    return JsonResponse(body, status=status, content_type="application/problem+json")
