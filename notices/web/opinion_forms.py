"""Forms of the opinion pages: fields and labels; the services check the rules and name the
wrong field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from notices.models import IncidentKind, IncidentStatus, Urgency


class IncidentForm(OnceTokenMixin):
    """Fields are optional here: the service checks them all and names the wrong one."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *IncidentKind.choices], required=False
    )
    summary = forms.CharField(
        label=_("What is being said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    where_seen = forms.CharField(
        label=_("Where it was seen"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 新华社区业主群")}),
    )
    reach = forms.IntegerField(
        label=_("People reached (estimate)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    place = forms.ChoiceField(label=_("Street or community"), choices=[], required=False)


class ActionForm(OnceTokenMixin):
    status = forms.ChoiceField(
        label=_("Status after this step"),
        choices=[
            (IncidentStatus.HANDLING.value, IncidentStatus.HANDLING.label),
            (IncidentStatus.CLOSED.value, IncidentStatus.CLOSED.label),
        ],
        required=False,
    )
    note = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RebuttalForm(OnceTokenMixin):
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    body = forms.CharField(
        label=_("Text of the rebuttal"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    communities = forms.MultipleChoiceField(
        label=_("Only these communities (none: the whole street)"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
