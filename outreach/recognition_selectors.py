"""Reads of recognition and accountability (M17). Everything starts from the access rules in
party.recognition_querysets: organisation departments (city, district) over their area and the
person's own party organisation (community admin, unit party admin). A person is visible here
only when the actor may see their party membership or one of their recognition records under
those rules; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.actor import Actor
from core.roles import Role
from core.scoping import ancestor_paths, any_of
from core.validators import normalize_name, validate_id_number
from outreach.models import (
    Accountability,
    Activist,
    Commendation,
    FrontlineEntry,
    Nomination,
    NominationStatus,
)
from outreach.recognition_querysets import ORG_DEPARTMENT_ROLES, recognition_q
from party.models import PartyMember
from people.models import Person
from places.models import PLACE_ORDER, Place, PlaceKind

RECORD_MODELS = (FrontlineEntry, Nomination, Accountability, Activist)


def reads_recognition(actor: Actor) -> bool:
    """Whether the actor's role reads recognition records at all (pages say 403 otherwise)."""
    if actor.is_superuser:
        return True
    return actor.has_role(ORG_DEPARTMENT_ROLES | {Role.COMMUNITY_ADMIN, Role.UNIT_ADMIN})


def is_org_department(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(ORG_DEPARTMENT_ROLES)


def _membership_q(actor: Actor) -> Q | None:
    """Party memberships the actor may see under the recognition rules."""
    if actor.is_superuser:
        return Q()
    if not actor.is_authenticated:
        return None
    return recognition_q(actor, "org__scope_path", "org__unit_id")


def person_visible_q(actor: Actor) -> Q | None:
    """People with a party membership or a recognition record the actor may see."""
    member_q = _membership_q(actor)
    if member_q is None:
        return None
    members = PartyMember.objects.filter(member_q).filter(person_id=OuterRef("pk"))
    parts = [Q(Exists(members))]
    for model in RECORD_MODELS:
        rows = model.objects.for_actor(actor).filter(person_id=OuterRef("pk"))
        parts.append(Q(Exists(rows)))
    return any_of(parts)


def visible_people(actor: Actor) -> QuerySet[Person]:
    q = person_visible_q(actor)
    if q is None:
        return Person.objects.none()
    return Person.objects.filter(q)


def access_person(actor: Actor, person_id: int) -> Person:
    """The person whose frontline record the actor may open; 404 for missing and forbidden."""
    person = visible_people(actor).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def people_search(actor: Actor, q: str = "") -> QuerySet[Person]:
    """People with a party membership or an activist record in the actor's reach, by name."""
    member_q = _membership_q(actor)
    if member_q is None:
        return Person.objects.none()
    members = PartyMember.objects.filter(member_q).filter(person_id=OuterRef("pk"))
    activists = Activist.objects.for_actor(actor).filter(person_id=OuterRef("pk"))
    people = Person.objects.filter(Q(Exists(members)) | Q(Exists(activists)))
    if q:
        people = people.filter(name__icontains=q)
    return people.order_by("name", "pk")


def people_orgs(people: list[Person]) -> dict[int, str]:
    """The party organisation's name of each listed person (one query)."""
    rows = PartyMember.objects.filter(person__in=people).values_list("person_id", "org__name")
    return dict(rows)


def person_by_identity(id_number: str, name: str) -> Person | None:
    """The registry's person with exactly this ID number and name (an activist who is not yet a
    party member is recorded by both, so nothing is revealed to someone who knows only one).
    Both are read as the registry stores them (full-width digits, spaces in a name)."""
    try:
        number = validate_id_number(id_number or "")
    except ValidationError:
        return None
    try:
        full_name = normalize_name(name or "")
    except ValidationError:
        full_name = (name or "").strip()  # not a name the registry would take: matches nothing new
    return Person.objects.with_id_number(number).filter(name=full_name).first()


def person_membership(person: Person) -> PartyMember | None:
    """The person's party membership, for a service deciding whose organisation a record is for
    (it then checks the actor may record for it); pages use membership_of."""
    return PartyMember.objects.filter(person=person).select_related("org").first()


def membership_of(actor: Actor, person: Person) -> PartyMember | None:
    """The person's party membership (one per person), when the recognition rules let the actor
    see it (a person seen only through an activist record shows no organisation)."""
    member_q = _membership_q(actor)
    if member_q is None:
        return None
    rows = PartyMember.objects.filter(member_q, person=person)
    return rows.select_related("org", "unit").first()


def department_places(actor: Actor) -> list[Place]:
    """The city or districts whose organisation department the actor is (commendations)."""
    if actor.is_superuser:
        return list(Place.objects.filter(kind__in=[PlaceKind.CITY, PlaceKind.DISTRICT]))
    ids = [g.place_id for g in actor.place_grants(ORG_DEPARTMENT_ROLES) if g.place_id]
    return list(Place.objects.filter(pk__in=ids).order_by(*PLACE_ORDER))


# ---- records of one person ------------------------------------------------------------------


def person_entries(actor: Actor, person: Person) -> QuerySet[FrontlineEntry]:
    return (
        FrontlineEntry.objects.for_actor(actor)
        .filter(person=person)
        .select_related("org")
        .order_by("-happened_on", "-pk")
    )


def person_nominations(actor: Actor, person: Person) -> QuerySet[Nomination]:
    return (
        Nomination.objects.for_actor(actor)
        .filter(person=person)
        .select_related("org", "commendation")
        .order_by("-recorded_at", "-pk")
    )


def person_accountability(actor: Actor, person: Person) -> QuerySet[Accountability]:
    return (
        Accountability.objects.for_actor(actor)
        .filter(person=person)
        .select_related("org")
        .order_by("-decided_on", "-pk")
    )


def person_activist(actor: Actor, person: Person) -> QuerySet[Activist]:
    return (
        Activist.objects.for_actor(actor)
        .filter(person=person)
        .select_related("org")
        .order_by("-found_on", "-pk")
    )


# ---- one record -----------------------------------------------------------------------------


def access_nomination(actor: Actor, nomination_id: int) -> Nomination:
    n = (
        Nomination.objects.for_actor(actor)
        .select_related("person", "org", "commendation")
        .filter(pk=nomination_id)
        .first()
    )
    if n is None:
        raise Http404
    return n


def access_accountability(actor: Actor, accountability_id: int) -> Accountability:
    a = (
        Accountability.objects.for_actor(actor)
        .select_related("person", "org", "recorded_by")
        .filter(pk=accountability_id)
        .first()
    )
    if a is None:
        raise Http404
    return a


def access_commendation(actor: Actor, commendation_id: int) -> Commendation:
    c = (
        Commendation.objects.for_actor(actor)
        .select_related("place", "notice", "recorded_by")
        .filter(pk=commendation_id)
        .first()
    )
    if c is None:
        raise Http404
    return c


def commendation_nominees(actor: Actor, commendation: Commendation) -> QuerySet[Nomination]:
    """The nominations the decision settled (commended first), as the actor may see them."""
    return (
        Nomination.objects.for_actor(actor)
        .filter(commendation=commendation)
        .select_related("person", "org")
        .order_by("status", "person__name", "pk")
    )


# ---- lists ----------------------------------------------------------------------------------


def decisions_over(actor: Actor, scope_path: str) -> QuerySet[Commendation]:
    """Commendation decisions of the area a nomination lies in (its place or above)."""
    return commendation_list(actor).filter(place_path__in=ancestor_paths(scope_path))


def commendation_list(actor: Actor, q: str = "") -> QuerySet[Commendation]:
    rows = Commendation.objects.for_actor(actor).select_related("place", "notice")
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(authority__icontains=q))
    return rows.order_by("-decided_on", "-pk")


def open_nominations(actor: Actor, place: Place | None = None) -> QuerySet[Nomination]:
    """Proposed nominations the actor sees (under `place`, when given): what a decision settles."""
    rows = Nomination.objects.for_actor(actor).filter(status=NominationStatus.PROPOSED)
    if place is not None:
        rows = rows.filter(scope_path__startswith=place.path)
    return rows.select_related("person", "org").order_by("title", "person__name", "pk")


def recent_entries(actor: Actor, limit: int = 10) -> list[FrontlineEntry]:
    return list(
        FrontlineEntry.objects.for_actor(actor)
        .select_related("person", "org")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def recent_nominations(actor: Actor, limit: int = 10) -> list[Nomination]:
    return list(
        Nomination.objects.for_actor(actor)
        .select_related("person", "org")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def activist_list(actor: Actor, q: str = "", org_id: int | None = None) -> QuerySet[Activist]:
    rows = Activist.objects.for_actor(actor).select_related("person", "org")
    if q:
        rows = rows.filter(Q(person__name__icontains=q) | Q(found_where__icontains=q))
    if org_id:
        rows = rows.filter(org_id=org_id)
    return rows.order_by("org__path", "-found_on", "-pk")


def activist_orgs(actor: Actor) -> list[tuple[int, str]]:
    """The organisations with activists the actor sees (the list's filter)."""
    rows = (
        Activist.objects.for_actor(actor)
        .order_by("org__path")
        .values_list("org_id", "org__name")
        .distinct()
    )
    return list(rows)


def recognition_counts(actor: Actor) -> dict[str, Any]:
    """Counts for the recognition page and a home-page card (one query per kind)."""
    return {
        "entries": FrontlineEntry.objects.for_actor(actor).count(),
        "nominations_open": Nomination.objects.for_actor(actor)
        .filter(status=NominationStatus.PROPOSED)
        .count(),
        "commendations": Commendation.objects.for_actor(actor).count(),
        "accountability": Accountability.objects.for_actor(actor).count(),
        "activists": Activist.objects.for_actor(actor).count(),
    }
