"""Whether a child has a consent in force for an organisation, from the index alone (the
matrix's consent reach, issue 17); it takes the place of the child's own index."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_covering_reach_indexes"),
        ("consent", "0007_dyslexia_referral_purpose"),
        ("core", "0008_role_child_protection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="consent",
            index=models.Index(
                fields=["child", "purpose", "recorded_at"],
                include=("status", "superseded_at", "valid_until", "recipient"),
                name="consent_child_in_force",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="child",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="consents",
                to="cases.child",
            ),
        ),
        migrations.RemoveIndex(
            model_name="consent",
            name="consent_con_child_i_f3da77_idx",
        ),
    ]
