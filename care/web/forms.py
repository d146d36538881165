"""Forms of the care pages: they carry fields and labels; the services check the rules and name
the wrong field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from care.models import ContactKind, EndReason, HealthState
from care.rules import PHONE_EVERY_MAX, VISIT_EVERY_MAX
from core.forms import OnceTokenMixin
from service_requests.models import RequestCategory, Urgency


class AssignForm(OnceTokenMixin):
    carer = forms.ChoiceField(label=_("Carer"), choices=[])
    phone_every_days = forms.IntegerField(
        label=_("Phone every (days)"),
        min_value=0,
        max_value=PHONE_EVERY_MAX,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("0 = no phone checks"),
    )
    visit_every_days = forms.IntegerField(
        label=_("Visit every (days)"),
        min_value=0,
        max_value=VISIT_EVERY_MAX,
        initial=3,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("0 = no visits"),
    )
    plan_note = forms.CharField(
        label=_("Plan note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. call after 9 am; hard of hearing")}),
    )


class ContactForm(OnceTokenMixin):
    kind = forms.ChoiceField(
        label=_("What kind of contact"), choices=ContactKind.choices, widget=forms.RadioSelect
    )
    health = forms.ChoiceField(
        label=_("How is the resident"),
        choices=HealthState.choices,
        initial=HealthState.WELL,
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    needs = forms.CharField(
        label=_("Needs found"),
        required=False,
        max_length=300,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. blood pressure pills running out")}
        ),
    )
    request_category = forms.ChoiceField(
        label=_("Kind of help"),
        required=False,
        choices=[("", _("No request")), *RequestCategory.choices],
    )
    request_urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False
    )
    request_details = forms.CharField(
        label=_("Request details"),
        required=False,
        max_length=500,
        help_text=_("Left empty, the needs found are used."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndForm(OnceTokenMixin):
    reason = forms.ChoiceField(label=_("Why it ends"), choices=EndReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class LeaveForm(OnceTokenMixin):
    carer = forms.ChoiceField(label=_("Carer who leaves"), choices=[])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. deployment ended")}),
    )
