"""Inzage files: a PDF asked for on a page or in the portal, made by a task, downloaded once
ready by the one who asked (kansrijk.privacy.models.InzageFile).

Asking checks who may export now (a forbidden subject is NotFound, as everywhere); making
checks again, as the requester, and logs the export in the same transaction that stores the
file, so an export is in the access log exactly when its file exists. Each download is
logged as a read of the file.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Guardian
from kansrijk.core.models import Professional
from kansrijk.privacy.inzage import (
    PURPOSE,
    exportable_cases,
    inzage_export,
    inzage_for_family,
    render_pdf,
    subject_of,
)
from kansrijk.privacy.models import InzageFile

logger = logging.getLogger(__name__)
#: How many of one's own files a page lists (newest first).
SHOWN = 5


def _enqueue(file_id: int) -> None:
    from kansrijk.privacy.tasks import make_inzage_pdf

    make_inzage_pdf.enqueue(file_id)


def pdf_request(
    *, by: Professional, family_id: int | None = None, child_id: int | None = None
) -> InzageFile:
    """Ask for the subject's inzage as PDF; made in the background (`make`)."""
    subject = subject_of(family_id=family_id, child_id=child_id)
    exportable_cases(by, subject)  # NotFound for whoever may not export it
    child_id = subject.child.pk if subject.child else None
    with transaction.atomic():
        file = InzageFile.objects.create(family=subject.family, child_id=child_id, requested_by=by)
        log_access(
            by=by, event=Event.WRITE, purpose=PURPOSE, family_id=subject.family.pk,
            child_id=child_id, detail=f"inzage pdf asked for: file {file.pk}",
        )  # fmt: skip
        transaction.on_commit(partial(_enqueue, file.pk))
    return file


def pdf_request_for_family(*, guardian: Guardian) -> InzageFile:
    """A guardian's request in the portal (the portal checked parental authority)."""
    file = InzageFile.objects.create(family_id=guardian.family_id, guardian=guardian)
    transaction.on_commit(partial(_enqueue, file.pk))
    return file


def make(file_id: int) -> str:
    """Make one asked-for file; its status afterwards. A requester who may no longer export
    the subject (no longer a member, deactivated, without parental authority: the export's
    own rules, `inzage_export` and `inzage_for_family`) gets a failed file and no export."""
    file = InzageFile.objects.filter(pk=file_id, status=InzageFile.Status.QUEUED).first()
    if file is None:
        return "gone"
    try:
        with transaction.atomic():
            if file.requested_by is not None:
                export = inzage_export(
                    by=file.requested_by, family_id=file.family_id, child_id=file.child_id,
                    form="pdf",
                )  # fmt: skip
            else:
                assert file.guardian is not None
                export = inzage_for_family(guardian=file.guardian, form="pdf")
            content = render_pdf(export)
            InzageFile.objects.filter(pk=file.pk).update(
                status=InzageFile.Status.READY, content=content, ready_at=timezone.now()
            )
    except NotFound:
        logger.warning("inzage file %s: the requester may no longer export it", file.pk)
        InzageFile.objects.filter(pk=file.pk).update(status=InzageFile.Status.FAILED)
        return InzageFile.Status.FAILED
    except Exception:
        logger.exception("inzage file %s could not be made", file.pk)
        InzageFile.objects.filter(pk=file.pk).update(status=InzageFile.Status.FAILED)
        raise
    return InzageFile.Status.READY


def _owner(by: Professional | None, guardian: Guardian | None) -> Q:
    return Q(requested_by=by) if by is not None else Q(guardian=guardian)


def _kept() -> QuerySet[InzageFile]:
    return InzageFile.objects.filter(expires_at__gt=timezone.now()).defer("content")


def files_of(
    *, by: Professional | None = None, guardian: Guardian | None = None,
    family_id: int, child_id: int | None = None,
) -> list[InzageFile]:  # fmt: skip
    """The newest files this requester asked for about the subject, still kept."""
    return list(_kept().filter(_owner(by, guardian), family_id=family_id, child=child_id)[:SHOWN])


def download(
    *, file_id: int | None, by: Professional | None = None, guardian: Guardian | None = None
) -> InzageFile:
    """A ready file of this requester's (`file_id`, or None for their newest), logged as
    read; anything else is NotFound."""
    if by is None and guardian is None:
        raise NotFound
    ready = InzageFile.objects.filter(
        _owner(by, guardian), expires_at__gt=timezone.now(), status=InzageFile.Status.READY
    )
    file = (ready if file_id is None else ready.filter(pk=file_id)).first()
    if file is None:
        raise NotFound
    log_access(
        by=by, guardian=guardian, event=Event.READ, purpose=PURPOSE, family_id=file.family_id,
        child_id=file.child_id, detail=f"inzage pdf downloaded: file {file.pk}",
    )  # fmt: skip
    return file


def purge_expired() -> int:
    """Delete the files past `KEPT_FOR` (the retention run)."""
    return InzageFile.objects.filter(expires_at__lte=timezone.now()).delete()[0]
