"""Families, children, cases and everything recorded on a case (DESIGN §2)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role
from kansrijk.cases.bsn import validate_bsn
from kansrijk.cases.states import CaseState, Outcome
from kansrijk.core.models import Location, Organisation


class Family(models.Model):
    name = models.CharField(_("family name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return self.name


class Child(models.Model):
    # Indexed with the child's id below (child_family_ids).
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="children", db_index=False
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    bsn = models.CharField(
        _("BSN"), max_length=9, null=True, blank=True, unique=True, validators=[validate_bsn]
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("school or childcare"),
    )
    group = models.CharField(_("group"), max_length=20, blank=True)
    #: The school's own number for the pupil (EDEXML `leerling/@key`, or the CSV column): an
    #: import matches a pupil by it or by BSN; unique within the location.
    pupil_number = models.CharField(_("pupil number"), max_length=64, blank=True, default="")
    left_on = models.DateField(_("left the school on"), null=True, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        indexes = [
            models.Index(fields=["location", "group"]),
            # A family's children from the index alone (the matrix's consent reach goes
            # from a case's family to its children's consents).
            models.Index(fields=["family"], include=["id"], name="child_family_ids"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "pupil_number"],
                condition=~models.Q(pupil_number=""),
                name="pupil_number_unique_per_location",
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Guardian(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    parental_authority = models.BooleanField(_("has parental authority"), default=True)
    #: From DigiD through the municipality's broker (kansrijk.portal): how the parent signs in.
    bsn = models.CharField(
        _("BSN"), max_length=9, null=True, blank=True, unique=True, validators=[validate_bsn]
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One per family ("1 gezin 1 plan"), with exactly one contact person at any time."""

    class Priority(models.IntegerChoices):
        SAFETY = 1, _("P1 — safety first")
        HIGH = 2, _("P2 — high")
        NORMAL = 3, _("P3 — normal")

    class Route(models.TextChoices):
        CARE = "care", _("Care route")
        SAFETY = "safety", _("Safety route")

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="cases")
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("child centre"),
        db_index=False,  # case_location_state_rows
    )
    state = models.CharField(
        _("state"), max_length=30, choices=CaseState.choices, default=CaseState.SIGNALLED
    )
    route = models.CharField(_("route"), max_length=10, choices=Route.choices, default=Route.CARE)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_cases",
        verbose_name=_("contact person"),
        db_index=False,  # case_contact_person_rows
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_step_at = models.DateTimeField(_("last step at"), default=timezone.now)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["family"],
                condition=~models.Q(state=CaseState.CLOSED),
                name="one_open_case_per_family",
            )
        ]
        indexes = [
            # The matrix's reaches read a centre's and a contact person's case ids from the
            # index alone, without a visit to each case's page of the table (issue 17: a
            # coordinator's ~1,500 cases lie on ~1,000 pages of the region's table, while a
            # tenth of the region's whole table takes 97), and with them the columns a page
            # ranks its lists by (access.policies.read_for_page's `also`).
            models.Index(
                fields=["location", "state"],
                include=["id", "priority", "last_step_at", "contact_person"],
                name="case_location_state_rows",
            ),
            models.Index(
                fields=["contact_person"],
                include=["id", "state", "priority", "last_step_at"],
                name="case_contact_person_rows",
            ),
            models.Index(fields=["state", "last_step_at"]),
            # The few P1 (safety) cases, which stand on top of every list.
            models.Index(fields=["id"], condition=models.Q(priority=1), name="case_safety_first"),
        ]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED


class ContactPersonAssignment(models.Model):
    """History of who was the family's one contact person, and since when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_history")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="one_current_contact_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional} ({self.started_at:%Y-%m-%d})"


class CaseMember(models.Model):
    """A professional on the case's support team, in a role, from the moment they were added."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_memberships",
        db_index=False,  # case_member_professional_role
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    #: The referral this worker was named for by the escalation: they are on the team while
    #: it stands, and leave it when another worker accepts it or it is returned
    #: (cases.effects.referral_answered). Empty for everyone else.
    referral = models.ForeignKey(
        "Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="named_members",
        verbose_name=_("referral"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "professional", "role"], name="case_member_unique"
            )
        ]
        indexes = [
            # A member's cases in a role from the index alone (the matrix's team reach).
            models.Index(
                fields=["professional", "role"],
                include=["case"],
                name="case_member_professional_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional} — {self.get_role_display()}"


class Signal(models.Model):
    class Domain(models.TextChoices):
        LEARNING = "learning", _("Learning")
        BEHAVIOUR = "behaviour", _("Behaviour")
        DEVELOPMENT = "development", _("Development")
        HOME = "home", _("Home situation")
        HEALTH = "health", _("Health")
        ATTENDANCE = "attendance", _("Attendance")
        MONEY_HOUSING = "money_housing", _("Money and housing")

    class Urgency(models.TextChoices):
        LOW = "low", _("Can wait a few weeks")
        NORMAL = "normal", _("Within two weeks")
        HIGH = "high", _("This week")

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="signals",
        db_index=False,  # signal_case_child_newest
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="signals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signals",
        db_index=False,  # signal_author_created_cases
    )
    author_role = models.CharField(max_length=30, choices=Role.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="signals")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    description = models.TextField(_("what did you notice?"))
    safety_concern = models.BooleanField(_("concerns about safety at home"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    #: Filed at the case's own child centre (both locations are fixed once written). Set by
    #: `services.signal_create`; False, the default, only costs an index row: the matrix's
    #: "same location" reach reads just the signals from elsewhere, as the case's own centre
    #: reaches the case already (issue 17: a centre's ~16 signals a case, read and hashed on
    #: every list of its IB, director and coordinator, became the cases from other centres).
    at_case_location = models.BooleanField(
        _("filed at the case's centre"), default=False, db_default=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A case's signals, and per child of the case its newest signals and their count
            # from the index alone (selectors.signals_shown, on every list that shows them).
            models.Index(
                fields=["case", "child", "-created_at", "-id"], name="signal_case_child_newest"
            ),
            # An author's signals newest first, and the cases they reach from the index alone
            # (the matrix's "own signal" reach).
            models.Index(
                fields=["author", "created_at"],
                include=["case"],
                name="signal_author_created_cases",
            ),
            # The matrix's "same location" reach: a location's cases through the signals
            # filed there about a case of another centre, read from the index alone
            # (access.registry.Reach).
            models.Index(
                fields=["location", "case"],
                condition=models.Q(at_case_location=False),
                name="signal_elsewhere_location_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} ({self.created_at:%Y-%m-%d})"


class PlanVersion(models.Model):
    """One version of the family's plan; a change makes a new version, old ones are kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField()
    summary = models.TextField(_("approach"), blank=True)
    evaluation_date = models.DateField(_("evaluation date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Goal(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class PlanAction(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plan_actions",
        null=True,
        blank=True,
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    #: In its case's current plan version while the case is open; set off when a newer
    #: version replaces it or the case closes (cases.effects.retire_actions), never on again.
    #: A person's open actions are then read from their live ones (`plan_action_live_owner`): an
    #: IB's undone actions of closed cases and older versions grow with the years (issue 17).
    live = models.BooleanField(
        _("in the current plan"), default=True, db_default=True, editable=False
    )

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_date", "id"],
                condition=models.Q(live=True, done=False),
                name="plan_action_live_owner",
            )
        ]

    def __str__(self) -> str:
        return self.description


class Referral(models.Model):
    """A case escalated to a function (`target`, a role) of an organisation; that function
    of that organisation gains need-to-know access, and once a worker took the referral,
    only that worker (cases.relations.referral_recipient)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    target = models.CharField(max_length=30, choices=Role.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Answer(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    #: The receiving organisation accepts (a worker takes it) or returns it with a reason;
    #: the sender sees which on the case (issue 14).
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answer_reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.target}"


class Step(models.Model):
    """Append-only record of every transition of a case: from, to, by, when, why."""

    # Indexed with the moment and with the id below: a case's steps by either order.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps", db_index=False)
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, choices=CaseState.choices)
    to_state = models.CharField(max_length=30, choices=CaseState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    role = models.CharField(max_length=30, choices=Role.choices)
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "at"]),
            # The step written last (`workflow.signal_joined_last`, asked by every open case
            # page): without it PostgreSQL planned the newest of a case with 1,149 steps as a
            # backward walk of all steps (791 ms at region scale 1.0, issue 17).
            models.Index(fields=["case", "id"], name="step_case_written"),
        ]

    def __str__(self) -> str:
        return f"{self.transition} ({self.from_state} → {self.to_state})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Steps are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Steps are append-only.")


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d}"


class FamilyContact(models.Model):
    """A logged contact with the family: by phone, WhatsApp, a home visit (seed 001, step 3)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WHATSAPP = "whatsapp", _("WhatsApp")
        HOME_VISIT = "home_visit", _("Home visit")
        VIDEO = "video", _("Video call")
        AT_SCHOOL = "at_school", _("At school")
        EMAIL = "email", _("E-mail")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_contacts")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.TextField(_("summary"))

    class Meta:
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} ({self.happened_at:%Y-%m-%d})"
