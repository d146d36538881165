"""Forms of the registry pages. They parse and check shapes; the services decide and validate
for real. A service's field-named ValidationError lands on the form's field (add_service_errors),
so the page says which field is wrong, in the user's language, and nothing is changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import (
    OnceTokenMixin,
    add_service_errors,
    keep_stored,
    kept_id_number_field,
    kept_phone_field,
)
from people import services
from people.models import VULNERABILITY_FIELDS, Person, Relation, ResidentStatus
from people.selectors import LIVING, RegistryFilters, flag_label
from places.models import Household, Place


def flag_choices() -> list[tuple[str, str]]:
    return [(f, flag_label(f)) for f in VULNERABILITY_FIELDS]


# ---- the registry list ---------------------------------------------------------------------


def status_filter_choices() -> list[tuple[str, Any]]:
    return [("", _("All")), (LIVING, _("Living here or away")), *ResidentStatus.choices]


class RegistryFilterForm(forms.Form):
    q = forms.CharField(required=False)
    grid = forms.IntegerField(required=False, min_value=1)
    building = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(required=False, choices=status_filter_choices)
    flag = forms.MultipleChoiceField(required=False, choices=flag_choices)

    def filters(self) -> RegistryFilters:
        """The filters from whatever was valid (a bad value is ignored, not an error page)."""
        self.is_valid()
        data = self.cleaned_data  # the fields that were valid
        from core.validators import normalize_text

        return RegistryFilters(
            q=normalize_text(data.get("q") or "")[:50],
            grid_id=data.get("grid") or None,
            building_id=data.get("building") or None,
            status=data.get("status") or "",
            flags=tuple(data.get("flag") or ()),
        )


# ---- households ----------------------------------------------------------------------------


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:  # type: ignore[override]
        return f"{obj.parent.name} · {obj.name}" if obj.parent else obj.name


class HouseholdAddForm(OnceTokenMixin):
    building = BuildingChoiceField(label=_("Building"), queryset=Place.objects.none())
    room = forms.CharField(
        label=_("Room"), max_length=40, help_text=_("e.g. Unit 3, Room 502"), required=False
    )
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=24,
        required=False,
        help_text=_("A mobile, or a landline with its area code, e.g. 027-85551234."),
    )

    def __init__(self, *args: Any, buildings: QuerySet[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]


class HouseholdEditForm(OnceTokenMixin):
    """The contact phone is shown masked, as on the household page, and kept unless replaced."""

    room = forms.CharField(
        label=_("Room"), max_length=40, help_text=_("e.g. Unit 3, Room 502"), required=False
    )
    phone = kept_phone_field(label=_("Contact phone"), max_length=24)

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_stored(self, phone=household.phone)


class HouseholdMoveForm(OnceTokenMixin):
    building = BuildingChoiceField(
        label=_("New building"),
        queryset=Place.objects.none(),
        help_text=_("Its residents move with it; the room stays the same."),
    )

    def __init__(self, *args: Any, buildings: QuerySet[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]


# ---- residents -----------------------------------------------------------------------------


class ResidentForm(OnceTokenMixin):
    name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    id_number = kept_id_number_field(
        label=_("ID number"), max_length=30, help_text=_("18 characters; the last may be X.")
    )
    phone = kept_phone_field(
        label=_("Phone"),
        max_length=24,
        help_text=_("A mobile, or a landline with its area code, e.g. 027-85551234."),
    )
    relation = forms.ChoiceField(
        label=_("Relation to head"), choices=Relation.choices, initial=Relation.OTHER
    )
    flags = forms.MultipleChoiceField(
        label=_("Needs attention"),
        choices=flag_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    care_note = forms.CharField(
        label=_("Care note"),
        max_length=200,
        required=False,
        help_text=_("e.g. dialysis every Tuesday, Thursday and Saturday"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, current: Person | None = None, **kwargs: Any) -> None:
        """`current`: the person being edited. Their ID and phone are never put into the form
        (that would show them in full); the fields show them masked and, left empty, keep them."""
        self.current = current
        super().__init__(*args, **kwargs)
        if current is not None:
            keep_stored(self, id_number=current.id_number, phone=current.phone)

    @property
    def person_id(self) -> int | None:
        return self.current.pk if self.current is not None else None

    def person_data(self) -> services.PersonData:
        d = self.cleaned_data  # ID and phone: the stored ones unless new ones were typed
        return services.PersonData(
            name=d.get("name") or "",
            id_number=d.get("id_number") or "",
            phone=d.get("phone") or "",
            relation=d.get("relation") or Relation.OTHER,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        # The same checks the service makes, so every wrong field is named at once.
        try:
            services.clean_person(self.person_data(), exclude_person_id=self.person_id)
        except ValidationError as e:
            add_service_errors(self, e)
        return data


class ResidentStatusForm(OnceTokenMixin):
    status = forms.ChoiceField(label=_("Status"), choices=ResidentStatus.choices)
    since = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day it began; not in the future."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("e.g. stranded in another city, where and until when"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResidentMoveForm(OnceTokenMixin):
    building = BuildingChoiceField(label=_("Building"), queryset=Place.objects.none())
    room = forms.CharField(
        label=_("Room"),
        max_length=40,
        required=False,
        help_text=_("The household must already be registered."),
    )
    relation = forms.ChoiceField(label=_("Relation to head"), choices=Relation.choices)

    def __init__(self, *args: Any, buildings: QuerySet[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]


class ExportForm(forms.Form):
    full = forms.BooleanField(
        label=_("ID numbers, phones and birth dates in full"),
        required=False,
        help_text=_(
            "Only when the work needs them; the export and your reason are recorded. Without "
            "this, ID numbers and phones are masked and birth dates show the year only."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. list for the district's sweep")}),
    )
