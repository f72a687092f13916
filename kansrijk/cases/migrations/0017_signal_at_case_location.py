"""Signals filed at their case's own child centre are marked, so that the matrix's "same
location" reach reads only the signals from other centres (issue 17)."""

from typing import Any

from django.conf import settings
from django.db import migrations, models


def mark_at_case_location(apps: Any, schema_editor: Any) -> None:
    # Both locations are fixed once written: one UPDATE marks every signal there is.
    schema_editor.execute(
        "UPDATE cases_signal SET at_case_location = TRUE WHERE location_id = "
        "(SELECT c.location_id FROM cases_case c WHERE c.id = cases_signal.case_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_case_safety_first_index"),
        ("core", "0008_role_child_protection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="signal",
            name="at_case_location",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="filed at the case's centre"
            ),
        ),
        migrations.RunPython(mark_at_case_location, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="signal", name="signal_location_case"),
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(
                condition=models.Q(("at_case_location", False)),
                fields=["location", "case"],
                name="signal_elsewhere_location_case",
            ),
        ),
    ]
