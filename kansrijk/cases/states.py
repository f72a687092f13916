"""The states, outcomes and answers of the zorgroute: the vocabulary the transition table
(cases.workflow) and the models share. Kept apart so that models need not import the table,
whose rows carry their effects."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    SIGNALLED = "signalled", _("Signalled")
    SCHOOL_PLAN = "school_plan", _("School plan")
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting consent")
    ON_ATTENTION_LIST = "on_attention_list", _("On attention list")
    CHECKED = "checked", _("Checked with district team")
    IN_SUPPORT = "in_support", _("In support")
    EVALUATED = "evaluated", _("Evaluated in support-team meeting")
    ESCALATED = "escalated", _("Escalated")
    AWAITING_VEILIG_THUIS = "awaiting_veilig_thuis", _("Awaiting Veilig Thuis's answer")
    CLOSED = "closed", _("Closed")
    # The 0–4 route (issue 12), next to the school route in the same table.
    EARLY_CONSULTATION = "early_consultation", _("CJG consultation (0–4)")
    EARLY_SUPPORT = "early_support", _("Early support: VVE, parent room, language")


OPEN_STATES = frozenset(s for s in CaseState if s != CaseState.CLOSED)
#: States before the support begins: advice may be enough from any of them (seed 003).
BEFORE_SUPPORT_STATES = frozenset(
    {
        CaseState.SIGNALLED,
        CaseState.SCHOOL_PLAN,
        CaseState.AWAITING_CONSENT,
        CaseState.ON_ATTENTION_LIST,
        CaseState.CHECKED,
    }
)
#: States in which a pupil stands on the school's attention list (seed 001, step 1).
ATTENTION_LIST_STATES = frozenset(
    {
        CaseState.ON_ATTENTION_LIST,
        CaseState.CHECKED,
        CaseState.IN_SUPPORT,
        CaseState.EVALUATED,
        CaseState.ESCALATED,
    }
)


class Outcome(models.TextChoices):
    """How a case ended; the monitor counts these (seed 002, DESIGN §2)."""

    STAYED_REGULAR = "stayed_regular", _("Stayed in regular provision")
    SCHOOL_ALONE = "school_alone", _("Resolved by the school alone")
    WITH_FAMILY_SPECIALIST = "with_family_specialist", _("Resolved with the family specialist")
    SPECIAL_EDUCATION = "special_education", _("Referred to special education (SBO/SO/VSO)")
    SPECIALIST_YOUTH_CARE = "specialist_youth_care", _("Referred to specialist youth care")
    VEILIG_THUIS = "veilig_thuis", _("Reported to Veilig Thuis")
    MOVED_AWAY = "moved_away", _("Moved away")
    ADVICE_GIVEN = "advice_given", _("Advice given")


class ConsentAnswer(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")


class DistrictTeamCheck(models.TextChoices):
    NOT_KNOWN = "not_known", _("Not known to the district team")
    ALREADY_KNOWN = "already_known", _("Already known")


class EscalationTarget(models.TextChoices):
    DISTRICT_TEAM = "district_team", _("District team")
    PSYCHOLOGIST = "psychologist", _("GGZ psychologist")
    BEHAVIOURAL_SCIENTIST = "behavioural_scientist", _("Behavioural scientist")
    CHILD_PROTECTION = "child_protection", _("Child protection (Jeugdbescherming)")
