"""Responses that stream their body: the inzage's JSON
(`kansrijk.privacy.downloads.json_response`)."""

from __future__ import annotations

import json
from typing import Any


def streamed_json(response: Any) -> Any:
    """The JSON a streamed response holds, read whole; a response that does not stream fails."""
    assert response.streaming, "the inzage's JSON streams"
    return json.loads(response.getvalue())
