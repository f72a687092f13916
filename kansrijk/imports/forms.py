"""The upload and confirmation forms of the imports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PupilFileForm(forms.Form):
    file = forms.FileField(
        label=_("File from the school administration"),
        help_text=_(
            "An EDEXML export (ParnasSys, ESIS, Magister) or a CSV with the columns listed "
            "below. Nothing is changed until you confirm the preview."
        ),
    )
    create_groups = forms.BooleanField(
        label=_("Create the groups in this file that do not exist yet"), required=False
    )


class PupilConfirmForm(forms.Form):
    group_siblings = forms.BooleanField(
        label=_("Put the siblings shown above together in one family"),
        required=False,
        initial=True,
    )


class StaffFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV with staff"),
        help_text=_(
            "Columns: naam, email, rol, locatie (the location's short code) and, for staff "
            "of a partner organisation or without a location, organisatie."
        ),
    )
