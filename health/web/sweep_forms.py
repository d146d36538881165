"""The form that opens a sweep. It shapes the input (a date that is not a date is its own error);
health.sweeps.sweep_open decides the rest and names the wrong fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from places.models import Place


class SweepOpenForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Citywide door-to-door sweep")}),
    )
    scope = forms.TypedChoiceField(label=_("Area"), coerce=int, required=False, empty_value=None)
    start_date = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Instructions"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the screeners should ask and check, shown on their pages."),
    )

    def __init__(self, *args: Any, scopes: list[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {p.pk: p for p in scopes}
        indent = {"city": "", "district": "　", "street": "　　", "community": "　　　"}
        self.fields["scope"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (p.pk, f"{indent.get(p.kind, '')}{p.name}") for p in scopes
        ]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("start_date", today)
            self.initial.setdefault("end_date", today + datetime.timedelta(days=2))
            if scopes:
                self.initial.setdefault("scope", scopes[0].pk)

    def scope_place(self) -> Place | None:
        pk = self.cleaned_data.get("scope")
        return self.scopes.get(pk) if pk else None


class SweepCloseForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False)
