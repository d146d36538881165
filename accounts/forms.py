from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from core.validators import normalize_text


class LoginForm(AuthenticationForm):
    """Django's login form, with throttling of repeated wrong passwords."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many wrong passwords for this username. Wait 15 minutes or ask your "
            "administrator to reset the password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = normalize_text(self.data.get("username", ""))
        ip = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if username and services.login_locked(username=username, ip=ip):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            data = super().clean()
        except forms.ValidationError:
            if username:
                services.login_failed(username=username, ip=ip)
            raise
        services.login_succeeded(username=username, ip=ip)
        return data
