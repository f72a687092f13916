"""Writing the access log. Called inside the caller's transaction, so a write and its entry
commit or roll back together (house rule 3).

The request inserts its entry without links and locks nothing shared; the chainer links it
within seconds (audit.chaining). Only with `KANSRIJK_AUDIT_CHAIN_INLINE` (tests, demo: no
chainer process there) does the request lock the chain head (SELECT … FOR UPDATE), insert its
entry already linked and move the head, in the same transaction and in as many queries as
before the chainer existed (the query budgets of the pages count them).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from kansrijk.audit import chain
from kansrijk.audit.context import api_client, source_address
from kansrijk.audit.models import AccessLogEntry, ChainHead, Event

if TYPE_CHECKING:
    from django.db.models import Field

    from kansrijk.cases.models import Guardian
    from kansrijk.core.models import Professional

#: The pk of the one chain-head row.
HEAD = 1


class ChainHeadMissing(RuntimeError):
    """The log has entries but no head: someone removed it. Writing stops (fail closed)."""


def audit_key() -> bytes:
    """The key that signs the chain head; kept outside the database (settings/environment)."""
    secret = getattr(settings, "KANSRIJK_AUDIT_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"kansrijk.audit.head:" + secret.encode()).digest()


def normalised_address(address: str | None) -> str | None:
    """The address as the database will hand it back (so the hash survives the round trip).

    An IPv4 address inside IPv6 (::ffff:a.b.c.d from a dual-stack listener, or the old
    ::a.b.c.d form) is stored as plain IPv4: PostgreSQL and Python print those differently."""
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        if int(parsed) >> 32 == 0 and int(parsed) > 1:
            return str(ipaddress.IPv4Address(int(parsed)))
    return str(parsed)


@functools.cache
def _head_plan(vendor: str) -> tuple[str, str, tuple[Field[Any, Any], ...]]:
    """The SELECT (locked) and the UPDATE of the head row, and its fields but the key, built
    once per process: the head is read and moved for every entry written inline (tests, the
    demo) and by the chainer, and the ORM compiled both statements each time (issue 17)."""
    fields = tuple(
        cast("Field[Any, Any]", f) for f in ChainHead._meta.concrete_fields if not f.primary_key
    )
    quote = connection.ops.quote_name
    table, key = quote(ChainHead._meta.db_table), quote(ChainHead._meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select = f"SELECT {columns} FROM {table} WHERE {key} = %s{lock}"  # noqa: S608
    sets = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    update = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608
    return select, update, fields


def _read_locked_head() -> ChainHead | None:
    if not connection.in_atomic_block:  # as the ORM's select_for_update: a lock needs one
        raise TransactionManagementError("The chain head is locked inside a transaction only.")
    select, _, fields = _head_plan(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(select, [HEAD])
        row = cursor.fetchone()
    if row is None:
        return None
    # Integers and text come back as they are; `updated_at` is rewritten by every move.
    values = {field.attname: value for field, value in zip(fields, row, strict=True)}
    head = ChainHead(id=HEAD, **values)
    head._state.adding, head._state.db = False, connection.alias
    return head


def locked_head() -> ChainHead:
    """The chain head, locked until the end of the transaction; created on a fresh log."""
    head = _read_locked_head()
    if head is not None:
        return head
    # Another writer may have created the head (with its first entry) since that read: look
    # at the entries first, then at the head again. Head and entry commit together, so a
    # chained entry seen here means a head that is seen too, unless someone removed it.
    chained = AccessLogEntry.objects.filter(entry_hash__isnull=False).exists()
    head = _read_locked_head()
    if head is not None:
        return head
    if chained:
        raise ChainHeadMissing("The access-log chain head is missing; run audit_verify.")
    create_fresh_head(ChainHead, connection.alias)
    return ChainHead.objects.select_for_update().get(pk=HEAD)


def create_fresh_head(model: type[Model], using: str) -> None:
    """The signed head of an empty log (the first entry's writer, and after a flush: see
    audit.apps)."""
    model._default_manager.using(using).get_or_create(
        pk=HEAD, defaults={"signature": _sign(chain.HeadState())}
    )


def _sign(state: chain.HeadState) -> str:
    return chain.head_signature(state, audit_key())


def move_head(head: ChainHead, **changes: Any) -> None:
    """Change the head (inside the caller's transaction, under its lock) and re-sign it."""
    for name, value in changes.items():
        setattr(head, name, value)
    head.signature = _sign(head.state())
    head.updated_at = timezone.now()
    _, update, fields = _head_plan(connection.vendor)
    params = [field.get_db_prep_save(getattr(head, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(update, [*params, head.pk])


@functools.cache
def _insert_plan(
    vendor: str, names: tuple[str, ...], rows: int = 1, returning: bool = True
) -> tuple[str, tuple[Field[Any, Any], ...]]:
    """The INSERT of `rows` entries with these fields (`returning`: RETURNING the id of
    one), and the fields (built once per process)."""
    fields = tuple(cast("Field[Any, Any]", AccessLogEntry._meta.get_field(n)) for n in names)
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    back = " RETURNING id" if returning and rows == 1 else ""
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * rows)}{back}"  # noqa: S608
    return sql, fields


def _params(fields: tuple[Field[Any, Any], ...], values: dict[str, Any]) -> list[Any]:
    return [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]


def _insert(values: dict[str, Any]) -> AccessLogEntry:
    """One INSERT … RETURNING id, without the ORM's save machinery (compiling the insert,
    signals): a request pays for its entry one round trip and little else (issue 17)."""
    sql, fields = _insert_plan(connection.vendor, tuple(values))
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(fields, values))
        (entry_id,) = cursor.fetchone()
    entry = AccessLogEntry(id=entry_id, **values)
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


def append(values: dict[str, Any]) -> AccessLogEntry:
    """Append one entry with exactly these chained values (`at` included) to the log.

    No savepoint: if the append fails, the caller's whole transaction must fail with it."""
    if not settings.KANSRIJK_AUDIT_CHAIN_INLINE:
        return _insert(values)  # no lock, no hash: the chainer links it (audit.chaining)
    with transaction.atomic(savepoint=False):
        head = locked_head()
        entry_hash = chain.link(head.last_hash, values)
        entry = _insert({**values, "previous_hash": head.last_hash, "entry_hash": entry_hash})
        move_head(head, last_id=entry.pk, last_hash=entry_hash, count=head.count + 1)
    return entry


#: At most this many entries in one INSERT: a statement holds at most 65,535 parameters
#: on PostgreSQL (and 32,766 on SQLite), and an entry has up to 14 fields.
ROWS_PER_INSERT = 500


def append_all(rows: list[dict[str, Any]]) -> None:
    """Append these entries (the same fields each) to the log in this order: the parts of
    one list's read (audit.paging.log_ids). Without the head's lock in the request they go in
    one INSERT (per ROWS_PER_INSERT), one round trip for all, and nothing is read back (a
    page's one entry was read back as its id and made a model instance nobody used: a
    hundredth of a page's CPU, issue 17); linked inline they are appended one by one."""
    if settings.KANSRIJK_AUDIT_CHAIN_INLINE:
        for values in rows:
            append(values)
        return
    for start in range(0, len(rows), ROWS_PER_INSERT):
        batch = rows[start : start + ROWS_PER_INSERT]
        sql, fields = _insert_plan(connection.vendor, tuple(batch[0]), len(batch), False)
        with connection.cursor() as cursor:
            cursor.execute(sql, [p for values in batch for p in _params(fields, values)])


class EntryFields(TypedDict, total=False):
    """What the caller says of one access (`log_access`); the rest the entry finds itself."""

    by: Required[Professional | None]
    event: Required[Event]
    purpose: str
    case_id: int | None
    family_id: int | None
    child_id: int | None
    detail: str
    roles: str | None
    username: str
    at: datetime.datetime | None
    guardian: Guardian | None


_ENTRY_FIELDS = frozenset(EntryFields.__annotations__)


def log_access(**fields: Unpack[EntryFields]) -> AccessLogEntry:
    """Record one access: time, event, whose data, who (role, organisation), why, from where.

    `by=None` is the system itself (retention, imports); `username` then names the process.
    `at` exists for the retention tests and the benchmark; the application leaves it out.
    `guardian` is the parent or carer acting in the family portal (with `by=None`); a partner
    system's call (audit.context.api_client) is logged as "client:<id>" with its account's role.
    """
    return append(entry_values(**fields))


def entry_values(**fields: Unpack[EntryFields]) -> dict[str, Any]:
    """The values of one entry as `log_access` writes it (see there), for `append`."""
    from kansrijk.access.policies import memberships_of

    if unknown := fields.keys() - _ENTRY_FIELDS:  # a misspelt field must not log less
        raise TypeError(f"log_access() got unexpected keyword arguments {sorted(unknown)}")
    by, guardian = fields["by"], fields.get("guardian")
    username, roles = fields.get("username", ""), fields.get("roles")
    role_text, organisation_text = "", ""
    if by is not None and by.is_authenticated:
        members = memberships_of(by)
        role_text = roles if roles is not None else ",".join(sorted({m.role for m in members}))
        organisation_text = ",".join(sorted({m.organisation.name for m in members}))
        username = by.get_username()
    elif guardian is not None:
        username, role_text = f"guardian:{guardian.pk}", "guardian"
    client_id = api_client.get()
    if client_id is not None and by is not None:
        username = f"client:{client_id}"  # the partner system acted, as its account's role
    values = {
        "at": fields.get("at") or timezone.now(),
        "event": fields["event"].value,
        "user_id": by.pk if by is not None and by.is_authenticated else None,
        "username": chain.clean_text(username, 150),
        "role": chain.clean_text(role_text, 200),
        "organisation": chain.clean_text(organisation_text, 400),
        "purpose": chain.clean_text(fields.get("purpose", ""), 200),
        "source_address": normalised_address(source_address.get()),
        "case_id": fields.get("case_id"),
        "family_id": fields.get("family_id"),
        "child_id": fields.get("child_id"),
        "detail": chain.clean_text(fields.get("detail", ""), 500),
    }
    if guardian is not None:
        values["guardian_id"] = guardian.pk
    if client_id is not None and by is not None:
        values["client_id"] = client_id
    return values
