from typing import Any

from django.apps import AppConfig
from django.apps.registry import Apps
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "kansrijk.audit"
    label = "audit"
    verbose_name = "Access log"

    def ready(self) -> None:
        post_migrate.connect(_head_of_an_empty_log, sender=self)


def _head_of_an_empty_log(using: str, apps: Apps | None = None, **kwargs: Any) -> None:
    """An empty log has its signed head, as migration 0004 leaves it. `flush` (the test
    database after each transactional test) empties every table and sends post_migrate: the
    next request's entry then found no head and created it, seven queries that a page's
    query count took for its own. A log with entries but no head is left alone: writers
    refuse it (`services.locked_head`), audit_verify reports it."""
    from django.apps import apps as current

    from kansrijk.audit.services import create_fresh_head

    apps = apps or current  # flush sends no historical models
    try:
        entry = apps.get_model("audit", "AccessLogEntry")
        head = apps.get_model("audit", "ChainHead")
    except LookupError:  # migrated to before the head
        return
    if not entry.objects.using(using).exists():
        create_fresh_head(head, using)
