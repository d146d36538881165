"""Forms of the patrol pages: fields and labels; the services check the rules and name the
wrong field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from mobilisation.models import FindingKind
from service_requests.models import RequestCategory


class RouteForm(OnceTokenMixin):
    community = forms.TypedChoiceField(label=_("Community"), choices=[], coerce=int)
    name = forms.CharField(
        label=_("Route name"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. night round, north side")}),
    )
    checkpoints = forms.CharField(
        label=_("Checkpoints"),
        required=False,
        max_length=400,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class StartForm(OnceTokenMixin):
    route = forms.TypedChoiceField(label=_("Route"), choices=[], coerce=int)
    patrollers = forms.MultipleChoiceField(
        label=_("Patrolling with"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You are on the round; tick the others going with you."),
    )


class FindingForm(OnceTokenMixin):
    kind = forms.ChoiceField(
        label=_("What was found"), choices=FindingKind.choices, widget=forms.RadioSelect
    )
    building = forms.ChoiceField(label=_("Building"), required=False, choices=[])
    where = forms.CharField(
        label=_("Where exactly"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. behind building 2")}),
    )
    details = forms.CharField(
        label=_("Details"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    rq = forms.CharField(
        label=_("Find the resident"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, pinyin or room")}),
    )
    resident = forms.ChoiceField(label=_("Resident concerned"), required=False, choices=[])
    to_request = forms.ChoiceField(
        label=_("Make it a request"),
        required=False,
        choices=[("", _("No request")), *RequestCategory.choices],
    )
    to_case = forms.BooleanField(label=_("Open a triage case"), required=False)


class EndForm(OnceTokenMixin):
    note = forms.CharField(
        label=_("Summary of the round"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. all quiet")}),
    )
