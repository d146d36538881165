"""The forms of the supplies pages. They only shape the input (a quantity that is not a number
reaches the service, which names the field); supplies.stock and supplies.items decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import OnceTokenMixin
from places.models import Place
from supplies.models import ItemKind, SupplyItem
from supplies.selectors import Worker

NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


def _number(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=12,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs=NUMBER),
    )


def _note(label: Any = None) -> forms.CharField:
    return forms.CharField(label=label or _("Note"), max_length=200, required=False)


class ActionForm(OnceTokenMixin):
    """A form of a page with several: the hidden `action` says which was sent."""

    action_name = ""
    action = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("action", self.action_name)


class ReceiveNewForm(ActionForm):
    """A receipt at my place, of any item in the catalogue (its stock is made if new)."""

    action_name = "receive_new"
    item = forms.TypedChoiceField(
        label=pgettext_lazy("supply item", "Item"), coerce=int, empty_value=None, required=False
    )
    place = forms.TypedChoiceField(
        label=_("Received at"), coerce=int, empty_value=None, required=False
    )
    quantity = _number(_("Quantity"))
    source = forms.CharField(
        label=_("From"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. donation, district")}),
    )
    note = _note()

    def __init__(self, *args: Any, items: list[SupplyItem], places: list[Place], **kw: Any):
        super().__init__(*args, **kw)
        self.items = {i.pk: i for i in items}
        self.places = {p.pk: p for p in places}
        self.fields["item"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (i.pk, f"{i.name} ({i.unit})") for i in items
        ]
        self.fields["place"].choices = [  # type: ignore[attr-defined]
            (p.pk, p.name) for p in places
        ]
        if len(places) == 1:
            self.fields["place"].widget = forms.HiddenInput()
            self.initial.setdefault("place", places[0].pk)

    def chosen_item(self) -> SupplyItem | None:
        pk = self.cleaned_data.get("item")
        return self.items.get(pk) if pk else None

    def chosen_place(self) -> Place | None:
        pk = self.cleaned_data.get("place")
        return self.places.get(pk) if pk else None


class ReceiveForm(ActionForm):
    action_name = "receive"
    quantity = _number(_("Quantity received"))
    source = forms.CharField(
        label=_("From"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. donation, district")}),
    )
    note = _note()


class IssueForm(ActionForm):
    action_name = "issue"
    worker = forms.TypedChoiceField(label=_("Worker"), coerce=int, empty_value=None, required=False)
    quantity = _number(_("Quantity handed out"))
    note = _note()

    def __init__(self, *args: Any, workers: list[Worker], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["worker"].choices = [("", _("Choose the worker"))] + [  # type: ignore[attr-defined]
            (w.user_id, f"{w.name} · {w.role}") for w in workers
        ]


class TransferForm(ActionForm):
    action_name = "transfer"
    to_place = forms.TypedChoiceField(
        label=_("To community"), coerce=int, empty_value=None, required=False
    )
    quantity = _number(_("Quantity sent"))
    note = _note()

    def __init__(self, *args: Any, targets: list[Place], **kw: Any):
        super().__init__(*args, **kw)
        self.targets = {p.pk: p for p in targets}
        self.fields["to_place"].choices = [("", _("Choose the community"))] + [  # type: ignore[attr-defined]
            (p.pk, p.name) for p in targets
        ]

    def chosen_place(self) -> Place | None:
        pk = self.cleaned_data.get("to_place")
        return self.targets.get(pk) if pk else None


class CountForm(ActionForm):
    action_name = "count"
    counted = _number(_("Counted on the shelf"))
    note = _note(_("Why it differs"))


class ThresholdForm(ActionForm):
    action_name = "threshold"
    low_threshold = _number(
        _("Alarm when the stock falls to"), _("0 turns the low-stock alarm off.")
    )


class ReturnForm(ActionForm):
    action_name = "return"
    movement = forms.CharField(widget=forms.HiddenInput, required=False)


class ItemForm(OnceTokenMixin):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. N95 mask")}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, required=False)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. box, piece, bottle")}),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, item: SupplyItem | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if item is None:
            del self.fields["is_active"]
        elif not self.is_bound:
            self.initial.update(
                name=item.name, kind=item.kind, unit=item.unit, is_active=item.is_active
            )
