"""Where a page lies among a list's pages: what the previous and next links need."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageNumbers:
    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
