"""Forms of the daily report pages. They carry shapes; reports.services validates for real (a
service's field-named error lands on the field it names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from people.web.forms import OnceTokenMixin
from reports.selectors import FIGURES_BY_KEY, HAND_KEPT


class DailyReviewForm(OnceTokenMixin):
    """The community admin's review: the remarks, and a field per hand-kept figure (none now:
    every figure is computed; the fields come back if a figure is hand-kept again)."""

    note = forms.CharField(
        label=_("Remarks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything the street should know: difficulties, needs, special cases."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for key in HAND_KEPT:
            fields[key] = forms.CharField(
                label=FIGURES_BY_KEY[key].label,
                required=False,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "off", "class": "count"}
                ),
            )
        # Figures first, remarks last, the token wherever.
        self.fields = {**fields, **self.fields}

    def hand_kept(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k, "") for k in HAND_KEPT}


class DeadlineForm(OnceTokenMixin):
    deadline = forms.CharField(
        label=_("Daily deadline (Beijing time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Communities of the street submit their daily report by this time."),
    )
