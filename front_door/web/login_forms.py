"""Forms of the phone login and of invitations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from front_door.web.forms import text_code_field


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
    code = text_code_field("login-code")


class SendCodeForm(OnceTokenMixin):
    """Only the button: send the code (an invitation's first step)."""
