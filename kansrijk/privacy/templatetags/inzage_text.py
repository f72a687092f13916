"""The inzage PDF's text as the family reads it (kansrijk.privacy.inzage.as_read)."""

from __future__ import annotations

from django import template

from kansrijk.privacy.inzage import as_read

register = template.Library()
register.filter("as_read", as_read)
