"""The Dutch catalogues are complete: no untranslated and no fuzzy entry (fuzzy entries are
skipped by compilemessages, so the page would show English)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "kansrijk"
CATALOGUES = sorted(ROOT.glob("**/locale/nl/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(path: Path):
    problems = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid is None or msgid.group(1) == "" or block.lstrip().startswith("#~"):
            continue
        if re.search(r"^#,.*\bfuzzy\b", block, re.M):
            problems.append(f"fuzzy: {msgid.group(1)}")
        for translation in re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', block, re.M):
            if translation == "" and not re.search(r'^msgstr(?:\[\d\])? ""\n"', block, re.M):
                problems.append(f"untranslated: {msgid.group(1)}")
    assert problems == []
