"""The consent register of a case, and the coordinator's list of disclosures on a legal ground."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.audit.models import Event
from kansrijk.audit.paging import log_ids
from kansrijk.audit.services import log_access
from kansrijk.cases import selectors as case_selectors
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case
from kansrijk.consent import selectors, services
from kansrijk.consent.forms import ConsentForm, LegalGroundForm
from kansrijk.core.models import Professional


def _case(request: HttpRequest, case_id: int, action: Action) -> Case:
    try:
        return case_selectors.case_for(request.user, case_id, action)  # type: ignore[arg-type]
    except NotFound as missing:
        raise Http404 from missing


def register(request: HttpRequest, case_id: int) -> HttpResponse:
    """Every answer about every child of the family: in force, and the history behind it."""
    user: Professional = request.user  # type: ignore[assignment]
    case = _case(request, case_id, Action.FULL)
    editable = can(user, Action.EDIT, case)
    consent_form = ConsentForm(request.POST or None, case=case) if editable else None
    ground_form = LegalGroundForm(request.POST or None) if editable else None
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404
        form = ground_form if request.POST.get("form") == "ground" else consent_form
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is ground_form:
                    services.legal_ground_record(
                        by=user,
                        case_id=case.pk,
                        organisation=data["organisation"],
                        ground=data["ground"],
                        explanation=data["explanation"],
                    )
                    messages.warning(
                        request, _("Legal ground recorded; the coordinator has been told.")
                    )
                else:
                    services.consent_record(
                        by=user,
                        case_id=case.pk,
                        child=data["child"],
                        purpose=data["purpose"],
                        status=data["status"],
                        method=data["method"],
                        recipient=data["recipient"],
                        guardian=data["guardian"],
                        by_child=data["by_child"],
                        valid_until=data["valid_until"],
                    )
                    messages.success(request, _("Answer recorded in the consent register."))
            except CaseError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("consent:register", case_id=case.pk)
        status = 400
    consents = list(selectors.consents_of_family(case.family_id))
    log_access(
        by=user,
        event=Event.READ,
        purpose="consent register",
        case_id=case.pk,
        family_id=case.family_id,
    )
    return render(
        request,
        "consent/register.html",
        {
            "case": case,
            "in_force": [c for c in consents if c.superseded_at is None],
            "history": consents,
            "consent_form": consent_form,
            "ground_form": ground_form,
            "grounds": list(case.legal_grounds.select_related("organisation", "recorded_by")),
        },
        status=status,
    )


def legal_grounds(request: HttpRequest) -> HttpResponse:
    """The coordinator sees every disclosure without consent in their centres."""
    user: Professional = request.user  # type: ignore[assignment]
    locations = services.coordinator_locations(user)
    if not locations:
        raise Http404
    grounds = list(selectors.legal_grounds_visible_to_coordinator(locations)[:200])
    log_ids(
        [g.case_id for g in grounds],
        by=user,
        purpose="disclosures on a legal ground",
        opening="cases ",
    )
    return render(request, "consent/legal_grounds.html", {"grounds": grounds})
