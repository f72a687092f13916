"""A page as a person reads it: for tests that look for a name's absence."""

from __future__ import annotations

import re
from typing import Any


def page_text(response: Any) -> str:
    """The page's text without its tags. A name is looked for where a person reads it, not in
    an attribute: a CSRF token or a nonce is random text and may hold "Sem"."""
    return re.sub(r"<[^>]*>", " ", response.content.decode())
