"""Reading dyslexia files, filtered inside the query by `access.policies.dyslexia_sides`:
the school's IB its school's files, the gatekeeper the submitted files of their schools, a
dyslexia care provider the referrals made to it, the municipality the decisions it issues."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from kansrijk.access.policies import dyslexia_sides
from kansrijk.cases.errors import NotFound
from kansrijk.cases.models import Child
from kansrijk.consent.models import Consent, Purpose
from kansrijk.consent.selectors import in_force
from kansrijk.core.models import Organisation, Professional
from kansrijk.dyslexia.models import WITH_GATEKEEPER, DyslexiaFile, Status


def _school_side(user: Professional) -> Q:
    return Q(school__in=dyslexia_sides(user).schools)


def _gatekeeper_side(user: Professional) -> Q:
    return Q(school__in=dyslexia_sides(user).assessed, first_submitted_at__isnull=False)


def _provider_side(user: Professional) -> Q:
    return Q(provider__in=dyslexia_sides(user).providers, status=Status.REFERRED)


def _listed() -> QuerySet[DyslexiaFile]:
    return DyslexiaFile.objects.select_related("child", "school").order_by("-created_at", "-id")


def files_of_school(user: Professional) -> QuerySet[DyslexiaFile]:
    """The IB's files of their school (paged by the page)."""
    return _listed().filter(_school_side(user))


def work_list(user: Professional) -> QuerySet[DyslexiaFile]:
    """The gatekeeper's files: waiting first (oldest submission first), then the rest."""
    return (
        DyslexiaFile.objects.filter(_gatekeeper_side(user))
        .select_related("child", "school")
        .order_by("submitted_at", "id")
    )


def waiting_for_gatekeeper(user: Professional) -> QuerySet[DyslexiaFile]:
    return work_list(user).filter(status__in=WITH_GATEKEEPER)


def referrals_to(user: Professional) -> QuerySet[DyslexiaFile]:
    """The referrals made to the care provider's organisation."""
    return (
        DyslexiaFile.objects.filter(_provider_side(user))
        .select_related("child", "school", "provider")
        .order_by("-decided_at", "-id")
    )


def decisions_to_issue(user: Professional) -> QuerySet[DyslexiaFile]:
    """The referrals for which the officer's municipality issues the decision (EED under the
    Jeugdwet): the pupil only as far as the decision needs (docs/privacy.md)."""
    return (
        DyslexiaFile.objects.filter(
            municipality__in=dyslexia_sides(user).municipalities, status=Status.REFERRED
        )
        .select_related("child", "provider")
        .only(
            "pk",
            "status",
            "decided_at",
            "issued_at",
            "decision_number",
            "child__given_name",
            "child__family_name",
            "child__date_of_birth",
            "child__bsn",
            "provider__name",
            "municipality_id",
        )
        .order_by("issued_at", "decided_at", "id")
    )


def file_for(user: Professional, file_id: int) -> DyslexiaFile:
    """One file for the school, the gatekeeper or the provider it was referred to; 404 else."""
    condition = _school_side(user) | _gatekeeper_side(user) | _provider_side(user)
    found = (
        DyslexiaFile.objects.filter(condition, pk=file_id)
        .select_related("child", "child__family", "school", "provider", "municipality")
        .prefetch_related("measurements", "support", Prefetch("questions", to_attr="question_list"))
        .first()
    )
    if found is None:
        raise NotFound
    return found


def decision_for(user: Professional, file_id: int) -> DyslexiaFile:
    found = decisions_to_issue(user).filter(pk=file_id).first()
    if found is None:
        raise NotFound
    return found


def writes(user: Professional, file: DyslexiaFile) -> bool:
    return file.school_id in dyslexia_sides(user).schools


def assesses(user: Professional, file: DyslexiaFile) -> bool:
    return file.school_id in dyslexia_sides(user).assessed and file.first_submitted_at is not None


def pupils_of_school(user: Professional) -> QuerySet[Child]:
    return Child.objects.filter(
        location__in=dyslexia_sides(user).schools, left_on__isnull=True
    ).order_by("family_name", "given_name", "id")


def consent_in_force(file: DyslexiaFile) -> Consent | None:
    return (
        Consent.objects.filter(
            in_force(),
            child=file.child_id,
            purpose=Purpose.DYSLEXIA_REFERRAL,
            recipient__isnull=True,
        )
        .order_by("-recorded_at", "-id")
        .first()
    )


def dyslexia_providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.DYSLEXIA_CARE).order_by("name")


def municipalities() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name")
