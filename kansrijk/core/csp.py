"""django-csp's middleware with the policy built once per process.

django-csp builds the Content-Security-Policy header anew for every response (the settings'
directives copied, merged and joined, twice with the report-only policy): 64 µs of every
page's CPU (issue 17). No Kansrijk response changes its policy (no `csp_update` or
`csp_replace` decorator, no nonce), so the header is built once from the settings and set on
each such response; a response that does change it (or asks a nonce) gets django-csp's own
building, unchanged.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

#: The response attributes by which django-csp's decorators change a response's policy.
PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_built: dict[bool, str] = {}


def _policy(report_only: bool) -> str:
    """The settings' policy (or report-only policy) as django-csp writes it, built once."""
    policy = _built.get(report_only)
    if policy is None:
        policy = _built[report_only] = build_policy(report_only=report_only)
    return policy


@receiver(setting_changed)
def _forget(*, setting: str, **_: Any) -> None:
    """Tests that change the policy get theirs."""
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


class PolicyOnceMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        changed = getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in PER_RESPONSE
        )
        if changed or settings.DEBUG or self._excluded(request):
            return super().process_response(request, response)
        for header, report_only in ((HEADER, False), (HEADER_REPORT_ONLY, True)):
            policy = _policy(report_only)
            if policy and header not in response:
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _excluded(request: HttpRequest) -> bool:
        """Whether a policy's EXCLUDE_URL_PREFIXES names this path (django-csp's own path)."""
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
            prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if prefixes and request.path_info.startswith(tuple(prefixes)):
                return True
        return False
