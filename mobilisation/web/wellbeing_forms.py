"""Forms of the wellbeing pages; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from mobilisation.models import NeedKind


class NeedForm(OnceTokenMixin):
    worker = forms.ChoiceField(label=_("For whom"), required=False, choices=[])
    kind = forms.ChoiceField(
        label=_("What it is about"), choices=NeedKind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=500,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("e.g. no hot meal on the night shift")}
        ),
    )


class AnswerForm(OnceTokenMixin):
    answer = forms.CharField(
        label=_("The street's answer"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(OnceTokenMixin):
    pass
