"""A serving process settles before its first request: every view imported, and what it
loaded kept out of the garbage collector's way.

Why (issue 17, measured in one process on a region at 0.05): Python's cyclic collector
scanned the ~180,000 objects of Django, the apps and their caches again and again: its
collections cost the agenda ~9 ms of a 70 ms page, an IB's my work ~5 ms. Frozen
(`gc.freeze`, the permanent generation) they are never scanned; the young generation is
collected every GEN0 allocations instead of 700, so a page is collected a few times, not
two hundred. Cycles are still collected; only what was loaded at the start is never freed,
as it never was."""

from __future__ import annotations

import gc

#: Allocations between two collections of the young generation (CPython's default is 700),
#: and how many of those before the middle and the old generation are collected.
GEN0 = 10_000
GEN1 = 20
GEN2 = 20


def settle() -> None:
    """Import the URL conf (every view module) and freeze what the process holds."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0, GEN1, GEN2)
