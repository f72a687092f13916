"""The main menu: one entry per page a role works from, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kansrijk.access.matrix import ATTENTION_LIST_ROLES, EMERGENCY_ROLES, SIGNALLING_ROLES
from kansrijk.access.policies import (
    HANDOVER_RECEIVING_ROLES,
    HANDOVER_SENDING_ROLES,
    roles_of,
)
from kansrijk.access.roles import Role


@dataclass(frozen=True)
class Entry:
    label: Promise
    url_name: str
    roles: frozenset[Role] | None  # None: every professional


ENTRIES: tuple[Entry, ...] = (
    Entry(_("My work"), "cases:my_work", None),
    Entry(_("New signal"), "cases:signal_new", SIGNALLING_ROLES),
    Entry(_("Attention list"), "attention:lists", ATTENTION_LIST_ROLES),
    Entry(
        _("Warm handovers"),
        "early_years:handovers",
        HANDOVER_SENDING_ROLES | HANDOVER_RECEIVING_ROLES,
    ),
    Entry(_("Shared without consent"), "consent:legal_grounds", frozenset({Role.COORDINATOR})),
    Entry(
        _("Families that do not respond"), "safety:non_responding", frozenset({Role.COORDINATOR})
    ),
    Entry(
        _("Vulnerable families"),
        "safety:vulnerable_families",
        frozenset({Role.COORDINATOR, Role.EDUCATION_SPECIALIST, Role.AREA_MANAGER}),
    ),
    Entry(_("Emergency access"), "safety:emergency", EMERGENCY_ROLES),
    Entry(
        _("Emergency access to review"), "safety:emergency_review", frozenset({Role.COORDINATOR})
    ),
    Entry(_("Access log"), "audit:officer", frozenset({Role.PRIVACY_OFFICER})),
    Entry(_("Management"), "admin:index", frozenset({Role.ADMINISTRATOR})),
    Entry(
        _("Import pupils"), "imports:index", frozenset({Role.INTERNAL_COACH, Role.ADMINISTRATOR})
    ),
    Entry(_("Notifications"), "notifications:inbox", None),
    Entry(_("Meetings"), "meetings:index", None),
    Entry(_("Roster"), "roster:index", None),
    Entry(
        _("Monitor"),
        "monitor:dashboard",
        frozenset(
            {Role.DIRECTOR, Role.COORDINATOR, Role.POLICY_OFFICER, Role.EDUCATION_SPECIALIST}
        ),
    ),
)


def _unread(user: Any) -> int:
    from kansrijk.notifications.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    roles = roles_of(user)
    items = []
    for entry in ENTRIES:
        if entry.roles is not None and not roles & entry.roles:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue  # that part of the product is not installed
        badge = _unread(user) if entry.url_name == "notifications:inbox" else 0
        items.append(
            {
                "label": entry.label,
                "url": url,
                "badge": badge,
                "current": request.path.startswith(url) and url != "/",
            }
        )
    return {"nav": items, "user_roles": sorted(r.label for r in roles)}
