"""Reads of community workers' own health (防止带病上岗): who works in a community, who reported
today and who is not fit for duty. `worker_fit_for_duty` is what the duty issue asks before
putting someone on a shift."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from accounts.models import Grant
from core.actor import Actor
from core.roles import Role
from core.scoping import any_of
from health.models import WorkerHealth
from health.policies import WORKER_ROLES
from health.querysets import REPORT_OFFICE_ROLES
from health.rules import symptom_labels
from places.models import Place, PlaceKind

FIT = "fit"
UNWELL = "unwell"
NOT_REPORTED = "not_reported"
# The community admin's list shows who needs attention first.
STATUS_ORDER = {UNWELL: 0, NOT_REPORTED: 1, FIT: 2}


def worker_fit_for_duty(user_id: int, day: datetime.date) -> bool | None:
    """False if the worker's report of `day` says unwell, True if fit, None if no report."""
    found = WorkerHealth.objects.filter(user_id=user_id, day=day).values_list("fit", flat=True)
    return next(iter(found), None)


def community_path_of(place_path: str) -> str | None:
    """ "/1/2/3/4/5/" (a grid or building) → "/1/2/3/4/" (its community); None above it."""
    ids = [p for p in place_path.strip("/").split("/") if p]
    if len(ids) < 4:
        return None
    return "/" + "/".join(ids[:4]) + "/"


def worker_communities(actor: Actor) -> list[tuple[int, str]]:
    """(community id, path) of each community the actor works in, in the order of their grants
    (a grid or building grant counts for its community)."""
    out: dict[int, str] = {}
    for g in actor.place_grants(WORKER_ROLES):
        path = community_path_of(g.place_path)
        if path is not None:
            out.setdefault(int(path.strip("/").split("/")[-1]), path)
    return list(out.items())


def worker_today(actor: Actor, day: datetime.date) -> WorkerHealth | None:
    return (
        WorkerHealth.objects.for_actor(actor)
        .select_related("community")
        .filter(user_id=actor.user_id, day=day)
        .first()
    )


def community_name(community_id: int) -> str:
    return next(iter(Place.objects.filter(pk=community_id).values_list("name", flat=True)), "")


def access_worker_place(actor: Actor, place_id: int) -> Place:
    """A community whose workers the actor's office oversees (community admin and above)."""
    qs = Place.objects.filter(pk=place_id, kind=PlaceKind.COMMUNITY)
    if not actor.is_superuser:
        q = any_of(
            Q(path__startswith=g.place_path) for g in actor.place_grants(REPORT_OFFICE_ROLES)
        )
        if q is None:
            raise Http404
        qs = qs.filter(q)
    place = qs.first()
    if place is None:
        raise Http404
    return place


def worker_home_community(actor: Actor) -> Place | None:
    """The community page an office opens from /workers/ (a community admin's community)."""
    for g in actor.place_grants(REPORT_OFFICE_ROLES):
        if g.scope_kind == PlaceKind.COMMUNITY and g.place_id is not None:
            return Place.objects.filter(pk=g.place_id).first()
    return None


@dataclass
class WorkerRow:
    user_id: int
    name: str
    roles: list[str]
    status: str = NOT_REPORTED
    temperature: str = ""
    symptoms: list[str] = field(default_factory=list)
    contact: bool = False
    reported_at: datetime.datetime | None = None


@dataclass
class WorkerBoard:
    community: Place
    day: datetime.date
    rows: list[WorkerRow]

    def _count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def fit(self) -> int:
        return self._count(FIT)

    @property
    def unwell(self) -> int:
        return self._count(UNWELL)

    @property
    def not_reported(self) -> int:
        return self._count(NOT_REPORTED)


def _workers(community_path: str) -> dict[int, WorkerRow]:
    """Users holding a worker role in the community (or one of its grids and buildings)."""
    rows: dict[int, WorkerRow] = {}
    grants = (
        Grant.objects.filter(role__in=WORKER_ROLES, place__path__startswith=community_path)
        .order_by("user__display_name", "user__username", "role")
        .values_list("user_id", "user__display_name", "user__username", "role")
    )
    for user_id, display, username, role in grants:
        row = rows.setdefault(user_id, WorkerRow(user_id, display or username, []))
        label = str(Role(role).label)
        if label not in row.roles:
            row.roles.append(label)
    return rows


def worker_board(actor: Actor, community: Place, day: datetime.date) -> WorkerBoard:
    """Today's status of every worker of `community` (call after access_worker_place): unwell
    first, then those who have not reported, then the fit."""
    rows = _workers(community.path)
    # A worker of two communities files one report a day, under their first community; it is
    # their status here too, so it is read by worker (this community's office may see it).
    reports = WorkerHealth.objects.filter(user_id__in=list(rows), day=day).values_list(
        "user_id", "fit", "temperature", "symptoms", "contact", "created_at"
    )
    for user_id, fit, temperature, symptoms, contact, created_at in reports:
        row = rows[user_id]
        row.status = FIT if fit else UNWELL
        row.temperature = f"{temperature}"
        row.symptoms = symptom_labels(symptoms)
        row.contact = contact
        row.reported_at = created_at
    ordered = sorted(rows.values(), key=lambda r: (STATUS_ORDER[r.status], r.name))
    return WorkerBoard(community=community, day=day, rows=ordered)


@dataclass
class WorkerCounts:
    total: int
    reported: int
    unwell: int


def community_worker_counts(community: Place, day: datetime.date) -> WorkerCounts:
    """How many workers the community has, how many reported on `day`, how many are unwell."""
    users = list(
        Grant.objects.filter(role__in=WORKER_ROLES, place__path__startswith=community.path)
        .values_list("user_id", flat=True)
        .distinct()
    )
    fits = list(
        WorkerHealth.objects.filter(user_id__in=users, day=day).values_list("fit", flat=True)
    )
    return WorkerCounts(total=len(users), reported=len(fits), unwell=sum(1 for f in fits if not f))
