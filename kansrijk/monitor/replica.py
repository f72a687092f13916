"""The monitor reads from a streaming replica when one is configured (issue 17, past one
machine): aggregates only, minutes old at worst, so replication lag is harmless there, and the
primary keeps its CPU for the pages that write. Installed by kansrijk.conf when
KANSRIJK_REPLICA_DATABASE_URL is set."""

from __future__ import annotations

from typing import Any

#: The database alias of the replica (kansrijk.conf.base).
REPLICA = "replica"
#: The models whose reads go to the replica: the monitor's stored figures.
READ_ON_REPLICA = frozenset({("monitor", "monitorsnapshot")})


class MonitorReplicaRouter:
    """Reads of the monitor's snapshots on the replica; everything else, and every write
    (a refresh storing a snapshot, `select_for_update`, `get_or_create`), on `default`."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        key = (model._meta.app_label, model._meta.model_name)
        return REPLICA if key in READ_ON_REPLICA else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary's schema by replication
