"""The child's key in the register: HMAC-SHA256 of the BSN with the register's own secret.

The register never stores a BSN: two organisations that register the same child arrive at the
same key, and nobody who reads the table without the secret can turn a key back into a BSN
(the 10^9 BSNs would be easy to try against a plain hash, not against a keyed one)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def register_key() -> bytes:
    secret = getattr(settings, "KANSRIJK_MATCH_REGISTER_KEY", "")
    if not secret:
        raise ImproperlyConfigured("Set KANSRIJK_MATCH_REGISTER_KEY (docs/operations.md).")
    return secret.encode()


def child_key(bsn: str) -> str:
    """The register's key for a child with this (valid) BSN."""
    return hmac.new(register_key(), bsn.strip().encode(), hashlib.sha256).hexdigest()
