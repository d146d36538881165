"""The home page's care counts: a carer's households and contacts due, the grid worker's and the
community's overdue contacts. Each count is its list's own selector, linked with its filter."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from care.selectors import my_assignments, vulnerable_households
from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import HELPER_ROLES, Role


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is None:
        return []
    care_mine = reverse("care:mine")
    if grant.role in HELPER_ROLES:
        due = my_assignments(actor, show="due").count()
        return [
            HomeCount(_("Households I care for"), my_assignments(actor).count(), care_mine),
            HomeCount(_("Care contacts due today or overdue"), due, f"{care_mine}?show=due"),
        ]
    if grant.role == Role.GRID_WORKER:
        # The grid worker's care page is their own list (care:home sends them there).
        late = my_assignments(actor, show="overdue").count()
        return [HomeCount(_("Care contacts overdue"), late, f"{care_mine}?show=overdue")]
    if grant.role == Role.COMMUNITY_ADMIN:
        late = (
            vulnerable_households(actor, show="overdue")
            .filter(**{f"{grant.scope_kind}_id": grant.place_id})
            .count()
        )
        url = reverse("care:home") + "?show=overdue"
        return [HomeCount(_("Care contacts overdue"), late, url)]
    return []
