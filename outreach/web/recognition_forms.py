"""Forms of the recognition pages: fields and labels only; the services check the rules and name
the wrong field. Every form carries a one-time token (sent twice, done once)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import OnceTokenMixin

DATE = forms.DateInput(attrs={"type": "date"})


class OrgChoiceMixin(forms.Form):
    org = forms.TypedChoiceField(
        label=_("Party organisation"), choices=[], coerce=int, required=False, empty_value=None
    )


class EntryForm(OnceTokenMixin, OrgChoiceMixin):
    happened_on = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(
        label=_("What they did"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NominationForm(OnceTokenMixin, OrgChoiceMixin):
    title = forms.CharField(
        label=_("Honour"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "全市优秀共产党员"}),
    )
    deeds = forms.CharField(
        label=_("Deeds"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AccountabilityForm(OnceTokenMixin, OrgChoiceMixin):
    finding = forms.CharField(
        label=_("Finding"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.CharField(
        label=_("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    authority = forms.CharField(label=_("Decided by"), max_length=120)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)


class ActivistForm(OnceTokenMixin, OrgChoiceMixin):
    found_where = forms.CharField(
        label=_("Found where"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. gate duty at 新华社区")}),
    )
    found_on = forms.DateField(label=_("Found on"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NewActivistForm(ActivistForm):
    """An activist who is not yet in anyone's record: found by name and ID number."""

    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["name", "id_number", "org", "found_where", "found_on", "note"]


class CommendationForm(OnceTokenMixin):
    place = forms.TypedChoiceField(label=_("Area"), choices=[], coerce=int)
    title = forms.CharField(
        label=_("Honour"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "全市优秀共产党员"}),
    )
    authority = forms.CharField(
        label=_("Decided by"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "中共武汉市委"}),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    decision_text = forms.CharField(
        label=_("Decision text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    nominations = forms.TypedMultipleChoiceField(
        label=_("Commended (nominations settled)"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    not_adopted = forms.TypedMultipleChoiceField(
        label=_("Not adopted"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DecideForm(OnceTokenMixin):
    outcome = forms.ChoiceField(label=pgettext_lazy("nomination", "Outcome"), choices=[])
    commendation = forms.TypedChoiceField(
        label=_("Commendation decision"), choices=[], coerce=int, required=False, empty_value=None
    )


class ConfirmForm(OnceTokenMixin):
    pass
