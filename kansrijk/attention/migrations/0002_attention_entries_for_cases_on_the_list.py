"""Cases already in an attention-list state get their entry (source "route"), so that the kept
list starts where the derived list stood. Reverse: the entries this made go again."""

from django.db import migrations

#: cases.states.ATTENTION_LIST_STATES as it stood when this migration was written.
STATES = ("on_attention_list", "checked", "in_support", "evaluated", "escalated")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("cases", "Case")
    Entry = apps.get_model("attention", "AttentionEntry")
    Change = apps.get_model("attention", "AttentionChange")
    on_list = set(Entry.objects.filter(removed_at__isnull=True).values_list("case_id", flat=True))
    for case in Case.objects.filter(state__in=STATES).exclude(pk__in=on_list).iterator():
        by = case.contact_person_id
        if by is None:
            continue
        entry = Entry.objects.create(
            location_id=case.location_id,
            case_id=case.pk,
            source="route",
            added_by_id=by,
            added_at=case.last_step_at,
            changed_at=case.last_step_at,
        )
        Change.objects.create(
            location_id=case.location_id,
            entry=entry,
            kind="added",
            detail="migration",
            by_id=by,
            role="",
            at=case.last_step_at,
        )


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("attention", "AttentionEntry").objects.filter(
        changes__detail="migration", source="route"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("attention", "0001_kept_attention_list_and_school_agreements"),
        ("cases", "0013_roles_for_special_education_and_dyslexia"),
    ]

    operations = [migrations.RunPython(forward, backward)]
