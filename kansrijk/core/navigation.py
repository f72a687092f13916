"""The main menu: one entry per page a role works from, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from kansrijk.access.matrix import ATTENTION_LIST_ROLES, EMERGENCY_ROLES, SIGNALLING_ROLES
from kansrijk.access.policies import (
    ARRANGEMENT_ROLES,
    HANDOVER_RECEIVING_ROLES,
    HANDOVER_SENDING_ROLES,
    roles_of,
)
from kansrijk.access.roles import ESCALATION_ROLES, Role
from kansrijk.core.templatetags.urls import reverser


@dataclass(frozen=True)
class Entry:
    label: Promise
    url_name: str
    roles: frozenset[Role] | None  # None: every professional


ENTRIES: tuple[Entry, ...] = (
    Entry(_("My work"), "cases:my_work", None),
    Entry(_("New signal"), "cases:signal_new", SIGNALLING_ROLES),
    Entry(_("Attention list"), "attention:lists", ATTENTION_LIST_ROLES),
    Entry(_("A family does not respond"), "safety:contact_attempt_new", SIGNALLING_ROLES),
    Entry(_("Referrals"), "cases:referrals", ESCALATION_ROLES),
    Entry(
        _("Warm handovers"),
        "early_years:handovers",
        HANDOVER_SENDING_ROLES | HANDOVER_RECEIVING_ROLES,
    ),
    Entry(_("Integrated arrangements"), "special_education:arrangements", ARRANGEMENT_ROLES),
    Entry(_("Dyslexia files"), "dyslexia:files", frozenset({Role.INTERNAL_COACH})),
    Entry(_("Dyslexia gatekeeper"), "dyslexia:work_list", frozenset({Role.DYSLEXIA_GATEKEEPER})),
    Entry(_("Dyslexia referrals"), "dyslexia:referrals", frozenset({Role.CARE_PROVIDER})),
    Entry(
        _("Dyslexia decisions to issue"),
        "dyslexia:decisions",
        frozenset({Role.MUNICIPALITY_OFFICER}),
    ),
    Entry(_("Shared without consent"), "consent:legal_grounds", frozenset({Role.COORDINATOR})),
    Entry(
        _("Families that do not respond"), "safety:non_responding", frozenset({Role.COORDINATOR})
    ),
    Entry(
        _("Questions from the coordinator"),
        "safety:district_team_questions",
        frozenset({Role.DISTRICT_TEAM}),
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
    Entry(_("Stand-ins"), "standins:index", frozenset({Role.COORDINATOR})),
    Entry(_("Homework support"), "homework:index", frozenset({Role.FAMILY_SPECIALIST})),
    Entry(
        _("Monitor"),
        "monitor:dashboard",
        frozenset(
            {Role.DIRECTOR, Role.COORDINATOR, Role.POLICY_OFFICER, Role.EDUCATION_SPECIALIST}
        ),
    ),
    Entry(_("Login and security"), "accounts:security", None),
)


def _unread(user: Any) -> dict[str, int]:
    """The user's unread notifications per link, in one query compiled once per process: the
    menu shows their total, and pages show what is new for them (threads.templatetags reads
    the case threads')."""
    from django.db.models import Count

    from kansrijk.compiled import fetch
    from kansrijk.notifications.models import Notification

    rows = fetch(
        ("unread per link",),
        Notification.objects.db,
        lambda uid: (
            Notification.objects.filter(recipient=uid, read_at__isnull=True)
            .values_list("url")
            .annotate(n=Count("id"))
            .order_by()
        ),
        uid=user.pk,
    )
    return dict(rows)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    roles = roles_of(user)
    # The total comes with the signed-in user (accounts.middleware); per link only for the
    # pages that show it (my work's case threads).
    unread: Any = SimpleLazyObject(lambda: _unread(user))
    total = getattr(user, "unread_notifications", None)
    items = []
    url_of = reverser()  # every page's menu: the URLs remembered per process
    for entry in ENTRIES:
        if entry.roles is not None and not roles & entry.roles:
            continue
        try:
            url = url_of(entry.url_name)
        except NoReverseMatch:
            continue  # that part of the product is not installed
        badge = 0
        if entry.url_name == "notifications:inbox":
            badge = total if total is not None else sum(unread.values())
        items.append(
            {
                "label": entry.label,
                "url": url,
                "badge": badge,
                "current": request.path.startswith(url) and url != "/",
            }
        )
    return {"nav": items, "user_roles": sorted(r.label for r in roles), "unread_by_url": unread}
