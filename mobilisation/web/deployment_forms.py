"""Forms of the deployment pages: they carry fields and labels; the services check the rules and
name the wrong field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from mobilisation.deployments import LINK_VALID_DAYS, LINK_VALID_DAYS_MAX
from mobilisation.models import DeploymentStatus
from party.models import DeployCall, ExemptReason


class CheckInForm(OnceTokenMixin):
    note = forms.CharField(
        label=_("Note for the community"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. free on weekends; can drive")}),
    )


class RegisterForm(OnceTokenMixin):
    """Fields are optional here: the service checks them all at once and names each wrong one."""

    name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=24,
        required=False,
        help_text=_("Your login name."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    unit = forms.ChoiceField(label=_("Work unit"), choices=[], required=False)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class DeclineForm(OnceTokenMixin):
    reason = forms.CharField(label=_("Why it is declined"), max_length=200)


class EndForm(OnceTokenMixin):
    note = forms.CharField(
        label=_("Why the deployment ends"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. called back to the unit")}),
    )


class LinkForm(OnceTokenMixin):
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=LINK_VALID_DAYS_MAX,
        initial=LINK_VALID_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class MarkForm(OnceTokenMixin):
    call = forms.ChoiceField(label=_("Deployment"), choices=DeployCall.choices, required=False)
    exempt_reason = forms.ChoiceField(
        label=_("Exemption reason"),
        choices=[("", "—"), *ExemptReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


STATUS_CHOICES = [("all", _("All")), *DeploymentStatus.choices]


class ConfirmForm(OnceTokenMixin):
    """A button with nothing to fill in (accept, withdraw): sent twice, done once."""
