"""The worker's own-health form: temperature, symptoms, contact — three taps on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from health.models import Symptom
from health.rules import NO_SYMPTOMS, SYMPTOM_CODES, TEMPERATURE_HELP
from people.web.forms import OnceTokenMixin


def symptom_choices() -> list[tuple[str, Any]]:
    labels = {s.value: s.label for s in Symptom}
    return [(NO_SYMPTOMS, _("None"))] + [(code, labels[bit]) for code, bit in SYMPTOM_CODES.items()]


class WorkerHealthForm(OnceTokenMixin):
    temperature = forms.CharField(
        label=_("Temperature (°C)"),
        help_text=TEMPERATURE_HELP,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}
        ),
        required=False,
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=symptom_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[NO_SYMPTOMS],
    )
    contact = forms.ChoiceField(
        label=_("Contact with a confirmed or suspected case"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        widget=forms.RadioSelect,
        initial="no",
        required=False,
    )
