"""`{% school_agreements_panel case as panel %}`: the case page's agreements about school,
read here because the case page's view belongs to the cases app (one include line there)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can
from kansrijk.attention import selectors
from kansrijk.attention.forms import AgreementEndForm, AgreementForm

register = template.Library()


@register.simple_tag(takes_context=True)
def school_agreements_panel(context: dict[str, Any], case: Any) -> dict[str, Any]:
    """Whoever reads the case page sees the agreements; who edits the case makes and ends
    them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or case is None:
        return {}
    agreements = selectors.agreements_of(case)
    may_edit = case.is_open and can(user, Action.EDIT, case)
    return {
        "agreements": agreements,
        "may_edit": may_edit,
        "form": AgreementForm() if may_edit else None,
        "end_form": AgreementEndForm() if may_edit else None,
        "today": timezone.localdate(),
    }
