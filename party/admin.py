from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.admin_site import ScopedModelAdmin, site
from party import services
from party.models import PartyMember, PartyOrg, Unit


class UnitAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "place"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "kind", "place"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        saved = services.unit_save(
            actor=self.actor(request), unit=obj, name=obj.name, kind=obj.kind, place=obj.place
        )
        obj.pk = saved.pk


class PartyOrgAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "parent", "place", "unit"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "place", "household"]
    fields = ["name", "kind", "parent", "place", "household", "unit", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["parent", "place", "household", "unit"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: PartyOrg, form: Any, change: bool) -> None:
        actor = self.actor(request)
        if change:
            services.party_org_rename(actor=actor, org=obj, name=obj.name, note=obj.note)
        else:
            created = services.party_org_create(
                actor=actor,
                name=obj.name,
                kind=obj.kind,
                parent=obj.parent,
                place=obj.place,
                household=obj.household,
                unit=obj.unit,
                note=obj.note,
            )
            obj.pk = created.pk


class PartyMemberAdmin(ScopedModelAdmin):
    list_display = ["__str__", "org", "unit", "status", "is_cadre"]
    list_filter = ["status", "is_cadre"]
    search_fields = ["person__name"]
    raw_id_fields = ["person", "org"]
    fields = ["person", "org", "unit", "status", "is_cadre", "joined_on"]

    def save_model(self, request: HttpRequest, obj: PartyMember, form: Any, change: bool) -> None:
        saved = services.party_member_save(actor=self.actor(request), member=obj)
        obj.pk = saved.pk


site.register(Unit, UnitAdmin)
site.register(PartyOrg, PartyOrgAdmin)
site.register(PartyMember, PartyMemberAdmin)
