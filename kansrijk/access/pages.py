"""Every page and API operation, and what it needs from the permission matrix.

A page about one case names the matrix action it needs on that case; other pages name the
roles that may open them, and a page about an object of its own (a meeting, a feed token, a
flag, a family's inzage) says so: its app decides who may see that object and its tests
check it. `tests/access/test_matrix_walk.py` walks every role × relation × entry against the
running pages and fails when a page or operation has no entry here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kansrijk.access.matrix import (
    ATTENTION_LIST_ROLES,
    CHAIR_ROLES,
    EMERGENCY_ROLES,
    MONITOR_ROLES,
    SIGNALLING_ROLES,
    VULNERABLE_LIST_ROLES,
    Action,
)
from kansrijk.access.policies import (
    ARRANGEMENT_ROLES,
    ARRANGEMENT_SCHOOL_ROLES,
    ATTENTION_KEEPING_ROLES,
    DYSLEXIA_SCHOOL_ROLES,
    HANDOVER_RECEIVING_ROLES,
    HANDOVER_SENDING_ROLES,
    INVOLVEMENT_ROLES,
)
from kansrijk.access.roles import ESCALATION_ROLES, Role


class Scope(StrEnum):
    CASE = "case"  # about the case in the URL: needs one of `actions` on it (else 404)
    ROLES = "roles"  # only for the listed roles (else 404)
    PROFESSIONAL = "professional"  # any signed-in professional; shows only their own things
    PUBLIC = "public"  # no login (health, public roster pages, token feeds)
    #: About an object of its own (a meeting, a feed token, a flag, a family's inzage): its
    #: app decides who may see it and its tests check it; the walk only requires the entry.
    OBJECT = "object"
    #: The family portal: only a parent or young person signed in with DigiD (portal.visitors);
    #: every professional and anonymous visitor gets 404. What a family member sees is their
    #: own family only; the portal's tests check parent / other parent / child 12+.
    FAMILY = "family"


@dataclass(frozen=True)
class Rule:
    scope: Scope
    actions: frozenset[Action] = frozenset()  # CASE: any one of these grants the page
    roles: frozenset[Role] = frozenset()
    method: str = "GET"
    state: str | None = None  # a page only for cases in this state


def case(
    action: Action | tuple[Action, ...], method: str = "GET", state: str | None = None
) -> Rule:
    """A page about the case in the URL; a tuple of actions means any one of them."""
    actions = frozenset(action if isinstance(action, tuple) else (action,))
    return Rule(Scope.CASE, actions=actions, method=method, state=state)


def roles(*allowed: Role | frozenset[Role], method: str = "GET") -> Rule:
    flat: set[Role] = set()
    for item in allowed:
        flat |= item if isinstance(item, frozenset) else {item}
    return Rule(Scope.ROLES, roles=frozenset(flat), method=method)


ANY = Rule(Scope.PROFESSIONAL)
ANY_POST = Rule(Scope.PROFESSIONAL, method="POST")
PUBLIC = Rule(Scope.PUBLIC)
OBJECT = Rule(Scope.OBJECT)
OBJECT_POST = Rule(Scope.OBJECT, method="POST")
#: Who imports a school's pupils (kansrijk.imports.selectors.import_locations).
IMPORT_ROLES = frozenset({Role.ADMINISTRATOR, Role.INTERNAL_COACH})
FAMILY = Rule(Scope.FAMILY)
FAMILY_POST = Rule(Scope.FAMILY, method="POST")
#: Who works on the meldcode of a case (safety.selectors.worker_roles): edit or transition.
MELDCODE_WORK = (Action.EDIT, Action.TRANSITION)


#: Pages, by URL name.
PAGES: dict[str, Rule] = {
    "health": PUBLIC,
    "set_language": PUBLIC,
    "core:login": PUBLIC,
    "core:logout": Rule(Scope.PUBLIC, method="POST"),
    "cases:my_work": ANY,
    "cases:case_list": ANY,  # the matrix filters the list itself
    "cases:signal_new": roles(SIGNALLING_ROLES),
    "cases:case_detail": case(Action.SUMMARY),
    "cases:case_journal": case(Action.SUMMARY),
    "cases:case_family": case(Action.SUMMARY),
    "cases:case_network": case(Action.SUMMARY),
    "cases:case_transition": case(Action.SUMMARY, "POST"),
    "cases:note_add": case(Action.EDIT, "POST"),
    "cases:family_contact_add": case(Action.EDIT, "POST"),
    "cases:plan_new": case(Action.EDIT),
    "cases:plan_action_done": OBJECT_POST,  # the action's owner or case editor (cases)
    # Referrals to a function (issue 14): its workers answer; the service checks the referral.
    "cases:referrals": roles(ESCALATION_ROLES),
    "cases:referral_answer": OBJECT,  # GET the form of one open referral, POST the answer
    # The kept attention list (issue 14, seed 001): the school's own IB, SWV and GS and the
    # coordinator; attention.selectors narrows to a membership at that school and to the
    # cases the viewer may see; the IB, SWV and coordinator keep it.
    "attention:lists": roles(ATTENTION_LIST_ROLES),
    "attention:list": roles(ATTENTION_LIST_ROLES),
    "attention:history": roles(ATTENTION_LIST_ROLES),
    "attention:add": roles(ATTENTION_KEEPING_ROLES),
    "attention:entry_need": OBJECT_POST,  # an entry the user keeps (attention.selectors)
    "attention:entry_remove": OBJECT_POST,
    # Agreements about a vulnerable child at school: made by who works on the case.
    "attention:agreement_new": case(Action.EDIT, "POST"),
    "attention:agreement_end": OBJECT_POST,  # a running agreement on a case the user edits
    # Warm handovers (issue 12): not case pages; early_years.selectors decides per handover
    # from access.policies.handover_sides, the content only with the parents' consent.
    "early_years:handovers": roles(HANDOVER_SENDING_ROLES, HANDOVER_RECEIVING_ROLES),
    "early_years:handover_new": roles(HANDOVER_SENDING_ROLES),
    "early_years:handover_detail": OBJECT,
    "early_years:handover_consent": OBJECT_POST,
    "early_years:handover_plan": OBJECT_POST,
    "early_years:handover_result": OBJECT_POST,
    "early_years:handover_follow_up": OBJECT_POST,
    # Integrated arrangements in special education (issue 16): not case pages;
    # special_education.selectors decides per arrangement from access.policies.arrangement_sides
    # (the school's staff, the provider's workers with the family's consent, the coordinator).
    "special_education:arrangements": roles(ARRANGEMENT_ROLES),
    "special_education:arrangement_new": roles(ARRANGEMENT_SCHOOL_ROLES),
    "special_education:arrangement_detail": OBJECT,
    "special_education:arrangement_edit": OBJECT,
    "special_education:arrangement_consent": OBJECT_POST,
    "special_education:arrangement_activate": OBJECT_POST,
    "special_education:arrangement_entry": OBJECT_POST,
    "special_education:arrangement_renew": OBJECT,
    "special_education:arrangement_end": OBJECT_POST,
    "special_education:case_handover": case(Action.EDIT, state="closed"),
    # The dyslexia gatekeeper (issue 16, programme line 4): not case pages; dyslexia.selectors
    # decides per file from access.policies.dyslexia_sides (a file out of reach answers 404).
    "dyslexia:files": roles(DYSLEXIA_SCHOOL_ROLES),
    "dyslexia:file_new": roles(DYSLEXIA_SCHOOL_ROLES),
    "dyslexia:file_detail": OBJECT,  # the school, the gatekeeper, the provider referred to
    "dyslexia:exclusion": OBJECT_POST,
    "dyslexia:measurement_add": OBJECT_POST,
    "dyslexia:support_add": OBJECT_POST,
    "dyslexia:consent": OBJECT_POST,
    "dyslexia:answer": OBJECT_POST,
    "dyslexia:submit": OBJECT_POST,
    "dyslexia:withdraw": OBJECT_POST,
    "dyslexia:work_list": roles(Role.DYSLEXIA_GATEKEEPER),
    "dyslexia:ask": OBJECT_POST,
    "dyslexia:review": OBJECT_POST,
    "dyslexia:decide": OBJECT,  # the decision page (GET) and the decision (POST)
    "dyslexia:referrals": roles(Role.CARE_PROVIDER),
    "dyslexia:decisions": roles(Role.MUNICIPALITY_OFFICER),
    "dyslexia:decisions_csv": roles(Role.MUNICIPALITY_OFFICER),
    "dyslexia:decision_issue": OBJECT_POST,  # a decision of the officer's municipality
    "consent:register": case(Action.FULL),
    "consent:legal_grounds": roles(Role.COORDINATOR),
    "notifications:inbox": ANY,
    "notifications:mark_read": ANY_POST,
    # Login and the second factor: reachable half-way through logging in.
    "accounts:verify": PUBLIC,
    "accounts:enrol": PUBLIC,  # only after an invitation's password step (else a "closed" page)
    # The invitation link: its secret token is the key; an invalid one answers a clear page.
    "accounts:invitation": PUBLIC,
    "accounts:invitation_ask_again": Rule(Scope.PUBLIC, method="POST"),
    "accounts:security": ANY,
    "accounts:recovery_codes": ANY,
    "accounts:password_change": ANY,
    # The roster holds staff data only: every professional sees who is where.
    "roster:index": ANY,
    "roster:plan": roles(Role.COORDINATOR),
    "roster:plan_run": roles(Role.COORDINATOR, method="POST"),
    "roster:publish": roles(Role.COORDINATOR, method="POST"),
    "roster:absence": ANY,  # one's own absence; the coordinator's for anyone
    "roster:swap_new": OBJECT_POST,  # one's own shift
    "roster:swap_decide": OBJECT_POST,  # the coordinator decides
    "roster:activities": roles(Role.LANGUAGE_WORKER, Role.AFTER_SCHOOL, Role.COORDINATOR),
    "roster:activity": OBJECT,  # an activity its workers run (roster.services.may_manage)
    "roster:attendance": OBJECT_POST,
    "roster:withdraw": OBJECT_POST,
    "roster:bookings": roles(Role.CONSULTATION_PARTNER, Role.COORDINATOR),
    "roster:book": PUBLIC,  # parents book a consultation time without a login
    "roster:booking": PUBLIC,  # the secret token is the key
    "roster:booking_ics": PUBLIC,
    "roster:centre_week": ANY,
    "roster:today": ANY,
    "roster:person_week": ANY,
    "roster:feed_create": ANY_POST,
    "roster:feed_revoke": OBJECT_POST,  # one's own feed token
    "roster:public_name": ANY_POST,
    "roster:public_centre": PUBLIC,
    "roster:centre_feed": PUBLIC,
    "roster:person_feed": PUBLIC,
    # The monitor: aggregates only, for its audiences (monitor.audience).
    "monitor:dashboard": roles(MONITOR_ROLES),
    "monitor:definitions": roles(MONITOR_ROLES),
    "monitor:export_csv": roles(MONITOR_ROLES),
    "monitor:export_xlsx": roles(MONITOR_ROLES),
    "monitor:quarter_report": roles(MONITOR_ROLES),
    "monitor:comments": roles(Role.COORDINATOR),
    "monitor:experience_list": ANY,
    "monitor:experience_new": case(Action.EDIT, state="closed"),
    # The safety route. Meldcode pages show the case to whoever sees it in summary; the
    # service refuses steps (a message, not a 404) to those who may not work on it.
    "safety:meldcode": case(Action.SUMMARY),
    "safety:meldcode_start": case(Action.SUMMARY, "POST"),
    "safety:meldcode_step": case(Action.SUMMARY, "POST"),
    "safety:meldcode_report": case(Action.SUMMARY, "POST"),
    "safety:community_officer": case(MELDCODE_WORK),
    "safety:contact_attempt_new": roles(SIGNALLING_ROLES),
    "safety:non_responding": roles(Role.COORDINATOR),
    "safety:non_response_follow_up": OBJECT_POST,  # the flag's coordinator (safety.services)
    "safety:district_team_questions": roles(Role.DISTRICT_TEAM),
    "safety:district_team_answer": OBJECT_POST,  # a worker of the team asked (safety.services)
    "safety:non_response_resolve": OBJECT_POST,  # a flag of the coordinator's centres
    "safety:vulnerable_families": roles(VULNERABLE_LIST_ROLES),
    # An open entry of the joint list; its keepers only (safety.services).
    "safety:vulnerable_family_plan": OBJECT_POST,
    "safety:vulnerable_family_close": OBJECT_POST,
    "safety:emergency": roles(EMERGENCY_ROLES),
    "safety:emergency_grant": roles(EMERGENCY_ROLES, method="POST"),
    "safety:emergency_review": roles(Role.COORDINATOR),
    "safety:emergency_review_decide": OBJECT_POST,  # a grant at the coordinator's centres
    # Meetings: a meeting is seen by those who sit in it (meetings.selectors.meeting_for).
    "meetings:index": ANY,
    "meetings:series_new": roles(CHAIR_ROLES),
    "meetings:meeting": OBJECT,
    "meetings:agenda_build": OBJECT_POST,
    "meetings:item_add": OBJECT_POST,
    "meetings:invite": OBJECT,  # the chair's page (GET and POST)
    "meetings:start": OBJECT_POST,
    "meetings:next": OBJECT_POST,
    "meetings:finish": OBJECT_POST,
    "meetings:minutes": OBJECT,
    "meetings:minutes_pdf": OBJECT,
    "meetings:item_move": OBJECT_POST,
    "meetings:item_start": OBJECT_POST,
    "meetings:item_place": OBJECT_POST,
    "meetings:item_decide": OBJECT_POST,
    "meetings:my_actions": ANY,
    "meetings:action_done": OBJECT_POST,
    "meetings:calendar": ANY,
    "meetings:calendar_create": ANY_POST,
    "meetings:calendar_revoke": OBJECT_POST,  # one's own feed token
    "meetings:feed": PUBLIC,  # the secret token is the key, like the roster's feeds
    # The privacy officer's search of the access log.
    "audit:officer": roles(Role.PRIVACY_OFFICER),
    # Inzage: export on a case of the family, or the privacy officer (privacy.inzage).
    "privacy:inzage_family": OBJECT,
    "privacy:inzage_family_json": OBJECT,
    "privacy:inzage_family_pdf": OBJECT_POST,  # asks for the PDF; a task makes it
    "privacy:inzage_child": OBJECT,
    "privacy:inzage_child_json": OBJECT,
    "privacy:inzage_child_pdf": OBJECT_POST,
    "privacy:inzage_file": OBJECT,  # one's own made PDF (privacy.files)
    # Imports (kansrijk.imports): pupils by the school's IB (own location) or the functional
    # administrator (any school); staff by the administrator. An import is its importer's own.
    "imports:index": roles(IMPORT_ROLES),
    "imports:pupils": roles(IMPORT_ROLES),
    "imports:pupil_preview": OBJECT,
    "imports:pupil_confirm": OBJECT_POST,
    "imports:staff": roles(Role.ADMINISTRATOR),
    "imports:staff_preview": OBJECT,
    "imports:staff_confirm": OBJECT_POST,
    # The family portal (DigiD): its front door and sign-in are public, the rest is FAMILY.
    "portal:start": PUBLIC,
    # Partner systems ask and revoke their tokens with the client id and secret (kansrijk.clients).
    "oauth_token": Rule(Scope.PUBLIC, method="POST"),
    "oauth_revoke_token": Rule(Scope.PUBLIC, method="POST"),
    "portal:login": PUBLIC,
    "portal:callback": PUBLIC,
    "portal:logout": Rule(Scope.PUBLIC, method="POST"),
    "portal:home": FAMILY,
    "portal:plan": FAMILY,
    "portal:plan_section": FAMILY_POST,
    "portal:plan_respond": FAMILY_POST,
    "portal:contact": FAMILY,
    "portal:consents": FAMILY,
    "portal:consent_answer": FAMILY_POST,
    "portal:messages": FAMILY,
    "portal:message_send": FAMILY_POST,
    "portal:inzage": FAMILY,
    "portal:inzage_request": FAMILY_POST,
    "portal:inzage_download": FAMILY,
    "portal:correction_send": FAMILY_POST,
    "portal:experience": FAMILY,
    "portal:experience_send": FAMILY_POST,
    # The first door (CJG) per district: public, and the questions for its organisation.
    "portal:first_door": PUBLIC,
    "portal:first_door_question": Rule(Scope.PUBLIC, method="POST"),
    "portal:questions": ANY,  # only questions to the professional's own organisations
    # The contact person answers the family's thread from the case page.
    "portal:case_reply": case(Action.EDIT, "POST"),
    # The support team's thread (kansrijk.threads): file content, at the level of notes.
    "threads:case_thread": case(Action.FULL),
    "threads:message_add": case(Action.EDIT, "POST"),
    # Stand-ins during absences (kansrijk.standins): staff data, the coordinator's page.
    "standins:index": roles(Role.COORDINATOR),
    "standins:stand_in_set": OBJECT_POST,  # an absence; the coordinator only (standins)
    # Homework support (kansrijk.homework): the family specialist's own light cases.
    "homework:index": roles(Role.FAMILY_SPECIALIST),
    "homework:new": roles(Role.FAMILY_SPECIALIST),
    "homework:detail": OBJECT,  # the family specialist's own (homework.selectors.one)
}

#: The management area (Django's admin at /beheer/, kansrijk/administration): the functional
#: administrator only; reference data and people, never case content.
ADMINISTRATION = roles(Role.ADMINISTRATOR)
ADMINISTRATION_POST = roles(Role.ADMINISTRATOR, method="POST")
#: The models registered in kansrijk/administration/admin.py, as "<app>_<model>".
MANAGED_MODELS = (
    "core_organisation",
    "core_location",
    "core_group",
    "core_districtarea",
    "core_professional",
    "safety_childcarecontact",
    "early_years_childcarerule",
    "roster_rosterrule",
    "roster_availability",
    "roster_absence",
    "clients_partnerclient",
)
PAGES.update(
    {
        "admin:index": ADMINISTRATION,
        "admin:app_list": ADMINISTRATION,
        "admin:retention": ADMINISTRATION,
        "admin:password_change": ADMINISTRATION,
        "admin:password_change_done": ADMINISTRATION,
        "admin:autocomplete": ADMINISTRATION,
        "admin:jsi18n": ADMINISTRATION,
        "admin:login": PUBLIC,  # sends to Kansrijk's own login (password and second factor)
        "admin:logout": Rule(Scope.PUBLIC, method="POST"),  # like core:logout
        "admin:view_on_site": OBJECT,  # the admin's redirect to an object's own page
        "admin:core_professional_deactivate": ADMINISTRATION,  # the leaver's hand-over screen
        "admin:core_professional_invite": ADMINISTRATION_POST,
        "admin:core_professional_reset_second_factor": ADMINISTRATION_POST,
        **{
            f"admin:{model}_{page}": ADMINISTRATION
            for model in MANAGED_MODELS
            for page in ("changelist", "add", "change", "delete", "history")
        },
    }
)

#: API operations, by "METHOD /path" as in the OpenAPI schema.
API: dict[str, Rule] = {
    "GET /api/csrf": ANY,
    "GET /api/cases": ANY,
    "GET /api/cases/{case_id}": case(Action.SUMMARY),
    "GET /api/cases/{case_id}/transitions": case(Action.SUMMARY),
    "POST /api/cases/{case_id}/transitions": case(Action.SUMMARY, "POST"),
    "GET /api/cases/{case_id}/plans": case(Action.SUMMARY),
    "POST /api/cases/{case_id}/plans": case(Action.EDIT, "POST"),
    "GET /api/cases/{case_id}/steps": case(Action.SUMMARY),
    "GET /api/cases/{case_id}/notes": case(Action.FULL),
    "GET /api/cases/{case_id}/contacts": case(Action.FULL),
    "POST /api/cases/{case_id}/notes": case(Action.EDIT, "POST"),
    "POST /api/cases/{case_id}/contacts": case(Action.EDIT, "POST"),
    "GET /api/referrals": roles(ESCALATION_ROLES),
    "POST /api/referrals/{referral_id}/answer": OBJECT_POST,
    "GET /api/signals": ANY,
    "POST /api/signals": roles(SIGNALLING_ROLES, method="POST"),
    "GET /api/pupils": ANY,
    "GET /api/locations/{location_id}/attention-list": roles(ATTENTION_LIST_ROLES),
    "GET /api/monitor/figures": roles(MONITOR_ROLES),
    "GET /api/monitor/references": roles(MONITOR_ROLES),
    "GET /api/monitor/report": roles(MONITOR_ROLES),
    # The safety route. The API takes meldcode steps and involves the officer through the
    # service, which answers 404 only to those who do not see the case.
    "GET /api/safety/cases/{case_id}/meldcode": case(Action.SUMMARY),
    "POST /api/safety/cases/{case_id}/meldcode": case(Action.SUMMARY, "POST"),
    "POST /api/safety/cases/{case_id}/meldcode/steps": case(Action.SUMMARY, "POST"),
    "POST /api/safety/cases/{case_id}/meldcode/report": case(Action.SUMMARY, "POST"),
    "POST /api/safety/cases/{case_id}/community-officer": case(Action.SUMMARY, "POST"),
    "POST /api/safety/contact-attempts": roles(SIGNALLING_ROLES, method="POST"),
    "GET /api/safety/non-responding": roles(Role.COORDINATOR),
    "POST /api/safety/non-responding/{flag_id}/resolve": OBJECT_POST,
    "GET /api/safety/vulnerable-families": roles(VULNERABLE_LIST_ROLES),
    "POST /api/safety/vulnerable-families": roles(VULNERABLE_LIST_ROLES, method="POST"),
    "POST /api/safety/emergency-access": roles(EMERGENCY_ROLES, method="POST"),
    "GET /api/safety/emergency-access/review": roles(Role.COORDINATOR),
    "POST /api/safety/emergency-access/{grant_id}/review": OBJECT_POST,
    # Meetings.
    "GET /api/meetings/": ANY,
    "GET /api/meetings/{meeting_id}": OBJECT,
    "GET /api/meetings/actions": ANY,
    "POST /api/meetings/actions/{action_id}/done": OBJECT_POST,
    # The privacy officer and inzage.
    "GET /api/audit/entries": roles(Role.PRIVACY_OFFICER),
    "GET /api/privacy/families/{family_id}/inzage": OBJECT,
    "GET /api/privacy/children/{child_id}/inzage": OBJECT,
    # The match register (kansrijk.matches): the organisation's own registrations and matches.
    "POST /api/matches/involvements": roles(INVOLVEMENT_ROLES, method="POST"),
    "GET /api/matches/involvements": roles(INVOLVEMENT_ROLES),
    # Objects of their own: the organisation's registration and match (matches.services
    # answers 404 to any other organisation and to roles that register nothing).
    "POST /api/matches/involvements/{involvement_id}/end": OBJECT_POST,
    "GET /api/matches/": roles(INVOLVEMENT_ROLES),
    "POST /api/matches/{match_id}/lead": OBJECT_POST,
}

#: The operations a partner system's client may call (kansrijk.clients), each with the scope
#: its token needs; the rule above applies to the client's role as well. Every other operation
#: answers a client 403 (insufficient scope).
CLIENT_SCOPES: dict[str, str] = {
    "POST /api/matches/involvements": "involvement:write",
    "GET /api/matches/involvements": "involvement:write",
    "POST /api/matches/involvements/{involvement_id}/end": "involvement:write",
    "GET /api/matches/": "matches:read",
    "POST /api/matches/{match_id}/lead": "matches:read",
    "POST /api/signals": "signals:write",
    "GET /api/pupils": "signals:write",
    "GET /api/monitor/figures": "monitor:read",
    "GET /api/monitor/references": "monitor:read",
}


def named_pages() -> dict[str, tuple[str, ...]]:
    """Every named page of the URL configuration (the API excluded), with the names of its URL
    arguments: what needs an entry here (tests/access/test_matrix_walk.py), what a walk of
    every page asks (bench/sweep.py)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, tuple[str, ...]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, tuple(pattern.pattern.converters)

    return {
        name: args
        for name, args in walk(get_resolver().url_patterns, None)
        if not name.startswith("api:")
    }
