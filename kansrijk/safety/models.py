"""The safety route of seed 001: the meldcode, reports to Veilig Thuis, families that do not
respond, the joint list of vulnerable families, childcare contacts and break-the-glass.

A safety signal puts the case on the safety route at priority 1 and opens a meldcode; the
meldcode's steps are append-only records (who, when, what), like the case's own steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

from kansrijk.cases.models import Case, Child, Family
from kansrijk.core.models import Location


class MeldcodeStepNumber(models.IntegerChoices):
    """The five steps of the meldcode huiselijk geweld en kindermishandeling."""

    MAP_SIGNALS = 1, _("Step 1: map the signals")
    CONSULT = 2, _("Step 2: consult a colleague and, where needed, Veilig Thuis")
    TALK = 3, _("Step 3: talk with the parents (and the child)")
    WEIGH = 4, _("Step 4: weigh the violence or abuse (afwegingskader)")
    DECIDE = 5, _("Step 5: decide: report, organise help, or both")


class Decision(models.TextChoices):
    REPORT = "report", _("Report to Veilig Thuis")
    HELP = "help", _("Organise help")
    BOTH = "both", _("Report to Veilig Thuis and organise help")


#: The afwegingskader's five questions (step 4), in order; each answer is recorded.
WEIGHING_QUESTIONS: tuple[tuple[str, StrOrPromise], ...] = (
    ("q1", _("1. Is there a suspicion of domestic violence or child abuse?")),
    ("q2", _("2. Is there acute or structural unsafety?")),
    ("q3", _("3. Am I, in my professional role, able to offer or organise sufficient help?")),
    ("q4", _("4. Do the parties accept the help?")),
    ("q5", _("5. Does the help lead to the desired result within the agreed time?")),
)


class Meldcode(models.Model):
    """One run of the meldcode on a case. It is open until the decision is taken and, when
    the decision is to report, the report to Veilig Thuis is recorded; while it is open the
    case cannot be closed (cases.workflow guard)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meldcodes")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    next_step = models.PositiveSmallIntegerField(default=MeldcodeStepNumber.MAP_SIGNALS)
    acute = models.BooleanField(_("acute or structural unsafety"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("meldcode")
        verbose_name_plural = _("meldcodes")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(finished_at__isnull=True),
                name="one_open_meldcode_per_case",
            )
        ]

    def __str__(self) -> str:
        return _("Meldcode for case %(number)s") % {"number": self.case_id}

    @property
    def is_open(self) -> bool:
        return self.finished_at is None

    @property
    def report_due(self) -> bool:
        """Acute unsafety or a decision to report, and no report recorded yet."""
        return self.is_open and (self.acute or self.decision in {Decision.REPORT, Decision.BOTH})


class MeldcodeStep(models.Model):
    """Append-only record of one meldcode step: who, when and what."""

    meldcode = models.ForeignKey(Meldcode, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(choices=MeldcodeStepNumber.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    summary = models.TextField(_("what was done"))
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["number", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meldcode", "number"], name="meldcode_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_number_display()} ({self.meldcode_id})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Meldcode steps are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type,unused-ignore]


class VeiligThuisReport(models.Model):
    """A report (melding) to Veilig Thuis: when, by whom, and Veilig Thuis's reference."""

    meldcode = models.OneToOneField(Meldcode, on_delete=models.CASCADE, related_name="report")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="veilig_thuis_reports")
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("Veilig Thuis reference"), max_length=100)
    acute = models.BooleanField(_("reported at once (acute)"), default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class ContactAttempt(models.Model):
    """The school tried to reach a family and got no answer (seed 001: 'gezinnen die niet
    reageren op berichten van school')."""

    class Kind(models.TextChoices):
        MISSED_APPOINTMENT = "missed_appointment", _("Missed appointment")
        UNANSWERED = "unanswered", _("Message not answered")
        ABSENCE = "absence", _("Repeated absence")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="contact_attempts")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+", null=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    happened_on = models.DateField(_("when"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    #: Set when the coordinator marks the family as responding again; it no longer counts.
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["family", "settled_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


class NonResponseFlag(models.Model):
    """The family crossed the threshold of unanswered attempts; the coordinator follows up."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    resolution = models.CharField(_("follow-up"), max_length=500, blank=True)

    class FollowUp(models.TextChoices):
        """What the coordinator chooses (seed 001: 'Als gezinnen niet reageren ...')."""

        ASK_DISTRICT_TEAM = (
            "ask_district_team",
            _("Ask the district team whether they know the family"),
        )
        COMMUNITY_OFFICER = "community_officer", _("Involve the community officer")
        HOME_VISIT = "home_visit", _("Plan a home visit")
        VEILIG_THUIS = "veilig_thuis", _("Report to Veilig Thuis (meldcode)")

    follow_up = models.CharField(
        _("follow-up chosen"), max_length=30, choices=FollowUp.choices, blank=True
    )
    #: ASK_DISTRICT_TEAM: the family's own team (by postcode) and its answer.
    district_team = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    district_team_answer = models.CharField(_("district team's answer"), max_length=500, blank=True)
    district_team_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-flagged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_non_response_flag",
            )
        ]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.attempts}"


class VulnerableFamily(models.Model):
    """One entry on the joint list of vulnerable families (seed 001: 'Het SWV en de
    gebiedsmanagers gaan een lijst maken met kwetsbare kinderen die bekend zijn')."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=100)
    reason = models.CharField(_("short reason"), max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_role = models.CharField(max_length=30)
    added_at = models.DateTimeField(default=timezone.now)
    # Seed 001: "Deze kinderen vragen een andere, nader te bepalen aanpak": the approach, who
    # owns it and when the list looks again; closed with a reason.
    approach = models.CharField(_("approach"), max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("owner"),
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)

    class Meta:
        ordering = ["family__name", "-added_at", "-id"]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.source}"


class ChildcareContact(models.Model):
    """The fixed contact person in the district team for one childcare location (seed 001:
    'Er komt een vaste contactpersoon vanuit de wijkteams voor KO')."""

    location = models.OneToOneField(
        Location,
        on_delete=models.CASCADE,
        related_name="childcare_contact",
        verbose_name=_("childcare location"),
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact person in the district team"),
    )

    class Meta:
        verbose_name = _("childcare contact")
        verbose_name_plural = _("childcare contacts")

    def __str__(self) -> str:
        return f"{self.location_id}: {self.professional_id}"


class EmergencyAccess(models.Model):
    """Break-the-glass: a time-limited grant to read a case the user has no relation to,
    with a stated reason, logged and waiting for the coordinator's review."""

    class Review(models.TextChoices):
        APPROVED = "approved", _("Approved")
        FLAGGED = "flagged", _("Flagged for the privacy officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_grants"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_grants")
    reason = models.CharField(_("reason"), max_length=500)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["user", "case", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"
