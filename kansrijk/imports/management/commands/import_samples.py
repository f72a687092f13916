"""Write the sample pupil files of docs/samples from a demo school (after `seed_demo`).

    manage.py import_samples [--school schakel] [--out docs/samples]

The demo's dates of birth follow the school year, so run it again in a new school year to
keep the samples matching the demo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kansrijk.core.models import Location
from kansrijk.imports.samples import csv_bytes, demo_sample, edexml_bytes


class Command(BaseCommand):
    help = "Write an EDEXML and a CSV sample pupil file of a demo school to docs/samples."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", default="schakel", help="the location's short code")
        parser.add_argument("--out", default="docs/samples")

    def handle(self, *args: Any, **options: Any) -> None:
        location = Location.objects.filter(code=options["school"]).first()
        if location is None:
            raise CommandError(f"No location {options['school']!r}; run seed_demo first.")
        today = timezone.localdate()
        rows = demo_sample(location, today)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        year = today.year if today.month >= 8 else today.year - 1
        xml = edexml_bytes(rows, school="99ZZ", school_year=f"{year}-{year + 1}")
        (out / f"leerlingen-{location.code}.xml").write_bytes(xml)
        (out / f"leerlingen-{location.code}.csv").write_bytes(csv_bytes(rows))
        self.stdout.write(f"{len(rows)} pupils of {location} written to {out}")
