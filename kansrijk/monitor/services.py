"""The only code that writes the monitor's data: snapshots of the figures, parents' answers."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case, Guardian
from kansrijk.cases.workflow import CaseState
from kansrijk.monitor.figures import compute_report
from kansrijk.monitor.models import QUESTIONS, ExperienceResponse, MonitorSnapshot, ReportFile
from kansrijk.monitor.periods import Period

if TYPE_CHECKING:
    from kansrijk.core.models import Professional


class Unread:
    """`snapshot_refresh_request`'s default: the caller has not read the snapshot's time."""


UNREAD = Unread()


def snapshot_refresh(*, period: Period, by: Professional | None = None) -> MonitorSnapshot:
    """Compute the period's figures and store them, replacing the previous snapshot.

    `by` is None when the background task runs it; the snapshot holds suppressed aggregates
    only, so no access-log entry is written.
    """
    now = timezone.now()
    data = compute_report(period, now=now)
    snapshot, _created = MonitorSnapshot.objects.update_or_create(
        period_start=period.start,
        period_end=period.end,
        defaults={"computed_at": now, "data": data},
    )
    return snapshot


def snapshot_refresh_request(
    *, period: Period, computed: datetime.datetime | Unread | None = UNREAD
) -> bool:
    """Queue one refresh of the period's figures when they are missing or older than
    SNAPSHOT_MAX_AGE and no refresh of them is queued or running yet; True when queued.
    `computed`: when the period's snapshot was computed (None: there is none), where the
    caller has just read it.

    Pages call this instead of computing: a hundred views of a stale snapshot queue one
    task, and the task itself skips when a refresh ran since (tasks.refresh_snapshot)."""
    from kansrijk.monitor.selectors import SNAPSHOT_MAX_AGE, snapshot_computed_at
    from kansrijk.monitor.tasks import refresh_queued, refresh_snapshot

    if isinstance(computed, Unread):
        computed = snapshot_computed_at(period)
    if computed is not None and computed >= timezone.now() - SNAPSHOT_MAX_AGE:
        return False
    if refresh_queued(period):
        return False
    # Enqueued at once, not on commit: the database queue is a row in the same database, so
    # it commits or rolls back with the caller (and tests' immediate backend computes here).
    refresh_snapshot.enqueue(period.first_month, period.last_month)
    return True


def _score(raw: Any, field: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise CaseError(_("Choose a score from 1 to 5."), field=field)
    return value


def experience_moment_due(case: Case) -> str | None:
    """The moment at which the family may answer now: at closing once the case is closed,
    else after an evaluation once the support-team meeting evaluated it; None when answered."""
    from kansrijk.cases.models import Step

    answered = set(ExperienceResponse.objects.filter(case=case).values_list("moment", flat=True))
    if case.state == CaseState.CLOSED:
        due = ExperienceResponse.Moment.CLOSING
    elif Step.objects.filter(case=case, transition="evaluate").exists():
        due = ExperienceResponse.Moment.EVALUATION
    else:
        return None
    return None if due in answered else due


def experience_record_by_family(
    *, guardian: Guardian, case_id: int, scores: dict[str, Any], comment: str = ""
) -> ExperienceResponse:
    """The parent's own answers in the family portal, after an evaluation or at closing."""
    values = {key: _score(scores.get(key), key) for key, _label in QUESTIONS}
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.family_id != guardian.family_id:
            raise NotFound
        moment = experience_moment_due(case)
        if moment is None:
            raise CaseError(_("The parents' answers for this case are already recorded."))
        return _experience_save(case, values, comment, by=None, guardian=guardian, moment=moment)


def experience_record(
    *, by: Professional, case_id: int, scores: dict[str, Any], comment: str = ""
) -> ExperienceResponse:
    """Record a parent's answers after closure, on behalf of the parent (or the parent does
    it in the portal: experience_record_by_family)."""
    values = {key: _score(scores.get(key), key) for key, _label in QUESTIONS}
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        return _experience_save(case, values, comment, by=by)


def _experience_save(
    case: Case,
    values: dict[str, int],
    comment: str,
    *,
    by: Professional | None,
    guardian: Guardian | None = None,
    moment: str = ExperienceResponse.Moment.CLOSING,
) -> ExperienceResponse:
    """Save the answers (inside the caller's transaction, the case row locked)."""
    if moment == ExperienceResponse.Moment.CLOSING and case.state != CaseState.CLOSED:
        raise CaseError(_("Parents' experience is asked after the case is closed."))
    if ExperienceResponse.objects.filter(case=case, moment=moment).exists():
        raise CaseError(_("The parents' answers for this case are already recorded."))
    response = ExperienceResponse.objects.create(
        case=case, moment=moment, comment=comment.strip(), recorded_by=by, **values
    )
    log_access(
        by=by,
        guardian=guardian,
        event=Event.WRITE,
        purpose="monitor: parents' experience",
        case_id=case.pk,
        family_id=case.family_id,
        detail=f"experience response {response.pk} ({moment})",
    )
    return response


# --- the quarter report as PDF, made by a task (models.ReportFile) --------------------------

#: A file still being made after this long has lost its task (a worker stopped): asked again.
REPORT_FILE_LOST_AFTER = datetime.timedelta(minutes=30)
#: Files nobody asked for in this long are deleted when another one is made.
REPORT_FILE_KEPT = datetime.timedelta(days=31)


def audience_key(centres: frozenset[int] | None) -> str:
    """The key of an audience's files: "region", or a hash of the sorted centre ids."""
    if centres is None:
        return "region"
    return hashlib.sha256(",".join(map(str, sorted(centres))).encode()).hexdigest()


def report_file_request(
    *, year: int, quarter: int, centres: frozenset[int] | None, language: str,
    computed: datetime.datetime,
) -> ReportFile:  # fmt: skip
    """The audience's quarter report file. When it is missing, made from a snapshot older than
    the one computed at `computed`, failed or lost, one task is queued to make it (again): a
    hundred views of it queue one. Until then a file made before is handed out, as the
    dashboard shows a stale snapshot while it is refreshed (its first page says when its
    figures were computed). Enqueued at once, like the snapshot's refresh: the queue is a
    row in the same database (and an immediate backend makes it here). The file comes
    without its content (`report_file_content`)."""
    from kansrijk.monitor.tasks import make_report_pdf

    now = timezone.now()
    files = ReportFile.objects.defer("content")
    file, created = files.get_or_create(
        year=year, quarter=quarter, audience=audience_key(centres), language=language,
        defaults={"centres": None if centres is None else sorted(centres)},
    )  # fmt: skip
    if not created:
        if (
            file.status == ReportFile.Status.READY
            and file.computed_at
            and file.computed_at >= computed
        ):
            return file
        if (
            file.status == ReportFile.Status.QUEUED
            and file.requested_at > now - REPORT_FILE_LOST_AFTER
        ):
            return file
        claimed = files.filter(
            pk=file.pk, status=file.status, requested_at=file.requested_at
        ).update(status=ReportFile.Status.QUEUED, requested_at=now)
        if not claimed:  # another view asked at the same moment
            return files.get(pk=file.pk)
    make_report_pdf.enqueue(file.pk)
    return files.get(pk=file.pk)


def report_file_content(file_id: int) -> bytes:
    content = ReportFile.objects.filter(pk=file_id).values_list("content", flat=True).first()
    return bytes(content or b"")


def report_file_make(file_id: int) -> str:
    """Lay out one asked-for quarter report from the period's current snapshot; its status
    afterwards. Aggregates only: no access-log entry (the download is logged)."""
    from django.utils import translation

    from kansrijk.monitor.definitions import REFERENCES
    from kansrijk.monitor.exports import to_pdf
    from kansrijk.monitor.selectors import report_and_time

    file = ReportFile.objects.defer("content").filter(pk=file_id).first()
    if file is None or file.status != ReportFile.Status.QUEUED:
        return "gone"
    report = report_and_time(Period.quarter(file.year, file.quarter))[0]
    if report is None:  # the snapshot went away (a test database, a reset): ask again later
        ReportFile.objects.filter(pk=file.pk).update(status=ReportFile.Status.FAILED)
        return ReportFile.Status.FAILED
    centres = None if file.centres is None else frozenset(file.centres)
    try:
        with translation.override(file.language):
            context = {
                "year": file.year, "quarter": file.quarter,
                "audience": {"is_region": centres is None}, "references": REFERENCES.values(),
            }  # fmt: skip
            content = to_pdf(report, report.view(centres), context)
    except Exception:
        ReportFile.objects.filter(pk=file.pk).update(status=ReportFile.Status.FAILED)
        raise
    ReportFile.objects.filter(pk=file.pk, status=ReportFile.Status.QUEUED).update(
        status=ReportFile.Status.READY, content=content, computed_at=report.computed_at
    )
    ReportFile.objects.filter(requested_at__lt=timezone.now() - REPORT_FILE_KEPT).delete()
    return ReportFile.Status.READY
