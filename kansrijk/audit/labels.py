"""What the access log's stored values say to a reader: role codes, purposes and details are
kept as written (the entries are hash-chained and never change) and labelled when shown.

A value with no label is shown as stored; tests/core/test_catalogue.py checks that every value
the product writes has one.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role
from kansrijk.audit.models import Event

#: Fixed purposes, as services write them.
PURPOSES: dict[str, Promise] = {
    "authentication": _("signing in"),
    "management": _("management"),
    "privacy supervision (NEN 7513)": _("privacy supervision (NEN 7513)"),
    "zorgroute": _("care route"),
    "zorgroute: plan": _("care route: plan"),
    "signal": _("signal"),
    "consent register": _("consent register"),
    "consent register (family portal)": _("consent register (family portal)"),
    "disclosures on a legal ground": _("disclosures on a legal ground"),
    "repeat of an earlier request (Idempotency-Key)": _("repeat of an earlier request"),
    "warm handover": _("warm handover"),
    "pupil import": _("pupil import"),
    "staff import": _("staff import"),
    "meeting": _("meeting"),
    "meeting minutes": _("meeting minutes"),
    "my actions": _("my actions"),
    "monitor: parents' experience": _("monitor: parents' experience"),
    "monitor: aggregated figures": _("monitor: aggregated figures"),
    "monitor: parents' comments": _("monitor: parents' comments"),
    "family portal": _("family portal"),
    "message to the family": _("message to the family"),
    "first-door question": _("first-door question"),
    "first-door questions": _("first-door questions"),
    "inzage (AVG art. 15)": _("inzage (AVG art. 15)"),
    "roster": _("roster"),
    "non-response": _("families that do not respond"),
    "vulnerable families": _("vulnerable families"),
    "meldcode": _("meldcode"),
    "safety route": _("safety route"),
    "meldcode: report to Veilig Thuis": _("meldcode: report to Veilig Thuis"),
    "break the glass": _("emergency access"),
    "break the glass: review": _("emergency access: review"),
    "break the glass: search": _("emergency access: search"),
    "discuss_in_vot": _("Discuss in the support-team meeting"),
    "share_with_district_team": _("Share with the district team"),
    "warm_handover": _("Warm handover"),
    "referral": _("Referral"),
    "joint_team": _("Joint team of school and youth care (integrated arrangement)"),
    "dyslexia_referral": _("Dyslexia file to the gatekeeper and care provider"),
    "attention list": _("attention list"),
    "school agreement": _("agreement about school"),
    "referrals": _("referrals"),
    "referral answer": _("answering a referral"),
    "zorgroute: support team thread": _("care route: support-team messages"),
    "homework support": _("homework support"),
    "my work: stand-in": _("my work: standing in"),
    "my work": _("my work"),
    "case list": _("list of cases"),
    "integrated arrangement": _("integrated arrangement"),
    "dyslexia file": _("dyslexia file"),
    "match register": _("match register"),
    "partner systems": _("partner systems"),
}
#: Purposes written as "prefix: what was typed or chosen"; the prefix is labelled, the rest kept.
PURPOSE_PREFIXES: dict[str, Promise] = {
    "break the glass": _("emergency access"),
    "disclosure on legal ground": _("disclosure on a legal ground"),
    "retention": _("retention"),
}
DETAILS: dict[str, Promise] = {
    "created": _("created"),
    "edited": _("edited"),
    "started": _("started"),
    "renewed": _("renewed"),
    "full file": _("whole file"),
    "summary": _("summary"),
    # The tabs of the case page other than the overview (cases.views.CASE_TABS).
    "full file: journal": _("whole file: journal"),
    "full file: family": _("whole file: family"),
    "full file: network": _("whole file: network"),
    "summary: journal": _("summary: journal"),
    "summary: family": _("summary: family"),
    "summary: network": _("summary: network"),
    "calendar feed created": _("calendar address made"),
    "calendar feed revoked": _("calendar address revoked"),
    "prepared": _("prepared"),
    "conversation planned": _("conversation planned"),
    "conversation held": _("conversation held"),
    "followed up": _("followed up"),
}
OTHER_ROLES: dict[str, Promise] = {"guardian": _("parent"), "system": _("system")}


def role_label(value: str) -> str:
    """'family_specialist,teacher' → 'gezinsspecialist, leerkracht'."""
    labels = []
    for code in filter(None, (c.strip() for c in value.split(","))):
        if code in Role.values:
            labels.append(str(Role(code).label))
        else:
            labels.append(str(OTHER_ROLES.get(code, code)))
    return ", ".join(labels)


def purpose_label(value: str) -> str:
    if value in PURPOSES:
        return str(PURPOSES[value])
    prefix, sep, rest = value.partition(": ")
    if sep and prefix in PURPOSE_PREFIXES:
        return f"{PURPOSE_PREFIXES[prefix]}: {rest}"
    return value


def detail_label(value: str) -> str:
    if value in DETAILS:
        return str(DETAILS[value])
    step = re.fullmatch(r"transition (\w+)", value)
    if step:
        from kansrijk.cases.workflow import TRANSITIONS

        labels = {t.name: t.label for t in TRANSITIONS}
        if step.group(1) in labels:
            return gettext("step: %(step)s") % {"step": labels[step.group(1)]}
    return value


def event_label(value: str) -> str:
    return str(Event(value).label) if value in Event.values else value
