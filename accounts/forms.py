from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from core.validators import normalize_text

LOGIN_LOCKED = _(
    "Too many wrong passwords for this username. Wait 15 minutes or ask your "
    "administrator to reset the password."
)


class LoginForm(AuthenticationForm):
    """Django's login form, with throttling of repeated wrong passwords."""

    error_messages = {**AuthenticationForm.error_messages, "locked": LOGIN_LOCKED}

    def clean(self) -> dict[str, Any]:
        # The authentication backend counts wrong passwords and refuses a locked username for
        # every way in (accounts.backends); the form only says which refusal it was.
        try:
            return super().clean()
        except forms.ValidationError:
            raise_if_locked(self.request, self.data.get("username", ""), self.error_messages)
            raise


def raise_if_locked(request: Any, username: str, error_messages: dict[str, Any]) -> None:
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    name = normalize_text(username or "")
    if name and services.login_locked(username=name, ip=ip):
        raise forms.ValidationError(error_messages["locked"], code="locked")


class AdminLoginForm(AdminAuthenticationForm):
    """The setup site's login: the same lockout and its message as the login page."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": LOGIN_LOCKED}

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            raise_if_locked(self.request, self.data.get("username", ""), self.error_messages)
            raise
