"""The coordinator sets who stands in for an absence; the stand-in is told."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from kansrijk.access.policies import roles_of
from kansrijk.access.roles import Role
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Professional
from kansrijk.notifications.services import notify
from kansrijk.roster.models import Absence
from kansrijk.standins.models import StandIn
from kansrijk.standins.selectors import candidates_for


def stand_in_set(
    *, by: Professional, absence_id: int, stand_in: Professional | None
) -> StandIn | None:
    """Choose (or, with None, clear) the stand-in of an absence; only the coordinator."""
    if Role.COORDINATOR not in roles_of(by):
        raise NotFound
    with transaction.atomic():
        absence = Absence.objects.select_related("professional").filter(pk=absence_id).first()
        if absence is None:
            raise NotFound
        if stand_in is None:
            StandIn.objects.filter(absence=absence).delete()
            return None
        if not candidates_for(absence).filter(pk=stand_in.pk).exists():
            raise CaseError(
                _("Choose a colleague in the same role who is not the absent person."),
                field="stand_in",
            )
        chosen, _created = StandIn.objects.update_or_create(
            absence=absence, defaults={"stand_in": stand_in, "set_by": by}
        )
        notify(
            to=stand_in,
            subject=_("You stand in for %(person)s until %(day)s")
            % {
                "person": absence.professional,
                "day": formats.date_format(absence.end, "j F Y"),
            },
            body=_("Their cases and actions are on your My work page."),
            url=reverse("cases:my_work"),
        )
    return chosen
