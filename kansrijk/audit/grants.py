"""What the application's database role may do, on PostgreSQL (docs/operations.md).

Migrations run as the owner role, which owns every table; the application runs as a role that
owns nothing, so it cannot drop or alter a table, disable a trigger or TRUNCATE. On the access
log it may only read, append, and write an entry's two links (the chainer; the trigger allows
that once per entry); on the chain head read, create and move it. Everything else it may read
and write. Run as the owner after every `migrate` (`manage.py audit_grants ROLE --apply`).
Pruning the log deletes rows, which only the owner may: see audit.pruning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kansrijk.audit.models import AccessLogEntry, ChainHead


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(
    app_role: str, quote: Callable[[str], str] = _quote, partitions: Iterable[str] = ()
) -> list[str]:
    """The SQL, run as the owner role, that gives `app_role` what the application needs.
    `partitions`: the log's partitions (audit.partitions.names()), which the application may
    reach only through the log table."""
    role = quote(app_role)
    log = quote(AccessLogEntry._meta.db_table)
    head = quote(ChainHead._meta.db_table)
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        # tables and sequences the owner creates later (new migrations) get the same
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        # the access log: read and append; of updates only the chainer's links
        f"REVOKE ALL ON {log}, {head} FROM {role}",
        f"GRANT SELECT, INSERT ON {log} TO {role}",
        f"GRANT UPDATE (previous_hash, entry_hash) ON {log} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE ON {head} TO {role}",
        *(f"REVOKE ALL ON {quote(name)} FROM {role}" for name in partitions),
    ]
