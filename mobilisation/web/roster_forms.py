"""Forms of the roster pages: fields and labels only; the services check the rules and name the
wrong field. The person choices (with unwell workers disabled) are filled in by the view."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.error_codes import CoreError
from core.forms import OnceTokenMixin

_SPLIT = re.compile(r"[,，、;；\s]+")
_RANGE = re.compile(r"^(\d{1,2}(?::\d{2})?)[-–—~～至到](\d{1,2}(?::\d{2})?)$")


class SelectWithDisabled(forms.Select):
    """A select whose options in `disabled_values` cannot be chosen (an unwell worker, shown
    with the reason)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disabled_values: set[str] = set()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class AssignForm(OnceTokenMixin):
    user = forms.ChoiceField(label=_("Person"), choices=[], widget=SelectWithDisabled)

    def set_choices(self, options: list[tuple[str, str, str]]) -> None:
        """(value, label, why not) per worker; a reason disables the option."""
        field = self.fields["user"]
        field.choices = [("", _("Choose a worker"))] + [  # type: ignore[attr-defined]
            (v, f"{label} · {why}" if why else label) for v, label, why in options
        ]
        field.widget.disabled_values = {v for v, _label, why in options if why}  # type: ignore[attr-defined]


class RemoveForm(OnceTokenMixin):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Why"), max_length=200, required=False)


class CancelForm(OnceTokenMixin):
    note = forms.CharField(label=_("Why"), max_length=200, required=False)


def _hhmm(text: str) -> str:
    return text if ":" in text else f"{int(text):02d}:00"


class PlanForm(OnceTokenMixin):
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(
        label=_("Number of days"),
        min_value=1,
        max_value=31,
        initial=7,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pattern = forms.CharField(
        label=_("Shift times"),
        max_length=200,
        initial="08:00-14:00, 14:00-20:00, 20:00-08:00",
        help_text=_("Start-end, separated by commas; an end before the start is the next day."),
    )

    def clean_pattern(self) -> list[tuple[str, str]]:
        out = []
        for part in _SPLIT.split(self.cleaned_data["pattern"].strip()):
            if not part:
                continue
            m = _RANGE.match(part)
            if not m:
                raise ValidationError(
                    _("Write each shift as start-end, e.g. 08:00-14:00."), code=CoreError.INVALID
                )
            out.append((_hhmm(m.group(1)), _hhmm(m.group(2))))
        return out


class ShiftForm(OnceTokenMixin):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    needed = forms.IntegerField(label=_("People needed"), min_value=1, max_value=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
