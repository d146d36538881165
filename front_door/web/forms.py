"""The front door's forms: the phone-first join steps, the join code actions, and answering a
join request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from people.models import Relation


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "data-testid": "join-phone"}
        ),
    )


def text_code_field(testid: str) -> forms.CharField:
    """The 6-digit code from a text message, as phones fill it in (one-time-code autofill)."""
    return forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "data-testid": testid}
        ),
    )


class CodeForm(forms.Form):
    code = text_code_field("join-code")


class DetailsForm(OnceTokenMixin):
    name = forms.CharField(
        label=_("Your full name"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name", "data-testid": "join-name"}),
    )
    id_last6 = forms.CharField(
        label=_("Last 6 characters of your ID number"),
        max_length=12,
        help_text=_("6 digits, or 5 digits and X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-testid": "join-last6"}),
    )
    building = forms.ChoiceField(label=_("Your building"), required=False)
    room = forms.CharField(
        label=_("Your room"),
        max_length=40,
        required=False,
        help_text=_("Used only if we cannot find you: your grid worker will check."),
        widget=forms.TextInput(attrs={"data-testid": "join-room"}),
    )
    note = forms.CharField(
        label=_("Anything your grid worker should know"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-testid": "join-note"}),
    )


class OnceForm(OnceTokenMixin):
    """A button's form: only the one-time token."""


class ConfirmForm(OnceTokenMixin):
    household = forms.ChoiceField(label=_("Household"), required=False)
    room = forms.CharField(
        label=_("Or a new room"),
        max_length=40,
        required=False,
        help_text=_("Registers a new household in this building."),
    )
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("Full ID number"), max_length=30)
    relation = forms.ChoiceField(
        label=_("Relation to head"), choices=Relation.choices, initial=Relation.OTHER
    )


class RefuseForm(OnceTokenMixin):
    reason = forms.CharField(label=_("Reason"), max_length=200)
