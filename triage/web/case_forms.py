"""Forms of the case pages. They only carry the fields and their labels: the services in
triage/ parse temperatures, check transitions and name the wrong field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import OnceTokenMixin
from health.rules import TEMPERATURE_HELP
from health.web.forms import symptom_choices
from triage.models import Category, Disposition, Origin, Site, Transport

# A worker opens a case for a call, a walk-in or a screening; flags and contacts open theirs
# through their own pages.
OPEN_ORIGINS = (Origin.CALL, Origin.WALK_IN, Origin.SCREENING)


def _temperature(required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Temperature (°C)"),
        required=required,
        max_length=12,
        help_text=TEMPERATURE_HELP,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}
        ),
    )


def _symptoms() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=symptom_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _reason(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CaseOpenForm(OnceTokenMixin):
    origin = forms.ChoiceField(
        label=_("How did the person come to notice?"),
        choices=[(o.value, o.label) for o in OPEN_ORIGINS],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What was found"),
        required=False,
        max_length=500,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. 38.1 °C since last night, coughing")}
        ),
    )


class AssessForm(OnceTokenMixin):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    temperature = _temperature(required=False)
    symptoms = _symptoms()
    test_result = forms.CharField(
        label=_("CT or test result"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. nucleic acid test negative")}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = _reason(_("Reason for a change of category"))


class DispositionForm(OnceTokenMixin):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices)
    site = forms.ChoiceField(label=_("Site (if it has room)"), required=False)
    reason = _reason(_("Reason for a change of disposition"))

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {str(s.pk): s for s in sites}
        site = self.fields["site"]
        assert isinstance(site, forms.ChoiceField)
        site.choices = [("", _("Assign later (transfer queue)"))] + [
            (
                str(s.pk),
                _("%(kind)s · %(name)s (%(free)s free)")
                % {"kind": s.get_kind_display(), "name": s.name, "free": s.free},
            )
            for s in sites
        ]

    def chosen_site(self) -> Site | None:
        return self.sites.get(str(self.cleaned_data.get("site") or ""))


class TransportForm(OnceTokenMixin):
    transport = forms.ChoiceField(
        label=_("Transport"),
        choices=[(Transport.NEEDED.value, _("Needed")), (Transport.DONE.value, _("Done"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ContactForm(OnceTokenMixin):
    resident = forms.IntegerField(
        label=_("Close contact"),
        error_messages={"required": _("Search for the person and choose them.")},
    )
    last_contact_on = forms.DateField(
        label=_("Day of last contact"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. ate together on Sunday")}),
    )


class FollowUpForm(OnceTokenMixin):
    temperature = _temperature(required=False)
    symptoms = _symptoms()
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    next = forms.CharField(widget=forms.HiddenInput, required=False)
