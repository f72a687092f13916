"""``{% form_token %}``: the one-time token that makes a form's POST happen once
(kansrijk.core.idempotency)."""

from __future__ import annotations

import secrets

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kansrijk.core.idempotency import FORM_FIELD

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_FIELD, secrets.token_urlsafe(24)
    )
