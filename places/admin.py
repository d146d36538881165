from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from core.admin_site import ScopedModelAdmin, site
from places import services
from places.models import Household, Place


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["kind", "variant", "name", "code", "parent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and data.get("kind"):
            services.place_check_parent(kind=data["kind"], parent=data.get("parent"))
        return data


class PlaceAdmin(ScopedModelAdmin):
    form = PlaceForm
    list_display = ["name", "kind", "variant", "code", "parent", "depth"]
    list_filter = ["kind", "variant"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Moving a subtree is a service of its own (paths, households, counts); not here.
        return ["kind", "parent"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Place, form: Any, change: bool) -> None:
        actor = self.actor(request)
        if change:
            services.place_rename(actor=actor, place=obj, name=obj.name, code=obj.code)
        else:
            created = services.place_create(
                actor=actor,
                kind=obj.kind,
                name=obj.name,
                parent=obj.parent,
                code=obj.code,
                variant=obj.variant,
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth


class HouseholdAdmin(ScopedModelAdmin):
    list_display = ["__str__", "community", "grid"]
    search_fields = ["room"]
    raw_id_fields = ["building"]
    fields = ["building", "room"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["building"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Household, form: Any, change: bool) -> None:
        actor = self.actor(request)
        if change:
            services.household_rename(actor=actor, household=obj, room=obj.room)
        else:
            created = services.household_create(actor=actor, building=obj.building, room=obj.room)
            obj.pk = created.pk


site.register(Place, PlaceAdmin)
site.register(Household, HouseholdAdmin)
