"""Forms of the posts and zones pages: fields and labels only; the services check the rules and
name the wrong field. Choices (workers, grids and buildings) are filled in by the view."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from mobilisation.models import PostKind


class PostForm(OnceTokenMixin):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    place = forms.ChoiceField(label=_("Grid or building"), choices=[], required=False)
    location = forms.CharField(
        label=_("Where exactly"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. north gate of the compound")}),
    )
    leader = forms.ChoiceField(label=_("Leader"), choices=[], required=False)
    needed_per_shift = forms.IntegerField(
        label=_("People needed per shift"),
        min_value=1,
        max_value=50,
        initial=2,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    duties = forms.CharField(
        label=_("Duties"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberForm(OnceTokenMixin):
    user = forms.ChoiceField(label=_("Person"), choices=[])


class ZoneForm(OnceTokenMixin):
    name = forms.CharField(label=_("Name"), max_length=80)
    places = forms.MultipleChoiceField(
        label=_("Grids or buildings"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    leader = forms.ChoiceField(label=_("Leader"), choices=[], required=False)
    duties = forms.CharField(
        label=_("Duties"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(OnceTokenMixin):
    """A button that needs no field (close a post or zone)."""
