"""Every change made in the management area goes into the access log (NEN 7513: who changed
what, when), written by the admin's own hooks inside the transaction of the change."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Model
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access

PURPOSE = "management"


def _described(message: Any) -> str:
    """The admin's change message as English text (the log is read in one language)."""
    if not message:
        return ""
    text = message if isinstance(message, str) else json.dumps(message)
    with translation.override("en"):
        return LogEntry(change_message=text).get_change_message()


def record_change(request: HttpRequest, verb: str, obj: Model, message: Any = "") -> None:
    """One access-log entry: `verb` ("added", "changed", "deleted") `obj`, with what changed."""
    opts = obj._meta
    with translation.override("en"):
        what = f"{opts.verbose_name} {obj.pk} '{obj}'"
    described = _described(message)
    log_access(
        by=request.user,  # type: ignore[arg-type]
        event=Event.WRITE,
        purpose=PURPOSE,
        detail=f"{verb} {opts.app_label}.{opts.model_name}: {what}"
        + (f": {described}" if described else ""),
    )


class LoggedAdmin(admin.ModelAdmin):
    """A model admin for the administrator: may do what the site lets them in, and every
    addition, change and deletion is in the access log."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """The delete page counts what would go, and says that family data blocks it,
        without naming a single child, family or case (the administrator sees no case data)."""
        _named, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{name}: {count}" for name, count in counts.items()]
        blocked = (
            [
                _(
                    "%(count)s records of children, families or cases refer to this; "
                    "it cannot be deleted."
                )
                % {"count": len(protected)}
            ]
            if protected
            else []
        )
        return summary, counts, perms_needed, blocked

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        record_change(request, "added", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        record_change(request, "changed", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Any]) -> Any:
        objects = list(queryset)
        for obj in objects:
            record_change(request, "deleted", obj)
        return super().log_deletions(request, objects)  # type: ignore[arg-type]


class LoggedInline(admin.TabularInline):
    """An inline on a logged admin (its changes are in the parent's change message)."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)
