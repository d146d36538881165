"""The home page's place counts: the streets, communities, grids and buildings under a grant."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from places.models import Place, PlaceKind


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is None:
        return []
    places = (
        Place.objects.for_actor(actor)
        .filter(path__startswith=grant.place_path)
        .exclude(pk=grant.place_id)
    )
    plural = {
        PlaceKind.STREET: _("Streets"),
        PlaceKind.COMMUNITY: _("Communities"),
        PlaceKind.GRID: _("Grids"),
        PlaceKind.BUILDING: _("Buildings"),
    }
    by_kind = dict(places.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return [HomeCount(label, by_kind[kind]) for kind, label in plural.items() if by_kind.get(kind)]
