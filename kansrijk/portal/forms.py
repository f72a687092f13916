"""Forms of the family portal and the first door; plain words, everything kept on error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kansrijk.portal.models import PlanResponse

TEXTAREA = {"rows": 4, "class": "utrecht-textarea"}
INPUT = {"class": "utrecht-textbox utrecht-textbox--html-input"}


class FamilySectionForm(forms.Form):
    going_well = forms.CharField(
        label=_("What goes well"), required=False, max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )  # fmt: skip
    we_do_ourselves = forms.CharField(
        label=_("What we do ourselves"), required=False, max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )  # fmt: skip
    network_helps = forms.CharField(
        label=_("Who in our network helps"), required=False, max_length=4000,
        help_text=_("For example grandparents, neighbours, a coach at the sports club."),
        widget=forms.Textarea(attrs=TEXTAREA),
    )  # fmt: skip


class PlanResponseForm(forms.Form):
    kind = forms.ChoiceField(choices=PlanResponse.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your remark"), required=False, max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )  # fmt: skip


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Please write something first.")},
    )  # fmt: skip


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("What is not right, and what should it be?"), max_length=4000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Please write something first.")},
    )  # fmt: skip


class ReplyForm(forms.Form):
    """The professional's answer in the family's thread (on the case page)."""

    text = forms.CharField(
        label=_("Answer the family"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The family gets a mail that there is a message, without its content."),
    )  # fmt: skip


class QuestionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(INPUT))
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=30,
        widget=forms.TextInput({**INPUT, "autocomplete": "tel", "inputmode": "tel"}),
    )  # fmt: skip
    email = forms.EmailField(
        label=_("E-mail"), required=False,
        widget=forms.EmailInput({**INPUT, "autocomplete": "email"}),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    may_contact = forms.BooleanField(
        label=_("Yes, you may call or mail me about my question."), required=False
    )
