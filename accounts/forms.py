from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.error_codes import AccountsError

LOGIN_LOCKED = _(
    "Too many wrong passwords for this username. Wait 15 minutes or ask your "
    "administrator to reset the password."
)


class LockoutMessage:
    """Says a locked username is locked, rather than that the password is wrong. The lock
    itself is counted and enforced for every way in by the authentication backend."""

    request: Any
    data: Any
    error_messages: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc,no-any-return]
        except forms.ValidationError:
            if services.login_locked_for(self.request, self.data.get("username", "")):
                raise forms.ValidationError(
                    self.error_messages["locked"], code=AccountsError.LOCKED
                ) from None
            raise


class LoginForm(LockoutMessage, AuthenticationForm):
    """Django's login form, saying when the username is locked."""

    error_messages = {**AuthenticationForm.error_messages, "locked": LOGIN_LOCKED}


class AdminLoginForm(LockoutMessage, AdminAuthenticationForm):
    """The setup site's login: the same lockout message as the login page."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": LOGIN_LOCKED}
