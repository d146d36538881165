"""Forms of the activity and hours pages; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import OnceTokenMixin
from mobilisation.models import ActivityKind

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(OnceTokenMixin):
    community = forms.TypedChoiceField(label=_("Community"), choices=[], coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(
        label=pgettext_lazy("service activity", "Title"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. door-to-door publicity")}),
    )
    where = forms.CharField(label=_("Where"), required=False, max_length=120)
    # Read in Asia/Shanghai by the service (datetime-local sends no zone).
    started_at = forms.CharField(label=_("Started at"), widget=LOCAL_INPUT)
    ended_at = forms.CharField(label=_("Ended at"), widget=LOCAL_INPUT)
    participants = forms.MultipleChoiceField(
        label=_("Who took part"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("e.g. 80 leaflets handed out")}),
    )


class HoursForm(OnceTokenMixin):
    user = forms.IntegerField(widget=forms.HiddenInput)
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
