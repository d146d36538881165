"""The guide item form (city admins); the service checks the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from notices.models import GuideTopic


class GuideItemForm(OnceTokenMixin):
    topic = forms.ChoiceField(label=_("Topic"), choices=GuideTopic.choices)
    position = forms.IntegerField(
        label=_("Position in its topic"), min_value=0, max_value=999, initial=0
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    body_zh = forms.CharField(
        label=_("Text (Chinese)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_en = forms.CharField(
        label=_("Text (English)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    source = forms.CharField(label=_("Source"), max_length=200)
    published = forms.BooleanField(label=_("Published"), required=False, initial=True)
