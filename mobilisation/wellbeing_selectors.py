"""Reads of the wellbeing pages (M13): the community's board of its workers (today's own health,
protective equipment issued to them, open needs), the street's queue of needs and a worker's
own needs. Each starts from the models' access rules; a board is a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.actor import Actor
from mobilisation.crew import crew
from mobilisation.models import NeedStatus, WorkerNeed
from mobilisation.policies import ANSWER_ROLES
from places.models import Place

EQUIPMENT_SHOWN = 5
EQUIPMENT_DAYS = 30


@dataclass
class Issued:
    item: str
    unit: str
    quantity: int
    at: datetime.datetime


@dataclass
class BoardRow:
    user_id: int
    name: str
    # "unwell", "fit" or "" (not reported today).
    health: str = ""
    temperature: Any = None
    equipment: list[Issued] = field(default_factory=list)
    needs: list[WorkerNeed] = field(default_factory=list)


HEALTH_ORDER = {"unwell": 0, "": 1, "fit": 2}


def wellbeing_board(
    actor: Actor, community: Place, *, today: datetime.date | None = None, q: str = ""
) -> list[BoardRow]:
    """Each worker of the community: today's own health (unwell first, then not reported),
    equipment issued in the last 30 days, needs not yet closed. Four queries."""
    from health.models import WorkerHealth
    from supplies.models import MovementKind, StockMovement

    today = today or timezone.localdate()
    people = crew(community)
    if q:
        people = [p for p in people if q.lower() in p.name.lower()]
    rows = {p.user_id: BoardRow(p.user_id, p.name) for p in people}
    ids = list(rows)
    if not ids:
        return []
    for h in WorkerHealth.objects.for_actor(actor).filter(user_id__in=ids, day=today):
        rows[h.user_id].health = "fit" if h.fit else "unwell"
        rows[h.user_id].temperature = h.temperature
    since = timezone.now() - datetime.timedelta(days=EQUIPMENT_DAYS)
    issues = (
        StockMovement.objects.for_actor(actor)
        .filter(kind=MovementKind.ISSUE, worker_id__in=ids, at__gte=since)
        .select_related("stock__item")
        .order_by("-at", "-pk")[: EQUIPMENT_SHOWN * len(ids)]
    )
    for m in issues:
        assert m.worker_id is not None
        row = rows[m.worker_id]
        if len(row.equipment) < EQUIPMENT_SHOWN:
            row.equipment.append(Issued(m.stock.item.name, m.stock.item.unit, -m.delta, m.at))
    needs = (
        WorkerNeed.objects.for_actor(actor)
        .filter(community_id=community.pk, worker_id__in=ids)
        .exclude(status=NeedStatus.CLOSED)
        .order_by("filed_at", "pk")
    )
    for n in needs:
        rows[n.worker_id].needs.append(n)
    return sorted(rows.values(), key=lambda r: (HEALTH_ORDER[r.health], r.name))


def board_counts(rows: list[BoardRow]) -> dict[str, int]:
    return {
        "workers": len(rows),
        "unwell": sum(1 for r in rows if r.health == "unwell"),
        "unreported": sum(1 for r in rows if not r.health),
        "needs": sum(len(r.needs) for r in rows),
    }


def answered_streets(actor: Actor) -> list[int]:
    return sorted({g.place_id for g in actor.place_grants(ANSWER_ROLES) if g.place_id})


def street_queue(actor: Actor, *, q: str = "", kind: str = "") -> QuerySet[WorkerNeed]:
    """Open needs of the communities of the streets the actor answers for, oldest first."""
    rows = WorkerNeed.objects.for_actor(actor).filter(status=NeedStatus.OPEN)
    if not actor.is_superuser:
        rows = rows.filter(street_id__in=answered_streets(actor))
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(
            Q(details__icontains=q)
            | Q(worker__display_name__icontains=q)
            | Q(community__name__icontains=q)
        )
    return rows.select_related("worker", "community").order_by("filed_at", "pk")


def waiting(need: WorkerNeed, now: datetime.datetime | None = None) -> datetime.timedelta:
    return (now or timezone.now()) - need.filed_at


def my_needs(actor: Actor) -> QuerySet[WorkerNeed]:
    if actor.user_id is None:
        return WorkerNeed.objects.none()
    return (
        WorkerNeed.objects.for_actor(actor)
        .filter(worker_id=actor.user_id)
        .select_related("community")
        .order_by("-filed_at", "-pk")
    )


def access_need(actor: Actor, need_id: int) -> WorkerNeed:
    need = (
        WorkerNeed.objects.for_actor(actor)
        .select_related("worker", "community", "filed_by", "answered_by")
        .filter(pk=need_id)
        .first()
    )
    if need is None:
        raise Http404
    return need
