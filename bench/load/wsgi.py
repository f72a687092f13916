"""The application as gunicorn --preload loads it for the load test: the URL conf (and with it
every view module, ortools included) is imported once in the master before the workers fork,
so no worker spends its first request importing under load."""

from django.urls import get_resolver

from kansrijk.wsgi import application

get_resolver().url_patterns  # noqa: B018  (imports every view module)

__all__ = ["application"]
