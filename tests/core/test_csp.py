"""The Content-Security-Policy header built once per process (kansrijk.core.csp) is the one
django-csp builds for every response: the settings' policy on every page, a decorated view's
own policy, a changed setting's new policy, the report-only policy, and a nonce asked for too
late still refused."""

from __future__ import annotations

import pytest
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from kansrijk.core.csp import PolicyOnceMiddleware

POLICY = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"


def _directives(header: str) -> dict[str, str]:
    """A policy's directives (django-csp joins them in the order of a set)."""
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def _both(view) -> tuple[HttpResponse, HttpResponse]:  # type: ignore[no-untyped-def]
    """The response of `view` through this middleware and through django-csp's own."""
    answers = []
    for middleware in (PolicyOnceMiddleware, CSPMiddleware):
        request = RequestFactory().get("/somewhere/")
        answers.append(middleware(view)(request))
    return answers[0], answers[1]


def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_a_page_gets_the_settings_policy_as_django_csp_builds_it():
    ours, theirs = _both(_page)
    assert _directives(ours[POLICY]) == _directives(theirs[POLICY])
    assert _directives(ours[POLICY]) == _directives(build_policy())
    assert _directives(ours[POLICY])["frame-ancestors"] == "'none'"
    assert REPORT_ONLY not in ours and REPORT_ONLY not in theirs


def test_a_decorated_view_keeps_its_own_policy():
    @csp_update({"img-src": "https://kaart.example"})
    def mapped(request: HttpRequest) -> HttpResponse:
        return HttpResponse("map")

    ours, theirs = _both(mapped)
    assert _directives(ours[POLICY]) == _directives(theirs[POLICY])
    assert "https://kaart.example" in _directives(ours[POLICY])["img-src"]
    assert "https://kaart.example" not in _both(_page)[0][POLICY]  # not kept for the next

    exempt, _ = _both(csp_exempt()(_page))
    assert POLICY not in exempt


def test_a_changed_setting_and_a_report_only_policy_are_written():
    _both(_page)  # the settings' policy built and kept
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        ours, theirs = _both(_page)
        assert _directives(ours[POLICY]) == {"default-src": "'none'"}
        assert _directives(ours[REPORT_ONLY]) == _directives(theirs[REPORT_ONLY])
    assert _directives(_both(_page)[0][POLICY])["default-src"] == "'self'"


def test_a_nonce_asked_for_is_in_the_header_and_one_asked_too_late_is_refused():
    def with_nonce(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(request.csp_nonce))  # type: ignore[attr-defined]

    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        response = PolicyOnceMiddleware(with_nonce)(RequestFactory().get("/"))
        assert f"'nonce-{response.content.decode()}'" in response[POLICY]
        plain = PolicyOnceMiddleware(_page)(RequestFactory().get("/"))
        assert "nonce" not in plain[POLICY]  # no nonce asked, none written

    late = RequestFactory().get("/")
    PolicyOnceMiddleware(_page)(late)
    with pytest.raises(CSPNonceError):
        str(late.csp_nonce)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_every_page_carries_it(client):
    response = client.get("/login/")
    assert _directives(response[POLICY]) == _directives(build_policy())
