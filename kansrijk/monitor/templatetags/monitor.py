"""The monitor's figures in plain words, for the dashboard's sections."""

from __future__ import annotations

from django import template

from kansrijk.monitor.themes import plain

register = template.Library()
register.filter("plain_words", plain)
