"""Template pieces of the portal: the consent buttons, and the family's side on the case page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from kansrijk.consent.models import Consent

register = template.Library()

CHOICES = {
    "ask": [(Consent.Status.GIVEN, _("Yes, I agree")), (Consent.Status.REFUSED, _("No"))],
    "withdraw": [(Consent.Status.WITHDRAWN, _("Withdraw consent"))],
    "give": [(Consent.Status.GIVEN, _("Give consent after all"))],
}


@register.inclusion_tag("portal/_consent_buttons.html", takes_context=True)
def consent_buttons(context: dict[str, Any], row: Any, kind: str) -> dict[str, Any]:
    return {"row": row, "choices": CHOICES[kind], "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("portal/case_family.html", takes_context=True)
def family_side(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """The family's part of the file on the professionals' case page: their section of the
    plan, their answers to plan versions, open consent questions and the message thread.
    The case page itself decides who sees it and logs the read."""
    from kansrijk.access.matrix import Action
    from kansrijk.access.policies import can
    from kansrijk.consent.models import ConsentRequest
    from kansrijk.portal.forms import ReplyForm
    from kansrijk.portal.models import FamilySection, PlanResponse
    from kansrijk.portal.selectors import case_thread

    request = context.get("request")
    thread = list(case_thread(case).order_by("-sent_at", "-id")[:50])[::-1]
    user = getattr(request, "user", None)
    section = (
        FamilySection.objects.filter(plan__case=case).select_related("plan", "updated_by")
        .order_by("-plan__number").first()
    )  # fmt: skip
    return {
        "case": case,
        "section": section,
        "responses": list(
            PlanResponse.objects.filter(plan__case=case).select_related("plan", "guardian")
        ),
        "questions": list(
            ConsentRequest.objects.filter(case=case, answered_at__isnull=True).select_related(
                "child", "recipient"
            )
        ),
        "thread": thread,
        "young_people": sorted(
            {m.young_person for m in thread if m.young_person is not None}, key=lambda c: c.pk
        ),
        "can_reply": user is not None and can(user, Action.EDIT, case),
        "form": ReplyForm(),
        "csrf_token": context.get("csrf_token"),
    }
