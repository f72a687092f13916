"""Every create happens once, however often it is sent.

A double click, the back button followed by "send" again, or an API client retrying after a
time-out would otherwise file a second signal or plan version. Two keys make a request
repeatable without effect:

- **pages**: every form carries a one-time token (``{% form_token %}`` from the
  ``idempotency`` template library, a hidden field ``form_token``). The first POST with a
  token runs; a repeat is sent where the first one went (its redirect), with a message.
- **API**: a POST may carry an ``Idempotency-Key`` header (documented in the OpenAPI
  document). The first request runs; a repeat with the same body gets the first answer
  (status and body, header ``Idempotent-Replayed: true``); the same key with another body
  gets a 422 problem.

Both are one middleware, so no view needs a change. The key is claimed (a row with a unique
(professional, key)) before the view runs, so two simultaneous repeats cannot both run: the
second waits for the first one's answer. A first request that does not succeed (a form with
errors, a 4xx, a failure) releases its key, so correcting and sending again works. Rows are
kept for a day (they may hold an API answer with personal data) and pruned as new ones come.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.accounts.middleware import is_verified
from kansrijk.core.models import IdempotencyRecord, Professional

logger = logging.getLogger(__name__)

FORM_FIELD = "form_token"
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
KEEP = timedelta(days=1)
#: How long a repeat waits for the first request's answer.
WAIT_SECONDS = 15.0
#: A claim without an answer after this long belongs to a request that died.
ABANDONED_AFTER = timedelta(minutes=2)
PROBLEM = "application/problem+json"


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if request.method != "POST" or user is None or not is_verified(user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            key = request.headers.get(HEADER)
            if key is None:
                return self.get_response(request)
            if not 1 <= len(key) <= MAX_KEY_LENGTH:
                return _problem(
                    422,
                    _("Invalid request"),
                    _("The Idempotency-Key header must be 1 to 200 characters long."),
                )
            try:
                body = request.body
            except (SuspiciousOperation, MultiPartParserError):  # too large: the view says so
                return self.get_response(request)
            fingerprint = hashlib.sha256(
                b"\n".join([request.get_full_path().encode(), body])
            ).hexdigest()
            return self._once(request, user, f"api:{key}", fingerprint, api=True)
        try:
            token = request.POST.get(FORM_FIELD, "")
        except (SuspiciousOperation, MultiPartParserError, OSError):
            return self.get_response(request)
        if not token or len(token) > MAX_KEY_LENGTH:
            return self.get_response(request)
        return self._once(request, user, f"form:{token}", "", api=False)

    def _once(
        self, request: HttpRequest, user: Professional, key: str, fingerprint: str, *, api: bool
    ) -> HttpResponseBase:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            record = _claim(user, key, fingerprint)
            if record is None:  # this request is the first: run it
                return self._first(request, user, key, api=api)
            if api and record.request_hash != fingerprint:
                return _problem(
                    422,
                    _("Idempotency-Key reused"),
                    _("This Idempotency-Key was used for a different request."),
                )
            if record.status is not None:
                return _replay(request, record, api=api)
            if time.monotonic() > deadline:
                return _problem(
                    409,
                    _("Still being processed"),
                    _("The first request with this key is still running; try again shortly."),
                ) if api else HttpResponse(
                    _("This form is still being processed; reload the page shortly."), status=409
                )  # fmt: skip
            time.sleep(0.1)

    def _first(
        self, request: HttpRequest, user: Professional, key: str, *, api: bool
    ) -> HttpResponseBase:
        response = self.get_response(request)
        succeeded = (
            200 <= response.status_code < 300
            if api
            else 300 <= response.status_code < 400 and response.has_header("Location")
        )
        try:
            records = IdempotencyRecord.objects.filter(professional=user, key=key)
            if not succeeded or getattr(response, "streaming", False):
                records.delete()
            elif api:
                records.update(
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    body=response.content,  # type: ignore[attr-defined]
                )
            else:
                records.update(status=response.status_code, location=response["Location"])
        except DatabaseError:
            logger.exception("Could not record the answer to %s", key)
        return response


def _claim(user: Professional, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """None when this request claimed the key (it is the first); else the existing claim."""
    now = timezone.now()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                professional=user, key=key, request_hash=fingerprint, created_at=now
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(professional=user, key=key).first()
        if record is None:  # released in between: try again
            return _claim(user, key, fingerprint)
        if record.status is None and now - record.created_at > ABANDONED_AFTER:
            IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).delete()
            return _claim(user, key, fingerprint)
        return record
    IdempotencyRecord.objects.filter(professional=user, created_at__lt=now - KEEP).delete()
    return None


def _replay(request: HttpRequest, record: IdempotencyRecord, *, api: bool) -> HttpResponse:
    if api:
        # The first answer may hold a child's data: handing it out again is a read (rule 2).
        from kansrijk.audit.models import Event
        from kansrijk.audit.services import log_access

        log_access(
            by=record.professional,
            event=Event.READ,
            purpose="repeat of an earlier request (Idempotency-Key)",
            detail=f"replayed answer to POST {request.path}"[:500],
        )
        response = HttpResponse(
            bytes(record.body), status=record.status, content_type=record.content_type
        )
        response[REPLAYED_HEADER] = "true"
        return response
    messages.info(request, _("This form had already been sent; it was not sent again."))
    return HttpResponseRedirect(record.location)
