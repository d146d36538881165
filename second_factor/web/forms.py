from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy


class CodeForm(forms.Form):
    """A code from the authenticator app, a text message or the recovery list."""

    code = forms.CharField(
        label=pgettext_lazy("second factor", "Code"),
        max_length=20,
        required=False,  # an empty code gets the service's own message
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
