"""The roles a professional can hold in a membership (GLOSSARY: People)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    INTERNAL_COACH = "internal_coach", _("Internal coach (IB)")
    DIRECTOR = "director", _("Director")
    COORDINATOR = "coordinator", _("Care coordinator")
    EDUCATION_SPECIALIST = "education_specialist", _("SWV specialist")
    FAMILY_SPECIALIST = "family_specialist", _("Family specialist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    BEHAVIOURAL_SCIENTIST = "behavioural_scientist", _("Behavioural scientist")
    SCHOOL_NURSE = "school_nurse", _("School nurse")
    DISTRICT_TEAM = "district_team", _("District team worker")
    COMMUNITY_OFFICER = "community_officer", _("Community officer")
    CHILDCARE_WORKER = "childcare_worker", _("Childcare worker")
    POLICY_OFFICER = "policy_officer", _("Policy officer")
    AREA_MANAGER = "area_manager", _("Area manager")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMINISTRATOR = "administrator", _("Functional administrator")
    LANGUAGE_WORKER = "language_worker", _("Language and parent-room worker")
    AFTER_SCHOOL = "after_school", _("After-school programme worker")
    CONSULTATION_PARTNER = "consultation_partner", _("Consultation-hour partner")
    # Programme lines 3 and 4 (seed 002, issue 16).
    DYSLEXIA_GATEKEEPER = "dyslexia_gatekeeper", _("Dyslexia gatekeeper (SWV)")
    CARE_PROVIDER = "care_provider", _("Youth-care provider worker")
    MUNICIPALITY_OFFICER = "municipality_officer", _("Municipality youth-care officer")
    # Escalation for the most vulnerable children (seed 001: JBBR must not withdraw).
    CHILD_PROTECTION = "child_protection", _("Child protection worker")


#: Roles that take part in the support-team meeting (VOT) of a school.
SUPPORT_TEAM_ROLES = frozenset(
    {Role.INTERNAL_COACH, Role.EDUCATION_SPECIALIST, Role.FAMILY_SPECIALIST}
)
#: Roles that can be asked to take over a case when it is escalated.
ESCALATION_ROLES = frozenset(
    {Role.DISTRICT_TEAM, Role.PSYCHOLOGIST, Role.BEHAVIOURAL_SCIENTIST, Role.CHILD_PROTECTION}
)
