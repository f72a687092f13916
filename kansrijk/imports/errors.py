"""Why a whole file is refused (as opposed to a row with a problem, kansrijk.imports.rows)."""

from __future__ import annotations


class FileRefused(Exception):
    """The file cannot be read at all; `message` says why in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
