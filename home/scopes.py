"""The home page: one block per grant, each app's counts of what is the actor's there.

Each app answers for itself in its own `home.py` (`home_counts(actor, grant)`); this module only
puts them together, in the order the page shows them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from care import home as care_home
from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import Role
from front_door import home as front_door_home
from health import home as health_home
from mobilisation import home as mobilisation_home
from notices import home as notices_home
from outreach import home as outreach_home
from party import home as party_home
from people import home as people_home
from places import home as places_home
from reports import home as reports_home
from service_requests import home as requests_home
from supplies import home as supplies_home
from triage import home as triage_home

# The order of the tiles in a block.
PROVIDERS: list[Callable[[Actor, ScopeGrant], list[HomeCount]]] = [
    places_home.home_counts,
    people_home.home_counts,
    reports_home.home_counts,
    health_home.home_counts,
    triage_home.home_counts,
    requests_home.home_counts,
    care_home.home_counts,
    front_door_home.home_counts,
    supplies_home.home_counts,
    party_home.home_counts,
    mobilisation_home.home_counts,
    notices_home.home_counts,
    outreach_home.home_counts,
]


@dataclass
class HomeScope:
    role: str
    role_label: str
    label: str
    counts: list[HomeCount] = field(default_factory=list)
    url: str = ""


def _scope_url(grant: ScopeGrant) -> str:
    if grant.place_id is not None:
        return reverse("places:detail", args=[grant.place_id])
    if grant.unit_id is not None:
        return reverse("party:unit", args=[grant.unit_id])
    if grant.household_id is not None:
        return reverse("home:household", args=[grant.household_id])
    return ""


def home_scopes(actor: Actor) -> list[HomeScope]:
    """One block per grant: the scope label and the counts of what is the actor's there."""
    scopes = [
        HomeScope(
            role=g.role,
            role_label=str(Role(g.role).label),
            label=g.label,
            counts=[count for provider in PROVIDERS for count in provider(actor, g)],
            url=_scope_url(g),
        )
        for g in actor.grants
    ]
    # Checked in but not yet accepted (no role yet): the home page still leads to the check-in.
    mine = mobilisation_home.deployment_link(actor) if not scopes else []
    if mine:
        scopes.insert(
            0,
            HomeScope(
                role="", role_label=_("Deployment"), label=_("Check-in and deployment"), counts=mine
            ),
        )
    return scopes


def home_redirect(actor: Actor) -> str | None:
    """A resident (and nothing else) lands straight on their household."""
    if actor.grants and all(g.role == Role.RESIDENT for g in actor.grants):
        household_ids = [g.household_id for g in actor.grants if g.household_id]
        if len(household_ids) == 1:
            return reverse("home:household", args=[household_ids[0]])
    return None
