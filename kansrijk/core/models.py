"""Organisations, their locations, and the professionals who work there (DESIGN §2)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansrijk.access.roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SCHOOL_BOARD = "school_board", _("School / child centre")
        CHILDCARE = "childcare", _("Childcare")
        SWV = "swv", _("School partnership (SWV)")
        CJG = "cjg", _("Youth health service (CJG)")
        DISTRICT_TEAM = "district_team", _("District team")
        MENTAL_HEALTH = "mental_health", _("Mental health care (GGZ)")
        POLICE = "police", _("Police")
        HOUSING = "housing", _("Housing corporation")
        DEBT_HELP = "debt_help", _("Debt help")
        FORMS_HELP = "forms_help", _("Forms help")
        YOUTH_WORK = "youth_work", _("Youth work")
        CHILD_PROTECTION = "child_protection", _("Child protection")
        MUNICIPALITY = "municipality", _("Municipality")
        COORDINATION = "coordination", _("Care coordination")
        PARTNER = "partner", _("Partner")
        SPECIAL_EDUCATION = "special_education", _("Special education (SBO/SO/VSO)")
        CARE_PROVIDER = "care_provider", _("Youth-care provider")
        DYSLEXIA_CARE = "dyslexia_care", _("Dyslexia care provider")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    class Kind(models.TextChoices):
        CHILD_CENTRE = "child_centre", _("Child centre")
        CHILDCARE = "childcare", _("Childcare location")
        OFFICE = "office", _("Office")
        SPECIAL_SCHOOL = "special_school", _("Special school (SBO/SO/VSO)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("short code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.CharField(_("district"), max_length=100, default="Westwijk")
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class DistrictArea(models.Model):
    """The district team that serves the addresses of a range of 4-digit postcodes, so that a
    family is matched with the team of where they live (issue 11)."""

    postcode_from = models.PositiveSmallIntegerField(
        _("postcode from"),
        validators=[MinValueValidator(1000), MaxValueValidator(9999)],
        help_text=_("The 4 digits of the first postcode, e.g. 3131."),
    )
    postcode_to = models.PositiveSmallIntegerField(
        _("postcode to"),
        validators=[MinValueValidator(1000), MaxValueValidator(9999)],
        help_text=_("The 4 digits of the last postcode (the same as the first for one)."),
    )
    district_team = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="district_areas",
        limit_choices_to={"kind": Organisation.Kind.DISTRICT_TEAM},
        verbose_name=_("district team"),
    )
    name = models.CharField(_("name of the area"), max_length=100, blank=True)

    class Meta:
        ordering = ["postcode_from"]
        verbose_name = _("district team area")
        verbose_name_plural = _("district team areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(postcode_from__lte=models.F("postcode_to")),
                name="district_area_range_in_order",
            )
        ]

    def __str__(self) -> str:
        postcodes = (
            str(self.postcode_from)
            if self.postcode_from == self.postcode_to
            else f"{self.postcode_from}–{self.postcode_to}"
        )
        return f"{postcodes}: {self.name or self.district_team}"

    def clean(self) -> None:
        """Ranges may not overlap: one postcode, one district team."""
        if self.postcode_from is None or self.postcode_to is None:
            return
        if self.postcode_from > self.postcode_to:
            raise ValidationError(
                {"postcode_to": _("The last postcode must not come before the first.")}
            )
        overlapping = (
            DistrictArea.objects.filter(
                postcode_from__lte=self.postcode_to, postcode_to__gte=self.postcode_from
            )
            .exclude(pk=self.pk)
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                _("These postcodes overlap with the area %(area)s.") % {"area": overlapping}
            )


class Group(models.Model):
    """A class of a school or a group of a childcare location; a pupil's `Child.group` names
    one, and a teacher's or childcare worker's membership lists the groups they teach."""

    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        CHILDCARE = "childcare", _("Childcare group")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLASS)

    class Meta:
        ordering = ["location__name", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="group_unique_per_location")
        ]

    def __str__(self) -> str:
        return f"{self.location} — {self.name}"


class Professional(AbstractUser):
    """A user of Kansrijk; what they may do follows from their memberships."""

    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")

    def __str__(self) -> str:
        return self.name_of(self.first_name, self.last_name, self.username)

    @staticmethod
    def name_of(first_name: str, last_name: str, username: str) -> str:
        """How a professional is named (their full name, else their username), also for the
        rows a list reads without building the professional (cases.selectors.signals_shown)."""
        return f"{first_name} {last_name}".strip() or username


class Membership(models.Model):
    """One role of a professional at an organisation, optionally at one of its locations."""

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    #: The groups a teacher or childcare worker teaches at the location: the pupils they may
    #: pick when filing a signal (need-to-know: their own groups, not the whole school).
    groups = models.ManyToManyField(
        Group, related_name="memberships", blank=True, verbose_name=_("groups")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "role", "organisation", "location"],
                name="membership_unique",
            )
        ]

    def __str__(self) -> str:
        where = self.location or self.organisation
        return f"{self.professional} — {self.get_role_display()} @ {where}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one task worker thread (manage.py worker), for /health: a
    worker that died or hangs is seen before reminders and retention are missed."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()
    started_at = models.DateTimeField()
    tasks_run = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyRecord(models.Model):
    """The first answer to a create, so that a repeat of the same request (a double click, the
    back button, a client's retry after a time-out) answers that result instead of creating a
    second one. Key: a page form's one-time token or the API's Idempotency-Key header, per
    professional. Kept for a day (kansrijk.core.idempotency)."""

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    #: None while the first request is still running.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["professional", "key"], name="idempotency_key_once")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
