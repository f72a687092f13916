"""A centre's and a contact person's cases carry the columns the pages rank their lists by
(state, priority, last step, contact person) in the reaches' indexes (issue 17): the page's
read of the cases it may see takes them from the index, not from a visit to each case. The
new indexes are built before the old ones go, so that no query runs without one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_plan_action_live"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["location", "state"],
                include=("id", "priority", "last_step_at", "contact_person"),
                name="case_location_state_rows",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["contact_person"],
                include=("id", "state", "priority", "last_step_at"),
                name="case_contact_person_rows",
            ),
        ),
        migrations.RemoveIndex(model_name="case", name="case_location_state_ids"),
        migrations.RemoveIndex(model_name="case", name="case_contact_person_ids"),
    ]
