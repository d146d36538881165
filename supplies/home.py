"""The home page's supplies count: stocks running low at a community or street."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import Role
from supplies.selectors import stocks_for


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is None or grant.role not in (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN):
        return []
    low = stocks_for(actor, place_id=grant.place_id, low_only=True).count()
    url = f"{reverse('supplies:home')}?low=1&place={grant.place_id}"
    return [HomeCount(_("Supplies running low"), low, url)]
