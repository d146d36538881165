"""The main navigation: every destination of the app and which roles see it, in one list.

base.html renders it twice from the same list: the tab bar (desks; on a phone it scrolls
sideways) and the menu, which lists every destination of the actor's roles on a phone too.
A home page that links its destinations (tiles) takes them from here as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.roles import REGISTRY_ROLES, SETUP_ROLES, Role
from front_door.policies import JOIN_CODE_ROLES, JOIN_REQUEST_ROLES

# Any role: the destination is for every actor who holds at least one grant.
ANY = frozenset(Role.values)
OFFICES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN})


@dataclass(frozen=True)
class Destination:
    """One place the main navigation leads to.

    Shown to an actor holding any of `roles`, except one whose only role is in `not_alone`;
    with `alone`, only to an actor whose only role is in `roles`. Destinations with the same
    `key` are alternatives (a resident's "Health report" or a worker's "Health"): the first one
    shown wins. `count`, when given, is a number shown beside the label (e.g. what is waiting).
    """

    key: str  # the link's data-testid is nav-<key>
    url_name: str
    label: Promise
    roles: frozenset[str] = ANY
    not_alone: frozenset[str] = frozenset()
    alone: bool = False
    superuser: bool = False  # shown to a superuser holding any grant, whatever its role
    count: Callable[[Actor], int] | None = None

    def shown_to(self, actor: Actor) -> bool:
        roles = actor.roles
        if not roles:
            return False
        if self.alone:
            return len(roles) == 1 and roles <= self.roles
        if len(roles) == 1 and roles <= self.not_alone:
            return False
        return bool(roles & self.roles) or (self.superuser and actor.is_superuser)


NOT_ALONE = frozenset({Role.RESIDENT, Role.UNIT_ADMIN})
RESIDENT = frozenset({Role.RESIDENT})

DESTINATIONS: tuple[Destination, ...] = (
    Destination("health", "health:report", _("Health report"), RESIDENT, alone=True),
    Destination("health", "health:home", _("Health"), not_alone=NOT_ALONE),
    Destination(
        "triage",
        "triage:queue",
        _("Triage"),
        OFFICES | {Role.HEALTH_WORKER, Role.GRID_WORKER},
    ),
    Destination("requests", "requests:mine", _("My requests"), RESIDENT, alone=True),
    Destination("requests", "requests:list", _("Requests"), not_alone=NOT_ALONE),
    Destination("care", "care:home", _("Care"), OFFICES | {Role.GRID_WORKER}),
    Destination(
        "care", "care:mine", _("My care households"), frozenset({Role.CADRE, Role.VOLUNTEER})
    ),
    Destination(
        "joinrequests",
        "front_door:join_requests",
        _("Join requests"),
        JOIN_REQUEST_ROLES,
    ),
    Destination("joincodes", "front_door:code_list", _("Join codes"), JOIN_CODE_ROLES),
    Destination("supplies", "supplies:home", _("Supplies"), OFFICES),
    Destination("duty", "duty:home", _("Duty"), not_alone=NOT_ALONE),
    Destination("deployments", "party:deployments", _("Deployed cadres"), OFFICES),
    Destination("deployments", "party:my_deployment", _("My deployment"), frozenset({Role.CADRE})),
    Destination("places", "places:roots", _("Places"), not_alone=NOT_ALONE),
    Destination(
        "registry",
        "registry:list",
        _("Registry"),
        REGISTRY_ROLES,
        not_alone=RESIDENT,
        superuser=True,
    ),
    Destination("party", "party:roots", _("Party organisations"), not_alone=RESIDENT),
    Destination("notices", "notices:notice_list", _("Notices")),
    Destination("guide", "notices:guide", _("Protection guide"), RESIDENT, alone=True),
    # The zone leaders and duty team over the resident's building (issue 15 item 18).
    Destination("building", "duty:my_zone", _("My building"), RESIDENT),
    Destination("opinion", "notices:incident_list", _("Rumours"), not_alone=NOT_ALONE),
    Destination("supervision", "notices:inspection_list", _("Supervision"), OFFICES),
    Destination("study", "party:study_list", _("Themed party day"), OFFICES | {Role.UNIT_ADMIN}),
    Destination(
        "recognition",
        "party:recognition",
        _("Recognition"),
        frozenset({Role.COMMUNITY_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.UNIT_ADMIN}),
    ),
    Destination(
        "coverage",
        "party:coverage",
        _("Deployment coverage"),
        frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.UNIT_ADMIN}),
    ),
    Destination("units", "party:units", _("Units"), SETUP_ROLES),
    Destination("setup", "admin:index", _("Setup"), SETUP_ROLES),
)
HOME = Destination("home", "home:home", _("Home"))


@dataclass(frozen=True)
class NavLink:
    key: str
    url: str
    label: str
    count: int | None = None
    current: bool = False  # the page shown is this destination or below it


def destinations(actor: Actor, path: str = "") -> list[NavLink]:
    """The actor's destinations in the navigation's order, Home first (every signed-in user);
    the one `path` (the page's) lies under is marked current."""
    if not actor.is_authenticated:
        return []
    chosen: dict[str, Destination] = {}
    for d in DESTINATIONS:
        if d.key not in chosen and d.shown_to(actor):
            chosen[d.key] = d
    shown = [(d, reverse(d.url_name)) for d in (HOME, *chosen.values())]
    under = [url for _d, url in shown if url != "/" and path.startswith(url)]
    current = max(under, key=len) if under else ("/" if path == "/" else None)
    return [
        NavLink(
            d.key,
            url,
            str(d.label),
            d.count(actor) if d.count is not None else None,
            url == current,
        )
        for d, url in shown
    ]
