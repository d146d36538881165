"""Forms of the notice pages; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from notices.models import NoticeKind, RelayChannel


class NoticeForm(OnceTokenMixin):
    issuer = forms.TypedChoiceField(label=_("Issued by"), choices=[], coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    whole_area = forms.BooleanField(label=_("The whole area of the issuer"), required=False)
    targets = forms.TypedMultipleChoiceField(
        label=_("Where it goes"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    building = forms.TypedChoiceField(
        label=_("Building (building notices only)"),
        choices=[],
        coerce=int,
        required=False,
        empty_value=None,
    )


class RelayForm(OnceTokenMixin):
    community = forms.TypedChoiceField(label=_("Community"), choices=[], coerce=int)
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=RelayChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    explanation = forms.CharField(
        label=_("Explanation for residents"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("e.g. what this means for our community")}
        ),
    )


class WithdrawForm(OnceTokenMixin):
    confirm = forms.BooleanField(label=_("Withdraw this notice"), required=True)
