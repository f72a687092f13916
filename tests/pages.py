"""A page as a person reads it: for tests that look for a name's absence."""

from __future__ import annotations

import re
from typing import Any


def page_text(response: Any) -> str:
    """The page's text without its tags. A name is looked for where a person reads it, not in
    an attribute: a CSRF token or a nonce is random text and may hold "Sem"."""
    return _text(response.content.decode())


def main_text(response: Any) -> str:
    """The text of the page's `<main>`: without the header, which names the signed-in
    professional (Faker may give them the pupil's first name) and holds CSRF tokens."""
    html = response.content.decode()
    start, end = html.find("<main"), html.rfind("</main>")
    assert 0 <= start < end, "the page has a <main>"
    return _text(html[start:end])


def _text(html: str) -> str:
    return re.sub(r"<[^>]*>", " ", html)
