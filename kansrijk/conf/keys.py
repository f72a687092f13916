"""How strong a secret key must be before production starts with it."""

from __future__ import annotations

import math
import zlib
from collections import Counter

MIN_LENGTH = 50
MIN_DISTINCT = 10
MIN_BITS = 160
KNOWN_PREFIXES = ("dev-only", "django-insecure-")


def weakness(key: str) -> str | None:
    """Why `key` is too weak to sign sessions and tokens, or None. The bound is Django's own
    (security.W009: 50 characters, not a known development key) plus an estimate of the
    entropy (Shannon, per character × length) and a compression test, which refuse a long key
    of a few characters or a repeated word."""
    if not key:
        return "it is not set"
    if key.startswith(KNOWN_PREFIXES):
        return "it is the development key"
    if len(key) < MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {MIN_LENGTH}"
    counts = Counter(key)
    if len(counts) < MIN_DISTINCT:
        return f"it uses {len(counts)} different characters, fewer than {MIN_DISTINCT}"
    bits = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values()) * len(key)
    if bits < MIN_BITS:
        return f"it holds about {bits:.0f} bits of randomness, fewer than {MIN_BITS}"
    if len(zlib.compress(key.encode(), 9)) < 0.8 * len(key):
        return "it repeats itself (it compresses well), so it is not random"
    return None
