"""Errors the case services raise; pages and the API turn them into Dutch messages and 4xx."""

from __future__ import annotations


class CaseError(Exception):
    """A request the route does not allow now; the message is shown to the user."""

    def __init__(self, message: object, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class TransitionRefused(CaseError):
    pass


class NotFound(Exception):
    """Missing or not visible to this user: both answer the same 404 (house rule 2)."""
