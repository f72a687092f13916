"""The coordinator's page of absences and their stand-ins (staff data, no case content)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansrijk.access.policies import roles_of
from kansrijk.access.roles import Role
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Professional
from kansrijk.roster.models import Absence
from kansrijk.standins import selectors, services
from kansrijk.standins.forms import StandInForm


def _coordinator(request: HttpRequest) -> Professional:
    user: Professional = request.user  # type: ignore[assignment]
    if Role.COORDINATOR not in roles_of(user):
        raise Http404
    return user


def _rows(
    bound: tuple[int, StandInForm] | None = None,
) -> list[tuple[selectors.Cover, StandInForm]]:
    rows = []
    for cover in selectors.absences_for_coordinator():
        if bound is not None and bound[0] == cover.absence.pk:
            form = bound[1]
        else:
            initial = {"stand_in": cover.stand_ins[0].pk} if cover.chosen else {}
            form = StandInForm(
                initial=initial,
                candidates=selectors.candidates_for(cover.absence),
                prefix=f"a{cover.absence.pk}",
            )
        rows.append((cover, form))
    return rows


def index(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return render(request, "standins/index.html", {"rows": _rows()})


@require_POST
def stand_in_set(request: HttpRequest, absence_id: int) -> HttpResponse:
    user = _coordinator(request)
    absence = Absence.objects.filter(pk=absence_id).first()
    if absence is None:
        raise Http404
    form = StandInForm(
        request.POST, candidates=selectors.candidates_for(absence), prefix=f"a{absence.pk}"
    )
    if form.is_valid():
        try:
            services.stand_in_set(
                by=user, absence_id=absence.pk, stand_in=form.cleaned_data["stand_in"]
            )
        except NotFound as missing:
            raise Http404 from missing
        except CaseError as error:
            form.add_error("stand_in", error.message)
        else:
            messages.success(request, _("Stand-in saved."))
            return redirect("standins:index")
    return render(request, "standins/index.html", {"rows": _rows((absence.pk, form))}, status=400)
