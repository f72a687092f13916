"""The test suite's live server: pytest-django's, with static files served as production's
whitenoise serves them to the browser, cacheable, instead of fetched again with every page.

Production serves hashed file names (whitenoise's manifest storage, conf/production.py)
that whitenoise marks cacheable for a year. The test settings keep plain names, which Django's
`StaticFilesHandler` serves with only a Last-Modified header; the files were just written (a
fresh checkout), so Chromium asked for all five of every page's stylesheets and scripts again
on each page and parsed them anew: ~800 requests for one part of the axe walk. A test run
never changes a static file, so they are cacheable for the run.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.http import HttpRequest, HttpResponseBase
from pytest_django.live_server_helper import LiveServer

#: As long as a test run: no test changes a static file.
CACHE_CONTROL = "public, max-age=3600"


class CachedStaticFilesHandler(StaticFilesHandler):
    """Django's handler of /static/ in a live server, its answers cacheable."""

    def serve(self, request: HttpRequest) -> HttpResponseBase:
        response = super().serve(request)
        if response.status_code == 200:
            response["Cache-Control"] = CACHE_CONTROL
        return response


def start_live_server(addr: str) -> Any:
    """pytest-django's `LiveServer` on `addr`, started with the handler above."""
    server = LiveServer(addr, start=False)
    server.thread.static_handler = CachedStaticFilesHandler
    server.start()
    return server
