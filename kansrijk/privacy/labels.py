"""Dutch labels for the inzage's fields and record kinds whose model has no translated name.

Many foreign keys and time stamps carry Django's generated verbose name ("family",
"created at"), which is English in the PDF a family reads. The inzage looks the field's name
up here first, so the models (and their migrations) stay as they are.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "family": _("family"),
    "child": _("child"),
    "case": _("case"),
    "bsn": _("BSN"),
    "email": _("email address"),
    "route": _("route"),
    "professional": _("professional"),
    "person": _("professional"),
    "user": _("professional"),
    "recipient": _("recipient"),
    "author": _("author"),
    "author_role": _("author's role"),
    "role": _("role"),
    "location": _("location"),
    "organisation": _("organisation"),
    "target": _("referred to"),
    "plan": _("plan version"),
    "position": _("position"),
    "number": _("number"),
    "transition": _("transition"),
    "from_state": _("from state"),
    "to_state": _("to state"),
    "state": _("state"),
    "status": _("status"),
    "comment": _("comment"),
    "data": _("data"),
    "by": _("by"),
    "at": _("at"),
    "when": _("when"),
    "kind": _("kind"),
    "url": _("link"),
    "created_at": _("created at"),
    "created_by": _("created by"),
    "started_at": _("started at"),
    "started_by": _("started by"),
    "ended_at": _("ended at"),
    "finished_at": _("finished at"),
    "assigned_by": _("assigned by"),
    "added_at": _("added at"),
    "added_by": _("added by"),
    "added_role": _("role of who added"),
    "recorded_at": _("recorded at"),
    "recorded_by": _("recorded by"),
    "reported_by": _("reported by"),
    "superseded_at": _("superseded at"),
    "settled_at": _("settled at"),
    "flagged_at": _("flagged at"),
    "attempts": _("attempts"),
    "resolved_at": _("resolved at"),
    "resolved_by": _("resolved by"),
    "granted_at": _("granted at"),
    "expires_at": _("expires at"),
    "reviewed_at": _("reviewed at"),
    "reviewed_by": _("reviewed by"),
    "read_at": _("read at"),
    "mailed_at": _("mailed at"),
    "meldcode": _("meldcode"),
    "next_step": _("next step"),
    "meeting": _("meeting"),
    "series": _("meeting series"),
    "item": _("agenda item"),
    "step": _("step"),
    "reasons": _("reasons"),
    "decided_at": _("decided at"),
    "decided_by": _("decided by"),
    "done_at": _("done at"),
    "due_date": _("due date"),
    "sent_at": _("sent at"),
    "without_consent": _("without consent"),
    "agenda_built_at": _("agenda built at"),
    "running_since": _("running since"),
    "seconds_spent": _("seconds spent"),
    "meeting_action": _("meeting action"),
    "plan_action": _("plan action"),
}

SECTION_TITLES = {
    "cases.contactpersonassignment": _("contact persons"),
    "cases.casemember": _("support team"),
    "cases.signal": _("signals"),
    "cases.planversion": _("plan versions"),
    "cases.goal": _("goals"),
    "cases.planaction": _("plan actions"),
    "cases.referral": _("referrals"),
    "cases.step": _("steps"),
    "cases.note": _("notes"),
    "cases.familycontact": _("contacts with the family"),
    "safety.meldcodestep": _("meldcode steps"),
    "safety.veiligthuisreport": _("Veilig Thuis reports"),
    "safety.contactattempt": _("contact attempts"),
    "safety.nonresponseflag": _("non-response flags"),
    "safety.vulnerablefamily": _("vulnerable family register"),
    "safety.emergencyaccess": _("emergency access"),
    "meetings.participant": _("participants"),
    "meetings.agendaitem": _("agenda items"),
    "meetings.meetingaction": _("meeting actions"),
    "meetings.remindersent": _("reminders sent"),
    "notifications.notification": _("notifications"),
    "attention.attentionentry": _("attention list entries"),
    "attention.attentionchange": _("changes to the attention list"),
    "attention.schoolagreement": _("agreements about school"),
}


def field_label(model_field: models.Field) -> str:
    """The field's own verbose name when it has one; ours for Django's generated one."""
    generated = model_field.name.replace("_", " ")
    if str(model_field.verbose_name) == generated and model_field.name in FIELD_LABELS:
        return str(FIELD_LABELS[model_field.name])
    return str(model_field.verbose_name)


def section_title(model: type[models.Model]) -> str:
    return str(SECTION_TITLES.get(model._meta.label_lower, model._meta.verbose_name_plural))
