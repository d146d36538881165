"""Forms of the request pages. They carry the fields and labels only: the services in
service_requests/ check who may, the clocks, the slots and the stock, and name the wrong field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import OnceTokenMixin
from service_requests.models import RequestCategory, Urgency

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _when(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _text(label: Any, required: bool = False, max_length: int = 500, **attrs: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


class RequestFileForm(OnceTokenMixin):
    member = forms.ChoiceField(label=_("For whom"), required=False)
    category = forms.ChoiceField(label=_("What is needed"), choices=RequestCategory.choices)
    urgency = forms.ChoiceField(
        label=_("How urgent"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=500,
        error_messages={"required": _("Say what is needed.")},
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("e.g. dialysis at the district hospital, 14:00")}
        ),
    )
    needed_by = _when(_("Needed by (optional)"), required=False)

    def __init__(self, *args: Any, members: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        if members:
            member.choices = members
            member.required = True
        else:
            del self.fields["member"]


class AcceptForm(OnceTokenMixin):
    note = _text(_("Note to the resident (optional)"))


class NoteForm(OnceTokenMixin):
    text = forms.CharField(
        label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    public = forms.BooleanField(label=_("Shown to the resident"), required=False, initial=True)


class VehicleDispatchForm(OnceTokenMixin):
    vehicle = forms.ChoiceField(label=_("Vehicle"))
    slot_start = _when(pgettext_lazy("time range", "From"))
    slot_end = _when(pgettext_lazy("time range", "Until"))
    driver_name = _text(_("Driver (if not the usual one)"), max_length=50)
    note = _text(_("Note"), max_length=200)


class PeopleDispatchForm(OnceTokenMixin):
    person = forms.ChoiceField(label=_("Person"))
    note = _text(_("Note"), max_length=200)


class SuppliesDispatchForm(OnceTokenMixin):
    stock = forms.ChoiceField(label=_("Supplies"))
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    note = _text(_("Note"), max_length=200)


class DispatchCancelForm(OnceTokenMixin):
    dispatch = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(_("Reason"), max_length=300, placeholder=_("Why cancel (optional)"))


class EscalateForm(OnceTokenMixin):
    reason = forms.CharField(
        label=_("Why it cannot be solved here"),
        max_length=300,
        error_messages={"required": _("Give a reason.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. no vehicle free")}),
    )


class DoneForm(OnceTokenMixin):
    note = _text(_("What was done (optional)"))


class CloseForm(OnceTokenMixin):
    note = forms.CharField(
        label=_("Why close without the resident's confirmation"),
        max_length=500,
        error_messages={"required": _("Give a reason.")},
    )


class ConfirmForm(OnceTokenMixin):
    rating = forms.TypedChoiceField(
        label=_("How was the help? (1 to 5)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = _text(_("Comment (optional)"), max_length=300)


class ReopenForm(OnceTokenMixin):
    reason = forms.CharField(
        label=_("What is still wrong"),
        max_length=500,
        error_messages={"required": _("Give a reason.")},
    )


class NotSolvedForm(OnceTokenMixin):
    note = forms.CharField(
        label=_("What is still wrong"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what is still wrong.")},
    )


class CancelForm(OnceTokenMixin):
    reason = _text(_("Reason (optional)"), max_length=300)


class VehicleForm(OnceTokenMixin):
    place = forms.ChoiceField(label=_("Belongs to"))
    name = forms.CharField(label=_("Name or plate"), max_length=60)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=60, initial=4)
    driver_name = _text(_("Driver"), max_length=50)
    driver_phone = _text(_("Driver's phone"), max_length=24, inputmode="tel")
    note = _text(_("Note"), max_length=200)
    is_active = forms.BooleanField(label=_("In service"), required=False, initial=True)


class TargetForm(OnceTokenMixin):
    category = forms.ChoiceField(choices=RequestCategory.choices, widget=forms.HiddenInput)
    respond_minutes = forms.IntegerField(
        label=_("Respond within (minutes)"), min_value=1, max_value=100000
    )
    done_minutes = forms.IntegerField(
        label=_("Done within (minutes)"), min_value=1, max_value=100000
    )
