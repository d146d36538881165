from __future__ import annotations

from accounts.models import Grant, User
from core.actor import Actor, ScopeGrant
from places.models import Place, PlaceKind

# Every request needs its user and their actor; reading them costs three queries, so both are
# kept in the shared cache (one entry) for a short while. Setup forgets the entry whenever it
# changes a user, their grants or password, and so does a change of language; a change made any
# other way (a shell, a migration) takes effect within this many seconds.
ACTOR_CACHE_SECONDS = 30
_ACTOR_ATTR = "_linli_actor"


def _actor_key(user_id: object) -> str:
    return f"actor:v3:{user_id}"  # v3: ScopeGrant.household_path


def _cache_entry(user: User) -> Actor:
    from django.core.cache import cache

    actor = actor_for_user(user)
    cache.set(_actor_key(user.pk), (user, actor), ACTOR_CACHE_SECONDS)
    setattr(user, _ACTOR_ATTR, actor)
    return actor


def user_with_actor(user_id: object) -> User | None:
    """The user of a session, with their actor attached (for `actor_cached`)."""
    from django.core.cache import cache

    entry = cache.get(_actor_key(user_id))
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Actor):
        user, actor = entry
        setattr(user, _ACTOR_ATTR, actor)
        return user  # type: ignore[no-any-return]
    user = User._default_manager.filter(pk=user_id).first()
    if user is not None:
        _cache_entry(user)
    return user


def actor_cached(user: User) -> Actor:
    """The actor of a logged-in user: attached by the authentication backend, else from the
    cache, else read from the grants (and cached)."""
    from django.core.cache import cache

    actor = getattr(user, _ACTOR_ATTR, None)
    if isinstance(actor, Actor):
        return actor
    entry = cache.get(_actor_key(user.pk))
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Actor):
        setattr(user, _ACTOR_ATTR, entry[1])
        return entry[1]  # type: ignore[no-any-return]
    return _cache_entry(user)


def actor_forget(user_id: int) -> None:
    from django.core.cache import cache

    cache.delete(_actor_key(user_id))


def actor_for_user(user: User) -> Actor:
    """Read the user's grants once; the Actor is what every selector and service is given."""
    grants = list(
        Grant.objects.filter(user=user)
        .select_related("place", "unit", "unit__place", "household", "household__building")
        .order_by("pk")
    )
    ancestor_ids: set[int] = set()
    for g in grants:
        node_path = _node_path(g)
        ancestor_ids.update(int(p) for p in node_path.strip("/").split("/") if p)
    names = dict(Place.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    scope_grants = tuple(_scope_grant(g, names) for g in grants)
    return Actor(
        user_id=user.pk,
        username=user.username,
        display_name=str(user),
        is_superuser=user.is_superuser,
        person_id=user.person_id,
        grants=scope_grants,
    )


def _node_path(g: Grant) -> str:
    if g.place is not None:
        return g.place.path
    if g.unit is not None:
        return g.unit.place_path
    if g.household is not None:
        return g.household.building.path
    return ""


def _scope_grant(g: Grant, names: dict[int, str]) -> ScopeGrant:
    path = _node_path(g)
    # The city is the same for everyone: the label starts at the district.
    chain = [names.get(int(p), "") for p in path.strip("/").split("/") if p][1:]
    if g.unit is not None:
        chain = [g.unit.name]
    elif g.household is not None:
        chain.append(g.household.room)
    if g.place is not None and g.place.parent_id is None:
        chain = [g.place.name]
    from core.roles import ROLE_SCOPE_KIND

    return ScopeGrant(
        role=g.role,
        scope_kind=ROLE_SCOPE_KIND[g.role] if g.place is None else g.place.kind,
        place_id=g.place_id,
        place_path=g.place.path if g.place is not None else "",
        unit_id=g.unit_id,
        unit_place_path=g.unit.place_path if g.unit is not None else "",
        household_id=g.household_id,
        household_path=path if g.household is not None else "",
        label=" · ".join(c for c in chain if c),
    )


# --- home page -------------------------------------------------------------------------------

from dataclasses import dataclass, field  # noqa: E402


@dataclass
class HomeCount:
    label: str
    value: int | None  # None: a link with no count (e.g. "ask for help")
    url: str = ""


@dataclass
class HomeScope:
    role: str
    role_label: str
    label: str
    counts: list[HomeCount] = field(default_factory=list)
    url: str = ""


def home_scopes(actor: Actor) -> list[HomeScope]:
    """One block per grant: the scope label and the counts of what is the actor's there."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from accounts.home_duty import deployment_link, duty_counts, unit_counts
    from accounts.home_outreach import outreach_counts, unit_outreach
    from core.roles import REGISTRY_ROLES, Role
    from health.querysets import REPORT_OFFICE_ROLES
    from party.models import PartyMember, PartyOrg, Unit
    from people.models import Resident
    from places.models import Household

    scopes: list[HomeScope] = []
    for g in actor.grants:
        scope = HomeScope(role=g.role, role_label=str(Role(g.role).label), label=g.label)
        if g.place_id is not None:
            column = {f"{g.scope_kind}_id": g.place_id}
            places = (
                Place.objects.for_actor(actor)
                .filter(path__startswith=g.place_path)
                .exclude(pk=g.place_id)
            )
            scope.url = reverse("places:detail", args=[g.place_id])
            plural = {
                PlaceKind.STREET: _("Streets"),
                PlaceKind.COMMUNITY: _("Communities"),
                PlaceKind.GRID: _("Grids"),
                PlaceKind.BUILDING: _("Buildings"),
            }
            by_kind = dict(
                places.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
            )
            for kind, label in plural.items():
                if by_kind.get(kind):
                    scope.counts.append(HomeCount(label, by_kind[kind]))
            if g.role in REGISTRY_ROLES:
                scope.counts.append(
                    HomeCount(
                        _("Households"), Household.objects.for_actor(actor).filter(**column).count()
                    )
                )
                scope.counts.append(
                    HomeCount(
                        _("Residents"),
                        Resident.objects.for_actor(actor).living().filter(**column).count(),
                    )
                )
            else:
                scope.counts.append(
                    HomeCount(
                        _("Residents assigned to me"), Resident.objects.for_actor(actor).count()
                    )
                )
            if g.role in REPORT_OFFICE_ROLES and g.scope_kind != PlaceKind.GRID:
                # Today's daily report of the office's place (issue 15 item 18).
                daily_url = (
                    f"{reverse('daily:home')}?community={g.place_id}"
                    if g.scope_kind == PlaceKind.COMMUNITY
                    else reverse("daily:place", args=[g.place_id])
                )
                scope.counts.append(HomeCount(_("Today's daily report"), None, daily_url))
            if g.role in REGISTRY_ROLES and g.scope_kind != PlaceKind.BUILDING:
                scope.counts.extend(_health_counts(actor, g.place_id))
                scope.counts.extend(_triage_counts(actor, g.role, column))
            scope.counts.extend(_care_and_request_counts(actor, g.role, column))
            scope.counts.extend(duty_counts(actor, g.role, g.place_path))
            scope.counts.extend(outreach_counts(actor, g.role, g.place_id, g.place_path))
            orgs = PartyOrg.objects.for_actor(actor).filter(scope_path__startswith=g.place_path)
            if orgs.exists():
                scope.counts.append(
                    HomeCount(_("Party organisations"), orgs.count(), reverse("party:roots"))
                )
                scope.counts.append(
                    HomeCount(
                        _("Party members"),
                        PartyMember.objects.for_actor(actor)
                        .filter(org__scope_path__startswith=g.place_path)
                        .count(),
                    )
                )
        elif g.unit_id is not None:
            unit = Unit.objects.for_actor(actor).filter(pk=g.unit_id).first()
            if unit is not None:
                scope.url = reverse("party:unit", args=[unit.pk])
                members = PartyMember.objects.for_actor(actor).filter(unit=unit)
                scope.counts.append(HomeCount(_("Party members"), members.count(), scope.url))
                scope.counts.append(HomeCount(_("Cadres"), members.filter(is_cadre=True).count()))
                scope.counts.append(
                    HomeCount(
                        _("Party organisations"),
                        PartyOrg.objects.for_actor(actor).filter(unit=unit).count(),
                        reverse("party:roots"),
                    )
                )
                scope.counts.extend(unit_counts(actor, unit.pk))
                scope.counts.extend(unit_outreach(actor))
        elif g.household_id is not None:
            scope.url = reverse("places:household", args=[g.household_id])
            scope.counts.append(
                HomeCount(
                    _("Household members"),
                    Resident.objects.for_actor(actor)
                    .living()
                    .filter(household_id=g.household_id)
                    .count(),
                    scope.url,
                )
            )
            scope.counts.extend(
                _care_and_request_counts(actor, g.role, {"household_id": g.household_id})
            )
            scope.counts.append(
                HomeCount(_("Who is responsible for my building"), None, reverse("duty:my_zone"))
            )
        scopes.append(scope)
    # Checked in but not yet accepted (no role yet): the home page still leads to the check-in.
    mine = deployment_link(actor) if not scopes else []
    if mine:
        scopes.insert(
            0,
            HomeScope(
                role="", role_label=_("Deployment"), label=_("Check-in and deployment"), counts=mine
            ),
        )
    return scopes


def _triage_counts(actor: Actor, role: str, column: dict[str, int]) -> list[HomeCount]:
    """What waits in triage for this role here: the health centre's queue, the grid worker's
    overdue follow-ups, the offices' open cases and people waiting for a bed."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from core.roles import Role
    from triage.models import FollowUpLevel, TriageCase
    from triage.querysets import CASE_ROLES
    from triage.selectors import follow_ups_overdue

    if role not in CASE_ROLES:
        return []
    cases = TriageCase.objects.for_actor(actor).filter(**column)
    if role == Role.HEALTH_WORKER:
        return [
            HomeCount(
                _("Waiting for triage"), cases.awaiting_triage().count(), reverse("triage:queue")
            )
        ]
    if role == Role.GRID_WORKER:
        # The list's own selector and tab (issue 15 item 17: it opened the "today" tab).
        overdue = follow_ups_overdue(actor, level=FollowUpLevel.GRID_WORKER).count()
        return [
            HomeCount(
                _("Follow-ups overdue"), overdue, reverse("triage:follow_ups") + "?tab=overdue"
            )
        ]
    return [
        HomeCount(_("Open triage cases"), cases.open().count(), reverse("triage:cases")),
        HomeCount(
            _("Waiting for a bed"), cases.waiting_for_bed().count(), reverse("triage:transfers")
        ),
    ]


def _care_and_request_counts(actor: Actor, role: str, column: dict[str, int]) -> list[HomeCount]:
    """What waits in care, requests and supplies for this role here: the offices' open,
    overdue and escalated requests, uncovered and overdue care, low stocks; a carer's and a
    dispatched helper's own work; a resident's own requests."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from care.selectors import my_assignments, vulnerable_households
    from core.roles import HELPER_ROLES, Role
    from service_requests.models import ServiceRequest
    from service_requests.querysets import overdue_q
    from supplies.selectors import stocks_for

    now = timezone.now()
    requests = ServiceRequest.objects.for_actor(actor)
    if role == Role.RESIDENT:
        mine = requests.filter(**column).open().count()
        return [
            HomeCount(_("My requests still open"), mine, reverse("requests:mine")),
            HomeCount(_("Ask the community for help"), None, reverse("requests:new")),
        ]
    # Each count is its list's own queryset, and links that list with the same filter: the page
    # behind a count shows exactly that many rows (issue 15 item 17).
    care_mine = reverse("care:mine")
    if role in HELPER_ROLES:
        care = my_assignments(actor)
        due = my_assignments(actor, show="due").count()
        sent = requests.filter(dispatches__person_id=actor.user_id, dispatches__status="active")
        return [
            HomeCount(_("Households I care for"), care.count(), care_mine),
            HomeCount(_("Care contacts due today or overdue"), due, f"{care_mine}?show=due"),
            HomeCount(_("Requests I was sent to"), sent.open().count(), reverse("requests:mine")),
        ]
    if role not in {
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_ADMIN,
        Role.GRID_WORKER,
    }:
        return []
    here = requests.filter(**column).open()
    overdue = here.filter(overdue_q(now)).count()
    counts = [
        HomeCount(_("Requests open"), here.count(), reverse("requests:list")),
        HomeCount(_("Requests overdue"), overdue, reverse("requests:list") + "?overdue=1"),
    ]
    if role == Role.STREET_ADMIN:
        counts.append(
            HomeCount(
                _("Escalated to the street"),
                here.filter(level="street").count(),
                reverse("requests:street"),
            )
        )
    if role == Role.GRID_WORKER:
        # The grid worker's care page is their own list (care:home sends them there).
        late = my_assignments(actor, show="overdue").count()
        counts.append(HomeCount(_("Care contacts overdue"), late, f"{care_mine}?show=overdue"))
    if role == Role.COMMUNITY_ADMIN:
        late = vulnerable_households(actor, show="overdue").filter(**column).count()
        counts.append(
            HomeCount(_("Care contacts overdue"), late, reverse("care:home") + "?show=overdue")
        )
    if role in (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN):
        place_id = next(iter(column.values()))
        low = stocks_for(actor, place_id=place_id, low_only=True).count()
        counts.append(
            HomeCount(
                _("Supplies running low"),
                low,
                f"{reverse('supplies:home')}?low=1&place={place_id}",
            )
        )
    return counts


def _health_counts(actor: Actor, place_id: int) -> list[HomeCount]:
    """Today's round at a glance: who has not reported yet, and abnormal reports waiting."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from health import selectors as health

    place = health.access_health_place(actor, place_id)
    day = timezone.localdate()
    slot = health.default_slot(day)
    figures = health.coverage(actor, place, day).total.slots[slot]
    missing_url = (
        reverse("health:not_reported", args=[place_id])
        if place.kind == PlaceKind.GRID
        else reverse("health:coverage", args=[place_id])
    )
    return [
        HomeCount(_("Not reported yet"), figures.missing, missing_url),
        HomeCount(
            _("Abnormal reports"),
            health.flags(actor, place=place).count(),
            reverse("health:flags"),
        ),
    ]


def home_redirect(actor: Actor) -> str | None:
    """A resident (and nothing else) lands straight on their household."""
    from django.urls import reverse

    from core.roles import Role

    if actor.grants and all(g.role == Role.RESIDENT for g in actor.grants):
        household_ids = [g.household_id for g in actor.grants if g.household_id]
        if len(household_ids) == 1:
            return reverse("places:household", args=[household_ids[0]])
    return None
