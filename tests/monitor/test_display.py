"""How a figure reads: in the language of the one who reads it, whatever was read before
(`tables._number` formats each value once per process and language)."""

from __future__ import annotations

from django.utils import translation

from kansrijk.monitor.definitions import Unit
from kansrijk.monitor.tables import PRIMARY, SECONDARY, Cell, display


def test_a_figure_reads_in_the_readers_language_one_after_the_other():
    count, share = Cell(12345), Cell(12.345)
    seen = []
    for language in ("nl", "en", "nl", "en"):
        with translation.override(language):
            seen.append(
                (display(count, Unit.COUNT), display(share, Unit.PERCENT), display(share, ""))
            )
    assert seen[0] == seen[2] == ("12.345", "12,3 %", "12,3")
    assert seen[1] == seen[3] == ("12,345", "12.3 %", "12.3")


def test_a_hidden_or_empty_cell_reads_as_its_mark():
    assert display(Cell(3, PRIMARY), Unit.COUNT) == "< 5"
    assert display(Cell(40, SECONDARY), Unit.COUNT) == "x"
    assert display(Cell(None), Unit.PERCENT) == "—"
    assert display(Cell(5), Unit.COUNT, "en") == "5"
