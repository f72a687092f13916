"""The NEN 7513 access log: who did what with whose data, when, why and from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.audit.chain import GENESIS, HeadState


class Event(models.TextChoices):
    READ = "read", _("Read")
    LIST = "list", _("List")
    SEARCH = "search", _("Search")
    WRITE = "write", _("Write")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")


class AppendOnlyQuerySet(models.QuerySet["AccessLogEntry"]):
    """Refuses bulk changes, so no ORM path can rewrite or remove entries (the trigger does
    the same in PostgreSQL for raw SQL); pruning goes through audit.pruning only."""

    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError


class AppendOnlyError(ValueError):
    def __init__(self) -> None:
        super().__init__("The access log is append-only.")


class AccessLogEntry(models.Model):
    """Append-only; each entry carries the hash of its predecessor (see audit.chain).

    The request inserts the entry without its links; the chainer (audit.chaining) writes
    `previous_hash` and `entry_hash` once, in id order, within seconds. On PostgreSQL the
    trigger allows no other change: the links only from NULL to a value, nothing else ever."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    event = models.CharField(max_length=20, choices=Event.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=400, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    family_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.CharField(max_length=500, blank=True)
    #: The parent or carer who acted in the family portal (their id is also in the hashed
    #: `username`, as "guardian:<id>", so the chain covers it).
    guardian_id = models.BigIntegerField(null=True, blank=True)  # never searched: no index
    #: The partner system that acted through the API with its token (kansrijk.clients); its id
    #: is also in the hashed `username`, as "client:<id>", so the chain covers it. Never
    #: searched alone: no index (every index costs each request's insert).
    client_id = models.BigIntegerField(null=True, blank=True)
    # NULL until the chainer links the entry (the trigger allows NULL → value once). No index
    # on the hashes: the chain is walked by id and never searched by hash.
    previous_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    entry_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            # The chainer's work list: tiny, as it holds only the last seconds' entries.
            models.Index(
                fields=["id"], condition=models.Q(entry_hash__isnull=True),
                name="audit_entry_unchained",
            ),
        ]  # fmt: skip
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.event} {self.username}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError


class ChainHead(models.Model):
    """The one row that says where the chain ends (and, after pruning, where it begins),
    signed with a key outside the database: deleting or re-hashing the tail shows up as a
    head that no longer matches the log, and a moved head as a bad signature."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.BigIntegerField(default=0)
    base_id = models.BigIntegerField(default=0, help_text="Entries up to this id were pruned.")
    base_hash = models.CharField(max_length=64, default=GENESIS)
    pruned = models.BigIntegerField(default=0)
    signature = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("access log chain head")

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash[:12]}"

    def state(self) -> HeadState:
        return HeadState(
            last_id=self.last_id, last_hash=self.last_hash, count=self.count,
            base_id=self.base_id, base_hash=self.base_hash, pruned=self.pruned,
        )  # fmt: skip

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError
