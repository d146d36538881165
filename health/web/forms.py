"""Forms of the health pages. Parsing of temperatures and symptoms is health.rules' job; these
forms only carry the fields and their labels."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from health.rules import SYMPTOM_CODES


def symptom_choices() -> list[tuple[str, Any]]:
    from health.models import Symptom

    labels = {s.value: s.label for s in Symptom}
    return [(code, labels[bit]) for code, bit in SYMPTOM_CODES.items()]


class FlagNoteForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
