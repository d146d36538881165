"""A text-message "device" beside django-otp's authenticator (otp_totp) and recovery codes
(otp_static), the count of wrong codes in a row, and the accounts as Setup lists them here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from accounts.models import User


class TextDevice(Device):
    """Codes by text message to the account's own mobile number (notifications.codes sends and
    checks them); confirmed by a first code received."""

    # django-otp's own field, without a reverse relation (type checking cannot resolve one on
    # an untyped base); every read goes through second_factor.selectors.
    user: models.ForeignKey[User, User] = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        help_text="The user that this device belongs to.",
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("text-message second factor")


class WrongCodes(models.Model):
    """Wrong second-factor codes in a row for one account, across sessions and processes: the
    limit (SECOND_FACTOR_MAX_WRONG) locks the username like wrong passwords do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True
    )
    count = models.PositiveSmallIntegerField(default=0)
    last_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.count} wrong codes of user #{self.pk}"


class Account(User):
    """Staff accounts in Setup, for resetting a lost second factor (scoped like the users)."""

    class Meta:
        proxy = True
        verbose_name = _("second factor of an account")
        verbose_name_plural = _("second factor of accounts")
