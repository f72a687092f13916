"""The dyslexia gatekeeper in the Westwijk demo (issue 16): at each child centre one dyslexia
file in every state, written through the services by the centre's IB and the gatekeeper;
submission and decision dates spread over the past months so the monitor has lead times."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from kansrijk.cases.errors import CaseError
from kansrijk.cases.models import Child
from kansrijk.core.models import Location, Organisation, Professional
from kansrijk.dyslexia import services
from kansrijk.dyslexia.models import DyslexiaFile, Status

#: The states a demo file is left in, one pupil each (groups 4 to 6).
STATES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.MORE_INFORMATION,
    Status.UNDER_REVIEW,
    Status.REFERRED,
    Status.NOT_REFERRED,
    Status.WITHDRAWN,
)
CENTRES = ("pwa", "schakel", "wereldwijzer")
#: Per centre, how many days the gatekeeper took (the monitor's lead time differs per school).
LEAD_DAYS = {"pwa": 9, "schakel": 16, "wereldwijzer": 30}


def _person(username: str) -> Professional | None:
    return Professional.objects.filter(username=username, is_active=True).first()


def _fill(ib: Professional, file: DyslexiaFile, *, measurements: int, percentile: int) -> None:
    today = timezone.localdate()
    for number in range(measurements):
        services.measurement_add(
            by=ib,
            file_id=file.pk,
            measured_on=today - datetime.timedelta(weeks=60 - 20 * number),
            test="dmt",
            skill="reading",
            score=str(20 + 3 * number),
            percentile=percentile + number % 2,
            level="V",
        )
    for number in range(2):
        begin = today - datetime.timedelta(weeks=50 - 16 * number)
        services.support_add(
            by=ib,
            file_id=file.pk,
            started_on=begin,
            ended_on=begin + datetime.timedelta(weeks=12),
            approach="Drie keer per week twintig minuten extra lees-instructie in een klein "
            "groepje (niveau 3), met Connect Klanken en Letters.",
            minutes_per_week=60,
            result="Kleine vooruitgang in tempo; de achterstand blijft groot.",
        )
    services.exclusion_record(
        by=ib,
        file_id=file.pk,
        hearing_checked=True,
        vision_checked=True,
        iq_indication="average_or_above",
        absence="normal",
        other_causes="Geen; de leerling gaat graag naar school.",
    )
    services.consent_record(by=ib, file_id=file.pk, given=True, method="paper")


def _file(
    child: Child,
    state: str,
    ib: Professional,
    gatekeeper: Professional,
    provider: Organisation,
    municipality: Organisation,
    lead_days: int,
) -> None:
    file = services.file_open(by=ib, child=child)
    if state == Status.DRAFT:
        _fill(ib, file, measurements=2, percentile=7)
        return
    if state == Status.WITHDRAWN:
        services.file_withdraw(by=ib, file_id=file.pk)
        return
    short = state == Status.MORE_INFORMATION
    _fill(ib, file, measurements=2 if short else 3, percentile=25 if state == "not_referred" else 6)
    services.file_submit(by=ib, file_id=file.pk)
    if state == Status.MORE_INFORMATION:
        services.question_ask(
            by=gatekeeper,
            file_id=file.pk,
            text="De derde DMT-meting ontbreekt. Wil je die toevoegen?",
        )
    elif state == Status.UNDER_REVIEW:
        services.file_review(by=gatekeeper, file_id=file.pk)
    elif state == Status.REFERRED:
        services.file_decide(
            by=gatekeeper,
            file_id=file.pk,
            refer=True,
            provider=provider,
            municipality=municipality,
        )
    elif state == Status.NOT_REFERRED:
        services.file_decide(
            by=gatekeeper,
            file_id=file.pk,
            refer=False,
            reason="Het lezen ligt rond percentiel 25: geen ernstige achterstand.",
            advice="Zet de intensieve leesbegeleiding voort en toets over drie maanden opnieuw.",
        )
    now = timezone.now()
    submitted = now - datetime.timedelta(days=lead_days + 20)
    DyslexiaFile.objects.filter(pk=file.pk).update(
        first_submitted_at=submitted,
        submitted_at=submitted,
        decided_at=(
            submitted + datetime.timedelta(days=lead_days)
            if state in (Status.REFERRED, Status.NOT_REFERRED)
            else None
        ),
    )


def seed_dyslexia_demo() -> dict[str, int]:
    """One file in every state per Westwijk child centre (idempotent)."""
    made = {"files": 0}
    gatekeeper = _person("poortwachter")
    provider = Organisation.objects.filter(kind=Organisation.Kind.DYSLEXIA_CARE).first()
    municipality = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).first()
    if gatekeeper is None or provider is None or municipality is None:
        return made
    with transaction.atomic():
        for code in CENTRES:
            centre = Location.objects.filter(code=code).first()
            ib = _person(f"ib.{code}")
            if centre is None or ib is None or DyslexiaFile.objects.filter(school=centre).exists():
                continue
            pupils = (
                Child.objects.filter(
                    location=centre,
                    group__in=["4", "5", "6"],
                    family__guardians__parental_authority=True,
                )
                .distinct()
                .order_by("id")
            )
            states = iter(STATES)
            state = next(states, None)
            for child in pupils:
                if state is None:
                    break
                try:
                    with transaction.atomic():
                        _file(child, state, ib, gatekeeper, provider, municipality, LEAD_DAYS[code])
                except CaseError:
                    continue  # e.g. no parent who may answer: the next pupil takes this state
                made["files"] += 1
                state = next(states, None)
    return made
