"""The forms of the site, transfer-queue and disclosure pages. They only shape the input (a
capacity that is not a number reaches the service, which names the field); triage.sites,
triage.decisions and triage.disclosure decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import OnceTokenMixin
from places.models import Place
from triage.models import Site, SiteKind

INDENT = {"city": "", "district": "　", "street": "　　"}


class SiteForm(OnceTokenMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteKind.choices, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Riverside Hotel isolation site")}),
    )
    place = forms.TypedChoiceField(
        label=_("Serves"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("People of this street, district or the whole city may be placed here."),
    )
    capacity = forms.CharField(
        label=_("Capacity (beds or rooms)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=pgettext_lazy("site", "Address"), max_length=200, required=False
    )
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    is_active = forms.BooleanField(label=_("Taking people"), required=False, initial=True)

    def __init__(
        self, *args: Any, places: list[Place], site: Site | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.places = {p.pk: p for p in places}
        if site is not None and site.place_id not in self.places:
            self.places[site.place_id] = site.place
        self.fields["place"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (p.pk, f"{INDENT.get(p.kind, '')}{p.name}") for p in self.places.values()
        ]
        if site is None:
            del self.fields["is_active"]
        if not self.is_bound:
            if site is not None:
                self.initial.update(
                    kind=site.kind,
                    name=site.name,
                    place=site.place_id,
                    capacity=site.capacity,
                    address=site.address,
                    phone=site.phone,
                    is_active=site.is_active,
                )
            else:
                self.initial.setdefault("kind", SiteKind.ISOLATION)
                if len(places) == 1 or any(p.kind == "street" for p in places):
                    # Most sites serve a street: the first street is the likely answer.
                    first = next((p for p in places if p.kind == "street"), places[0])
                    self.initial.setdefault("place", first.pk)

    def chosen_place(self) -> Place | None:
        pk = self.cleaned_data.get("place")
        return self.places.get(pk) if pk else None


class AssignForm(OnceTokenMixin):
    """One row of the transfer queue: the case and the site to place the person at."""

    case = forms.IntegerField(widget=forms.HiddenInput)
    site = forms.TypedChoiceField(label=_("Site"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, sites: list[Site], with_room: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {s.pk: s for s in sites}
        field = self.fields["site"]
        # Any visible site of the kind is accepted (the service says when one is full);
        # only those with room are offered.
        field.choices = [("", "—")] + [(s.pk, s.name) for s in sites]  # type: ignore[attr-defined]
        field.widget.choices = [("", _("Choose a site"))] + [  # type: ignore[attr-defined]
            (s.pk, _site_label(s)) for s in with_room
        ]

    def chosen_site(self) -> Site | None:
        pk = self.cleaned_data.get("site")
        return self.sites.get(pk) if pk else None


def _site_label(site: Site) -> str:
    return str(_("%(name)s (%(free)s free)") % {"name": site.name, "free": site.free})


class ThresholdForm(OnceTokenMixin):
    threshold = forms.CharField(
        label=_("Cases needed before a building is shown"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "Open confirmed or suspected cases in one building. Below this, the building is not "
            "shown to residents, so one case never points at one household."
        ),
    )
