"""The access log's background work, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task

from kansrijk.audit import checkpoints


@task()
def audit_checkpoint_daily() -> dict[str, object]:
    """Anchor the chain head outside the database (a new signed file, mailed to the officers)."""
    path, checkpoint = checkpoints.write_checkpoint()
    return {"file": str(path), "total": checkpoint.total, "last_id": checkpoint.last_id}


@task()
def audit_chain_pending() -> int:
    """One round of the chainer (for a worker without `manage.py audit_chain`)."""
    from kansrijk.audit.chaining import chain_pending

    return chain_pending()
