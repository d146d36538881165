"""Forms of the supervision pages: fields and labels; the services check the rules and name the
wrong field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from notices.models import ItemResult

EXTRA_ROWS = 3
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectionForm(OnceTokenMixin):
    place = forms.ChoiceField(label=_("Street or community inspected"), choices=[], required=False)
    inspected_on = forms.DateField(label=_("Inspected on"), required=False, widget=DATE)
    team = forms.ChoiceField(label=_("Team"), choices=[], required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, checklist: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = len(checklist) + EXTRA_ROWS
        results = [("", "—"), *ItemResult.choices]
        for i in range(self.rows):
            self.fields[f"item_{i}"] = forms.CharField(
                label=_("Checklist item"), required=False, max_length=120
            )
            self.fields[f"result_{i}"] = forms.ChoiceField(
                label=_("Result"), choices=results, required=False
            )
            self.fields[f"note_{i}"] = forms.CharField(
                label=_("Finding"), required=False, max_length=300
            )
            if i < len(checklist):
                self.initial.setdefault(f"item_{i}", checklist[i])

    def checklist_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"item_{i}"], self[f"result_{i}"], self[f"note_{i}"]) for i in range(self.rows)
        ]

    def items(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        return [
            {"item": d[f"item_{i}"], "result": d[f"result_{i}"], "note": d[f"note_{i}"]}
            for i in range(self.rows)
        ]


class RectificationForm(OnceTokenMixin):
    finding = forms.CharField(
        label=_("What must be rectified"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    item = forms.ChoiceField(label=_("Checklist item"), choices=[], required=False)
    owner_name = forms.CharField(label=_("Person responsible"), required=False, max_length=60)
    owner = forms.ChoiceField(label=_("Their account (optional)"), choices=[], required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)


class UpdateForm(OnceTokenMixin):
    status = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamForm(OnceTokenMixin):
    name = forms.CharField(label=_("Name"), required=False, max_length=120)
    place = forms.ChoiceField(label=_("City or district"), choices=[], required=False)
    leader = forms.ChoiceField(label=_("Leader"), choices=[], required=False)
    members = forms.MultipleChoiceField(
        label=_("Members"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )


class AreaLeadForm(OnceTokenMixin):
    street = forms.ChoiceField(label=_("Street"), choices=[], required=False)
    leader = forms.ChoiceField(label=_("Leader"), choices=[], required=False)
    communities = forms.MultipleChoiceField(
        label=_("Communities"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
