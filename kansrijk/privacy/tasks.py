"""The nightly retention run as a django-tasks task (see docs/operations.md for scheduling)."""

from __future__ import annotations

from django_tasks import task

from kansrijk.privacy.services import retention_run


@task()
def retention_nightly() -> dict[str, object]:
    """Remove or anonymise what the retention table makes due; the summary is the result."""
    report = retention_run(dry_run=False)
    return {
        "lines": [
            {"category": line.category.value, "action": line.action, "count": line.count,
             "oldest": line.oldest.isoformat() if line.oldest else None}
            for line in report.lines
        ],
        "kept": report.kept,
    }  # fmt: skip


@task()
def make_inzage_pdf(file_id: int) -> str:
    """Lay out an asked-for inzage as PDF (seconds of WeasyPrint, off the request path)."""
    from kansrijk.privacy.files import make

    return make(file_id)
