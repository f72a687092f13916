"""The matrix's reaches read case ids from indexes alone (issue 17): a centre's and a contact
person's cases, a member's cases in a role, an author's signals' cases and a family's
children. Each new index takes the place of the foreign key's own index it begins with; the
new ones are built before the old ones go, so that no query runs without one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_signal_at_case_location"),
        ("core", "0008_role_child_protection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["location", "state"], include=("id",), name="case_location_state_ids"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["contact_person"], include=("id",), name="case_contact_person_ids"
            ),
        ),
        migrations.AddIndex(
            model_name="casemember",
            index=models.Index(
                fields=["professional", "role"],
                include=("case",),
                name="case_member_professional_role",
            ),
        ),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(fields=["family"], include=("id",), name="child_family_ids"),
        ),
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(
                fields=["author", "created_at"],
                include=("case",),
                name="signal_author_created_cases",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="contact_person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contact_cases",
                to=settings.AUTH_USER_MODEL,
                verbose_name="contact person",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="location",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="core.location",
                verbose_name="child centre",
            ),
        ),
        migrations.AlterField(
            model_name="casemember",
            name="professional",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_memberships",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="child",
            name="family",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="children",
                to="cases.family",
            ),
        ),
        migrations.AlterField(
            model_name="signal",
            name="author",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signals",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RemoveIndex(
            model_name="case",
            name="cases_case_locatio_c3f147_idx",
        ),
        migrations.RemoveIndex(
            model_name="signal",
            name="cases_signa_author__7cd97b_idx",
        ),
    ]
