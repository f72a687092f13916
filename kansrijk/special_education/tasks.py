"""Daily work of integrated arrangements, run by the task worker (docs/operations.md)."""

from __future__ import annotations

from django_tasks import task

from kansrijk.special_education import services


@task()
def warn_renewals() -> int:
    """Three months before a decision or an arrangement ends: tell the coordinator and the
    school, and put the renewal on the school's support-team agenda; returns how many."""
    return services.renewals_warn()
