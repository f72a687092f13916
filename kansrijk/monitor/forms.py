"""Forms of the monitor: the dashboard filters, the quarter report, the parents' answers."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansrijk.cases.models import Signal
from kansrijk.monitor.models import QUESTIONS
from kansrijk.monitor.periods import Period

MONTH_FORMATS = ["%Y-%m"]


class MonthField(forms.DateField):
    """A calendar month as "YYYY-MM" (the value of <input type="month">)."""

    widget = forms.DateInput(attrs={"type": "month", "class": "utrecht-textbox"}, format="%Y-%m")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=MONTH_FORMATS, **kwargs)


class FilterForm(forms.Form):
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    domain = forms.ChoiceField(label=_("Domain"), required=False)

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre = self.fields["centre"]
        assert isinstance(centre, forms.TypedChoiceField)
        centre.choices = [("", _("All my centres")), *centres]
        domain = self.fields["domain"]
        assert isinstance(domain, forms.ChoiceField)
        domain.choices = [("", _("All domains")), *Signal.Domain.choices]
        for name in ("centre", "domain"):
            self.fields[name].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = Period.default()
        start: datetime.date = data.get("start") or default.start
        end: datetime.date = data.get("end") or default.end
        if end < start:
            self.add_error("end", _("The last month comes before the first month."))
        data["period"] = Period.months(start, end)
        return data

    def period(self) -> Period:
        if self.is_valid():
            return self.cleaned_data["period"]
        return Period.default()

    def chosen_centre(self) -> int | None:
        return self.cleaned_data.get("centre") if self.is_valid() else None

    def chosen_domain(self) -> str:
        return (self.cleaned_data.get("domain") or "") if self.is_valid() else ""


def _quarter_years() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year, this_year - 6, -1)]


class QuarterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_quarter_years)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "utrecht-select utrecht-select--html-select"


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ExperienceForm(forms.Form):
    """The short question set, answered by the parent and typed in by a professional."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "utrecht-textarea"}),
        help_text=_("Only the care coordinator reads comments, without names."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = {
            key: forms.TypedChoiceField(
                label=label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("1 = not at all, 5 = completely"),
            )
            for key, label in QUESTIONS
        }
        self.fields = {**questions, **self.fields}
