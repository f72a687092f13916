"""Template filters that show the access log's stored values as translated labels."""

from __future__ import annotations

from django import template

from kansrijk.audit import labels

register = template.Library()
register.filter("role_label", labels.role_label)
register.filter("purpose_label", labels.purpose_label)
register.filter("detail_label", labels.detail_label)
register.filter("event_label", labels.event_label)
