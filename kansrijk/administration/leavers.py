"""Deactivating a leaver in one screen: each open case where they are the family's contact
person and each open plan action they own, with a successor to choose, then the account.

The screen names cases and actions by number, centre, state and due date only: the
administrator hands work over without reading it (no names, no descriptions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from kansrijk.accounts import services as account_services
from kansrijk.accounts.selectors import responsibilities_of
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.core.models import Membership, Professional
from kansrijk.safety.models import ChildcareContact


@dataclass
class Row:
    """One piece of work to hand over, and the successor chosen for it (if any)."""

    field: str
    pk: int
    label: str
    chosen: str


def successors_for(leaver: Professional) -> QuerySet[Professional]:
    """Active colleagues from the leaver's organisations (everyone active when none)."""
    organisations = Membership.objects.filter(professional=leaver).values("organisation")
    people = Professional.objects.filter(is_active=True).exclude(pk=leaver.pk)
    colleagues = people.filter(Q(memberships__organisation__in=organisations)).distinct()
    chosen = colleagues if colleagues.exists() else people
    return chosen.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("location"))
    ).order_by("first_name", "last_name", "pk")


def _person_label(person: Professional) -> str:
    roles = ", ".join(sorted({str(m.get_role_display()) for m in person.memberships.all()}))
    return f"{person} ({roles})" if roles else str(person)


class DeactivateView(View):
    model_admin: Any = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "POST"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        professional = get_object_or_404(Professional, pk=kwargs["object_id"])
        return self.handle(request, professional)

    def handle(self, request: HttpRequest, professional: Professional) -> HttpResponse:
        work = responsibilities_of(professional)
        candidates = list(successors_for(professional)) if work else []
        by_pk = {str(person.pk): person for person in candidates}
        posted = request.POST if request.method == "POST" else {}
        everything_to = posted.get("all", "")
        rows = [
            Row(
                f"case-{case.pk}",
                case.pk,
                _("Case %(number)s · %(centre)s · %(state)s")
                % {
                    "number": case.pk,
                    "centre": case.location.name,
                    "state": case.get_state_display(),
                },
                posted.get(f"case-{case.pk}") or everything_to,
            )
            for case in work.cases
        ]
        action_rows = [
            Row(
                f"action-{action.pk}",
                action.pk,
                _("Action %(number)s in case %(case)s · due %(due)s")
                % {
                    "number": action.pk,
                    "case": action.plan.case_id,
                    "due": action.due_date.isoformat() if action.due_date else "—",
                },
                posted.get(f"action-{action.pk}") or everything_to,
            )
            for action in work.actions
        ]
        error = ""
        if request.method == "POST":
            missing = [row for row in rows + action_rows if row.chosen not in by_pk]
            if missing:
                error = _("Choose a successor for each case and action.")
            else:
                hand_over = {
                    "cases": {row.pk: by_pk[row.chosen] for row in rows},
                    "actions": {row.pk: by_pk[row.chosen] for row in action_rows},
                }
                try:
                    account_services.professional_deactivate(
                        by=request.user,  # type: ignore[arg-type]
                        professional=professional,
                        hand_over=hand_over,
                    )
                except account_services.AccountRefused as refused:
                    error = refused.message
                except (CaseError, NotFound) as refused:
                    error = str(refused) or _("The hand-over could not be done.")
                else:
                    messages.success(
                        request,
                        _(
                            "%(name)s has been deactivated: signed out everywhere, second "
                            "factor removed."
                        )
                        % {"name": professional},
                    )
                    return HttpResponseRedirect(reverse("admin:core_professional_changelist"))
        context = {
            **self.model_admin.admin_site.each_context(request),
            "childcare_contacts": ChildcareContact.objects.filter(
                professional=professional
            ).select_related("location"),
            "opts": self.model_admin.opts,
            "title": _("Deactivate %(name)s") % {"name": professional},
            "professional": professional,
            "case_rows": rows,
            "action_rows": action_rows,
            "candidates": [(str(p.pk), _person_label(p)) for p in candidates],
            "everything_to": everything_to,
            "error": error,
            "is_self": professional.pk == request.user.pk,
        }
        status = 400 if error else 200
        return render(request, "administration/deactivate.html", context, status=status)
