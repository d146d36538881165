"""Forms of the study pages: fields and labels; the services check the rules and name the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import OnceTokenMixin


class StudiedForm(OnceTokenMixin):
    pass


class ReflectionForm(OnceTokenMixin):
    reflection = forms.CharField(
        label=_("My reflection"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PostForm(OnceTokenMixin):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RemindForm(OnceTokenMixin):
    org = forms.IntegerField(widget=forms.HiddenInput)


class ProgrammeForm(OnceTokenMixin):
    place = forms.TypedChoiceField(label=_("Published by"), coerce=int, choices=[])
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label=pgettext_lazy("date range", "Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    orgs = forms.TypedMultipleChoiceField(
        label=_("Organisations taking part"),
        coerce=int,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    from_seed = forms.BooleanField(
        label=_("Add the eight materials of the February themed party day"),
        required=False,
        initial=True,
    )
    material_title = forms.CharField(
        label=_("Or add one material: its title"), max_length=200, required=False
    )
    material_body = forms.CharField(
        label=_("The material's text"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    material_source = forms.CharField(label=_("Source"), max_length=200, required=False)
