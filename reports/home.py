"""The home page's way to today's daily report of an office's place."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from health.querysets import REPORT_OFFICE_ROLES
from places.models import PlaceKind


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is None:
        return []
    if grant.role not in REPORT_OFFICE_ROLES or grant.scope_kind == PlaceKind.GRID:
        return []
    url = (
        f"{reverse('daily:home')}?community={grant.place_id}"
        if grant.scope_kind == PlaceKind.COMMUNITY
        else reverse("daily:place", args=[grant.place_id])
    )
    return [HomeCount(_("Today's daily report"), None, url)]
