from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app, a text message or the recovery list."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,  # an empty code gets the service's own message
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
