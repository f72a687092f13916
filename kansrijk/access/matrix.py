"""THE permission matrix: role × relation to the case × action.

Need-to-know: each role sees only what its part in a case needs. A grant is looked up
as MATRIX[role][relation] ∋ action. `access.policies` turns this table into query
filters, so lists are filtered inside the database and object checks agree with lists.
"""

from __future__ import annotations

from enum import StrEnum

from kansrijk.access.roles import Role


class Action(StrEnum):
    EXISTS = "exists"  # see that a case exists
    SUMMARY = "summary"  # state, contact person, plan, own actions
    FULL = "full"  # the whole file, notes and contacts included
    EDIT = "edit"  # add notes, contacts, plan versions
    TRANSITION = "transition"  # take a step on the route
    EXPORT = "export"  # print, export, inzage


class Relation(StrEnum):
    CONTACT_PERSON = "contact_person"  # the family's one contact person
    SUPPORT_TEAM = "support_team"  # on the case's support team (CaseMember)
    SIGNAL_AUTHOR = "signal_author"  # filed a signal on the case
    REFERRAL_RECIPIENT = "referral_recipient"  # their organisation received a referral
    SAME_LOCATION = "same_location"  # works at the case's child centre, no other tie
    EMERGENCY = "emergency"  # break-the-glass grant in force (kansrijk.safety)
    STAND_IN = "stand_in"  # stands in for an absent colleague on the case (kansrijk.standins)
    NONE = "none"  # no relation at all


_SUMMARY = frozenset({Action.EXISTS, Action.SUMMARY})
_READ = _SUMMARY | {Action.FULL}
_WORK = _READ | {Action.EDIT, Action.TRANSITION}
_ALL = _WORK | {Action.EXPORT}  # export (inzage) only for the family's contact person

MATRIX: dict[Role, dict[Relation, frozenset[Action]]] = {
    Role.TEACHER: {
        Relation.SIGNAL_AUTHOR: _SUMMARY,
        Relation.SUPPORT_TEAM: _SUMMARY,
    },
    Role.INTERNAL_COACH: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.SIGNAL_AUTHOR: _WORK,
        Relation.SAME_LOCATION: _WORK,
    },
    Role.DIRECTOR: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SAME_LOCATION: _SUMMARY,
    },
    Role.COORDINATOR: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.SAME_LOCATION: _SUMMARY | {Action.TRANSITION},
    },
    Role.EDUCATION_SPECIALIST: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.STAND_IN: _WORK,
    },
    Role.FAMILY_SPECIALIST: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.STAND_IN: _WORK,  # during a colleague's absence of more than a day
    },
    Role.PSYCHOLOGIST: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.REFERRAL_RECIPIENT: _READ,
    },
    Role.BEHAVIOURAL_SCIENTIST: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.REFERRAL_RECIPIENT: _READ,
    },
    Role.DISTRICT_TEAM: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.REFERRAL_RECIPIENT: _READ,
    },
    Role.CHILD_PROTECTION: {
        Relation.CONTACT_PERSON: _ALL,
        Relation.SUPPORT_TEAM: _WORK,
        Relation.REFERRAL_RECIPIENT: _READ,
    },
    Role.SCHOOL_NURSE: {
        Relation.CONTACT_PERSON: _ALL,  # the first line for 0–4 (issue 12)
        Relation.SIGNAL_AUTHOR: _SUMMARY,
        Relation.SUPPORT_TEAM: _WORK,
    },
    Role.COMMUNITY_OFFICER: {
        Relation.SUPPORT_TEAM: _SUMMARY,
    },
    Role.CHILDCARE_WORKER: {
        Relation.SIGNAL_AUTHOR: _SUMMARY,
    },
    Role.POLICY_OFFICER: {},
    Role.AREA_MANAGER: {},
    Role.LANGUAGE_WORKER: {},
    Role.AFTER_SCHOOL: {},
    Role.CONSULTATION_PARTNER: {},
    # Programme lines 3 and 4 (issue 16): their own objects (arrangements, dyslexia files)
    # decide what they see; no zorgroute case through a relation.
    Role.DYSLEXIA_GATEKEEPER: {},
    Role.CARE_PROVIDER: {},
    Role.MUNICIPALITY_OFFICER: {},
    Role.PRIVACY_OFFICER: {},
    Role.ADMINISTRATOR: {},
}

#: Break-the-glass (kansrijk.safety.models.EmergencyAccess): professionals who work with
#: children's files may read a case without a relation for a short time, with a stated
#: reason that is logged and reviewed; never edit, transition or export. Teachers and
#: childcare workers are left out (in an emergency they file a safety signal, which alerts
#: the coordinator at once), as are the community officer (police see a case only when
#: involved with a recorded reason) and the roles that never see files.
EMERGENCY_ROLES = frozenset(
    {
        Role.INTERNAL_COACH,
        Role.DIRECTOR,
        Role.COORDINATOR,
        Role.EDUCATION_SPECIALIST,
        Role.FAMILY_SPECIALIST,
        Role.PSYCHOLOGIST,
        Role.BEHAVIOURAL_SCIENTIST,
        Role.DISTRICT_TEAM,
        Role.SCHOOL_NURSE,
    }
)
for _role in EMERGENCY_ROLES:
    MATRIX[_role][Relation.EMERGENCY] = _READ

#: Roles that may file a signal about a pupil of their own location.
SIGNALLING_ROLES = frozenset(
    {
        Role.TEACHER,
        Role.INTERNAL_COACH,
        Role.DIRECTOR,
        Role.SCHOOL_NURSE,
        Role.CHILDCARE_WORKER,
        Role.FAMILY_SPECIALIST,
        Role.EDUCATION_SPECIALIST,
    }
)
#: Roles that set up and chair meeting series (the weekly care meeting; a school's VOT).
CHAIR_ROLES = frozenset({Role.COORDINATOR, Role.INTERNAL_COACH})
#: Roles that keep the joint list of vulnerable families (seed 001), each from own sources.
VULNERABLE_LIST_ROLES = frozenset({Role.COORDINATOR, Role.EDUCATION_SPECIALIST, Role.AREA_MANAGER})
#: Roles that see the attention list of their school (seed 001: SWV-er and IB, shared with GS).
ATTENTION_LIST_ROLES = frozenset(
    {Role.INTERNAL_COACH, Role.EDUCATION_SPECIALIST, Role.FAMILY_SPECIALIST, Role.COORDINATOR}
)


def allows(role: str, relation: Relation, action: Action) -> bool:
    return action in MATRIX.get(Role(role), {}).get(relation, frozenset())


#: Who sees the monitor (aggregates only, never a child): the coordinator, the municipality's
#: policy officers and the SWV see every centre of the region; a director their own centre
#: and the region as a whole (kansrijk.monitor.audience applies it per centre).
MONITOR_REGION_ROLES = frozenset({Role.COORDINATOR, Role.POLICY_OFFICER, Role.EDUCATION_SPECIALIST})
MONITOR_CENTRE_ROLES = frozenset({Role.DIRECTOR})
MONITOR_ROLES = MONITOR_REGION_ROLES | MONITOR_CENTRE_ROLES
