from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kansrijk.threads.services import MAX_LENGTH

AREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 4}


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the support team"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("A message cannot be empty.")},
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if "\x00" in text:
            raise forms.ValidationError(_("The text contains a character that is not allowed."))
        return text
