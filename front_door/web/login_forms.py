"""Forms of the phone login and of invitations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin


class PhoneForm(OnceTokenMixin):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "data-testid": "login-phone"}
        ),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)


class CodeForm(OnceTokenMixin):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "data-testid": "login-code",
            }
        ),
    )


class SendCodeForm(OnceTokenMixin):
    """Only the button: send the code (an invitation's first step)."""
