"""Who is told about triage, through `notifications.services.notify`: the health centre of the
follow-ups due this slot, whoever must chase an overdue slot, and the offices of a case waiting
for triage or a bed. Each dedupe key names one slot or one wait, so the periodic job run twice
tells nobody twice. Counts are grouped in the database (one query per step), not per case."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grant
from core.roles import Role
from health.rules import current_slot, slot_opens_at
from notifications.kinds import Kind
from notifications.services import notify
from triage.models import CaseStatus, FollowUp, FollowUpLevel, FollowUpStatus, TriageCase

# Overdue slots and waiting cases are looked for this far back (a run missed for a while still
# tells; older ones were told long ago).
LOOKBACK = datetime.timedelta(days=1)


def _holders(place_ids: set[int], roles: set[str]) -> dict[int, list[int]]:
    """place id → active users granted one of `roles` directly on it (one query)."""
    out: dict[int, list[int]] = defaultdict(list)
    if not place_ids:
        return out
    rows = Grant.objects.filter(
        place_id__in=place_ids, role__in=roles, user__is_active=True
    ).values_list("place_id", "user_id")
    for place_id, user_id in rows:
        out[place_id].append(user_id)
    return out


def follow_ups_due_tell(now: datetime.datetime | None = None) -> int:
    """Once the slot opens: each community's health workers are told how many follow-ups are
    due this slot (one line per worker per slot)."""
    now = now or timezone.now()
    day, slot = current_slot(now)
    if now < slot_opens_at(day, slot):
        return 0
    counts = dict(
        FollowUp.objects.filter(status=FollowUpStatus.DUE, day=day, slot=slot)
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
    )
    workers = _holders(set(counts), {Role.HEALTH_WORKER})
    link = reverse("triage:follow_ups") + "?tab=today"
    told = 0
    for community_id, n in sorted(counts.items()):
        told += notify(
            Kind.FOLLOW_UP_DUE,
            workers.get(community_id, []),
            {"count": n, "slot": slot},
            dedupe_key=f"follow_up_due:{community_id}:{day.isoformat()}:{slot}",
            link=link,
        )
    return told


def follow_ups_overdue_tell(now: datetime.datetime | None = None) -> int:
    """Slots that just went to the grid worker's list tell the grid's workers; slots that went
    on to the health centre tell the community's health workers and admins. One line per
    place, slot and level, with the count."""
    now = now or timezone.now()
    groups = (
        FollowUp.objects.filter(
            status=FollowUpStatus.DUE,
            level__in=(FollowUpLevel.GRID_WORKER, FollowUpLevel.HEALTH_CENTRE),
            escalated_at__gt=now - LOOKBACK,
        )
        .values("level", "grid_id", "community_id", "day", "slot")
        .annotate(n=Count("pk"))
    )
    per_place: dict[tuple[str, int, datetime.date, str], int] = defaultdict(int)
    for g in groups:
        at_grid = g["level"] == FollowUpLevel.GRID_WORKER
        place = g["grid_id"] if at_grid else g["community_id"]
        per_place[(g["level"], place, g["day"], g["slot"])] += g["n"]
    grids = {p for (level, p, _d, _s) in per_place if level == FollowUpLevel.GRID_WORKER}
    communities = {p for (level, p, _d, _s) in per_place if level != FollowUpLevel.GRID_WORKER}
    at_grids = _holders(grids, {Role.GRID_WORKER})
    at_communities = _holders(communities, {Role.HEALTH_WORKER, Role.COMMUNITY_ADMIN})
    link = reverse("triage:follow_ups")
    told = 0
    for (level, place, day, slot), n in sorted(per_place.items(), key=str):
        holders = at_grids if level == FollowUpLevel.GRID_WORKER else at_communities
        told += notify(
            Kind.FOLLOW_UP_OVERDUE,
            holders.get(place, []),
            {"count": n},
            dedupe_key=f"follow_up_overdue:{level}:{place}:{day.isoformat()}:{slot}",
            link=f"{link}?tab=overdue",
        )
    return told


def cases_waiting_tell(now: datetime.datetime | None = None) -> int:
    """A case waiting for triage tells the community's health workers and admins; one waiting
    for a bed tells the street's admins (the transfer queue) and the community's admins. Once
    per wait: a new wait (escalated back, a new bed wanted) tells again."""
    now = now or timezone.now()
    since = now - LOOKBACK
    open_cases = TriageCase.objects.filter(status=CaseStatus.OPEN).select_related("community")
    for_triage = list(open_cases.filter(triage_due_since__gt=since).order_by("pk"))
    for_bed = list(open_cases.filter(bed_wanted_since__gt=since).order_by("pk"))
    at_communities = _holders(
        {c.community_id for c in for_triage + for_bed},
        {Role.HEALTH_WORKER, Role.COMMUNITY_ADMIN},
    )
    at_streets = _holders({c.street_id for c in for_bed}, {Role.STREET_ADMIN})
    admins = _holders({c.community_id for c in for_bed}, {Role.COMMUNITY_ADMIN})
    told = 0
    for case in for_triage:
        assert case.triage_due_since is not None
        told += notify(
            Kind.CASE_WAITING,
            at_communities.get(case.community_id, []),
            {"place": case.community.name, "step": "triage"},
            dedupe_key=f"case_waiting:triage:{case.pk}:{case.triage_due_since:%Y%m%d%H%M%S}",
            link=reverse("triage:case", args=[case.pk]),
        )
    for case in for_bed:
        assert case.bed_wanted_since is not None
        told += notify(
            Kind.CASE_WAITING,
            at_streets.get(case.street_id, []) + admins.get(case.community_id, []),
            {"place": case.community.name, "step": "bed"},
            dedupe_key=f"case_waiting:bed:{case.pk}:{case.bed_wanted_since:%Y%m%d%H%M%S}",
            link=reverse("triage:case", args=[case.pk]),
        )
    return told


def triage_tell(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "due": follow_ups_due_tell(now),
        "overdue": follow_ups_overdue_tell(now),
        "waiting": cases_waiting_tell(now),
    }
