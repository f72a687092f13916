"""A plan action is live while it is in its case's current plan version and the case is open
(`PlanAction.live`, issue 17): a person's open actions are read from their live ones alone.
The actions of closed cases and of replaced versions are retired here once; from now on the
services retire them (cases.effects.retire_actions)."""

from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def retire(apps: Any, schema_editor: Any) -> None:
    """What `retire_actions` would have set had it been there: the actions of a closed case,
    and those of a version a newer one of its case replaced."""
    PlanAction = apps.get_model("cases", "PlanAction")
    PlanVersion = apps.get_model("cases", "PlanVersion")
    db = schema_editor.connection.alias
    latest = (
        PlanVersion.objects.using(db)
        .filter(case=OuterRef("plan__case"))
        .order_by("-number")
        .values("number")[:1]
    )
    dead = Q(plan__case__state="closed") | ~Q(plan__number=Subquery(latest))
    PlanAction.objects.using(db).filter(dead).update(live=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_covering_reach_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="planaction",
            name="live",
            field=models.BooleanField(
                db_default=True, default=True, editable=False, verbose_name="in the current plan"
            ),
        ),
        migrations.RunPython(retire, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="planaction",
            index=models.Index(
                condition=models.Q(("done", False), ("live", True)),
                fields=["owner", "due_date", "id"],
                name="plan_action_live_owner",
            ),
        ),
    ]
