"""Reads of the site, transfer-queue and disclosure pages beyond triage.selectors (a candidate to
fold into it): the places a site may serve, the people placed at a site, the transfer queue per
street, the community's buildings against the disclosure threshold, and what a resident's
notice board shows. Each starts from `for_actor`; none returns a household or a name where the
page must not show one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from core.actor import Actor
from core.roles import Role
from core.scoping import any_of
from core.sorting import natural_key
from places.models import PLACE_ORDER, Household, Place, PlaceKind
from triage.disclosure import DISCLOSED_CATEGORIES, disclosure_threshold
from triage.models import (
    FOUR_CATEGORIES,
    BuildingDisclosure,
    CaseEvent,
    CaseStatus,
    EventKind,
    Site,
    TriageCase,
)
from triage.policies import (
    DISCLOSURE_OFFICE_ROLES,
    DISCLOSURE_ROLES,
    SITE_ROLES,
    THRESHOLD_ROLES,
)
from triage.rules import TRANSFER_ALARM_AFTER
from triage.sites import SITE_PLACE_KINDS

# ---- sites ------------------------------------------------------------------------------------


def site_place_choices(actor: Actor) -> list[Place]:
    """The city, districts and streets the actor may register a site for (inside their
    street, district or city grants), top first."""
    places = Place.objects.for_actor(actor).filter(kind__in=SITE_PLACE_KINDS)
    if not actor.is_superuser:
        grants = actor.place_grants(SITE_ROLES)
        if not grants:
            return []
        within = any_of(Q(path__startswith=g.place_path) for g in grants)
        assert within is not None
        places = places.filter(within)
    return list(places.order_by(*PLACE_ORDER))


def site_people(actor: Actor, site: Site) -> QuerySet[TriageCase]:
    """The open cases placed at the site that the actor may see, with the time the bed was
    given (`placed_at`), longest there first."""
    placed_at = (
        CaseEvent.objects.filter(
            case_id=OuterRef("pk"), kind=EventKind.BED_ASSIGNED, to_value=str(site.pk)
        )
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        TriageCase.objects.for_actor(actor)
        .filter(status=CaseStatus.OPEN, site_id=site.pk)
        .select_related("resident__person", "community", "building")
        .annotate(placed_at=Subquery(placed_at))
        .order_by("placed_at", "pk")
    )


# ---- the transfer queue -----------------------------------------------------------------------


def alarm_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Waiting for a bed since before this raises the street's alarm."""
    return now - TRANSFER_ALARM_AFTER


def is_alarmed(case: TriageCase, now: datetime.datetime) -> bool:
    return case.queue_alarm_at is not None or (
        case.bed_wanted_since is not None and case.bed_wanted_since <= alarm_cutoff(now)
    )


def transfer_street(actor: Actor, place_id: int) -> Place:
    """A street whose queue the actor may see; anything else is the same 404."""
    place = (
        Place.objects.for_actor(actor).filter(pk=place_id, kind=PlaceKind.STREET).first()
        if actor.is_superuser or actor.has_role(DISCLOSURE_OFFICE_ROLES)
        else None
    )
    if place is None:
        raise Http404
    return place


@dataclass
class StreetQueue:
    street: Place
    waiting: int
    alarmed: int
    longest_since: datetime.datetime | None
    undisposed: int


def transfer_streets(actor: Actor, now: datetime.datetime) -> list[StreetQueue]:
    """Per street of the actor's area: people waiting for a bed, how many past the alarm, the
    longest wait, and people triaged into the four categories with no disposition yet. Streets
    with nobody waiting are left out; longest wait first."""
    cases = TriageCase.objects.for_actor(actor)
    beds = {
        row["street_id"]: row
        for row in cases.waiting_for_bed()
        .values("street_id")
        .annotate(
            waiting=Count("pk"),
            alarmed=Count(
                "pk",
                filter=Q(queue_alarm_at__isnull=False) | Q(bed_wanted_since__lte=alarm_cutoff(now)),
            ),
            since=Min("bed_wanted_since"),
        )
    }
    undisposed = dict(
        cases.filter(status=CaseStatus.OPEN, category__in=FOUR_CATEGORIES, disposition="")
        .values_list("street_id")
        .annotate(n=Count("pk"))
        .values_list("street_id", "n")
    )
    ids = set(beds) | set(undisposed)
    streets = Place.objects.for_actor(actor).filter(pk__in=ids).order_by(*PLACE_ORDER)
    rows = [
        StreetQueue(
            street=s,
            waiting=beds.get(s.pk, {}).get("waiting", 0),
            alarmed=beds.get(s.pk, {}).get("alarmed", 0),
            longest_since=beds.get(s.pk, {}).get("since"),
            undisposed=undisposed.get(s.pk, 0),
        )
        for s in streets
    ]
    far_future = now + datetime.timedelta(days=36500)
    rows.sort(key=lambda r: (r.longest_since or far_future, natural_key(r.street.name)))
    return rows


# ---- disclosure -------------------------------------------------------------------------------


def access_disclosure(actor: Actor, disclosure_id: int) -> BuildingDisclosure:
    disclosure = (
        BuildingDisclosure.objects.for_actor(actor)
        .select_related("building")
        .filter(pk=disclosure_id)
        .first()
    )
    if disclosure is None:
        raise Http404
    return disclosure


@dataclass
class BuildingRow:
    building: Place
    cases: int
    disclosure: BuildingDisclosure | None
    meets: bool


@dataclass
class CommunityDisclosures:
    community: Place
    threshold: int
    rows: list[BuildingRow]


def disclosure_communities(actor: Actor) -> list[CommunityDisclosures]:
    """For each community the actor marks buildings in: its buildings with open confirmed or
    suspected cases, or marked now, with the count against the city's threshold. Buildings
    with neither are left out. Counts only: never a household or a name."""
    grants = actor.place_grants(DISCLOSURE_ROLES)
    community_ids = [g.place_id for g in grants if g.scope_kind == PlaceKind.COMMUNITY]
    communities = list(
        Place.objects.for_actor(actor).filter(pk__in=community_ids).order_by(*PLACE_ORDER)
    )
    if not communities:
        return []
    ids = [c.pk for c in communities]
    counts: dict[int, int] = dict(
        TriageCase.objects.for_actor(actor)
        .filter(status=CaseStatus.OPEN, category__in=DISCLOSED_CATEGORIES, community_id__in=ids)
        .values_list("building_id")
        .annotate(n=Count("pk"))
        .values_list("building_id", "n")
    )
    marked = {
        d.building_id: d
        for d in BuildingDisclosure.objects.for_actor(actor).active().filter(community_id__in=ids)
    }
    buildings = Place.objects.for_actor(actor).filter(
        pk__in=set(counts) | set(marked), kind=PlaceKind.BUILDING
    )
    by_community: dict[int, list[Place]] = {}
    for b in buildings:
        community_id = b.ancestor_ids[3] if len(b.ancestor_ids) > 3 else 0
        by_community.setdefault(community_id, []).append(b)
    out = []
    city_thresholds: dict[int, int] = {}
    for c in communities:
        city_id = c.ancestor_ids[0] if c.ancestor_ids else c.pk
        if city_id not in city_thresholds:
            city_thresholds[city_id] = disclosure_threshold(c)
        threshold = city_thresholds[city_id]
        rows = [
            BuildingRow(
                building=b,
                cases=counts.get(b.pk, 0),
                disclosure=marked.get(b.pk),
                meets=counts.get(b.pk, 0) >= threshold,
            )
            for b in sorted(by_community.get(c.pk, []), key=lambda p: natural_key(p.name))
        ]
        out.append(CommunityDisclosures(community=c, threshold=threshold, rows=rows))
    return out


@dataclass
class CityThreshold:
    city: Place
    threshold: int


def threshold_cities(actor: Actor) -> list[CityThreshold]:
    """The cities whose threshold the actor sets, with the threshold in force."""
    ids = [g.place_id for g in actor.place_grants(THRESHOLD_ROLES) if g.scope_kind == "city"]
    if actor.is_superuser and not ids:
        cities = Place.objects.filter(kind=PlaceKind.CITY, parent__isnull=True)
    else:
        cities = Place.objects.for_actor(actor).filter(pk__in=ids, kind=PlaceKind.CITY)
    return [CityThreshold(c, disclosure_threshold(c)) for c in cities.order_by("pk")]


def disclosures_marked(actor: Actor) -> QuerySet[BuildingDisclosure]:
    """The buildings marked now in the actor's area, newest first (building and community
    names only)."""
    return (
        BuildingDisclosure.objects.for_actor(actor)
        .active()
        .select_related("building", "community", "street")
        .order_by("-marked_at", "-pk")
    )


def resident_marked_buildings(actor: Actor) -> list[str]:
    """For a resident's notice board: the names of the buildings of their community marked as
    having cases (never a household). Empty for anyone who is not a resident."""
    household_ids = [g.household_id for g in actor.grants_for(Role.RESIDENT) if g.household_id]
    if not household_ids:
        return []
    communities = Household.objects.filter(pk__in=household_ids).values("community_id")
    names = (
        BuildingDisclosure.objects.for_actor(actor)
        .active()
        .filter(community_id__in=communities)
        .values_list("building__name", flat=True)
    )
    return sorted(set(names), key=natural_key)
