"""Supervision (工作组下沉, 分片包干, M16): city and district supervision teams, street area leads,
inspections of a street or community with their checklist, findings turned into rectifications
with an owner and a deadline, and the follow-up: the inspected place reports a rectification
done, the inspector (or an office above) verifies and closes it or reopens it. Services:
keyword-only, actor first, atomic; they check who may do what and name the wrong field."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Grant, User
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from core.validators import normalize_line, normalize_paragraphs
from notices.models import (
    AreaLead,
    Inspection,
    InspectionItem,
    ItemResult,
    Rectification,
    RectificationStatus,
    RectificationUpdate,
    SupervisionTeam,
)
from notices.policies import SUPERVISION_ABOVE_ROLES, TEAM_ROLES
from notices.querysets import OFFICE_ROLES
from places.models import PLACE_ORDER, Place, PlaceKind

DEFAULT_CHECKLIST = (
    gettext_lazy("Gate watch (门岗值守)"),
    gettext_lazy("Temperature checks and register (体温检测与登记)"),
    gettext_lazy("Home observation follow-up (居家观察随访)"),
    gettext_lazy("Contact with cared-for residents (关爱对象联系)"),
    gettext_lazy("Supplies and protective equipment (物资与防护装备)"),
    gettext_lazy("Disinfection records (消毒记录)"),
    gettext_lazy("Notices posted (宣传告示张贴)"),
)
NAME_MAX = 120
ITEM_MAX = 120
ITEM_NOTE_MAX = 300
TEXT_MAX = 4000
OWNER_MAX = 60
ITEMS_MAX = 40


# One checklist row as sent: {"item": ..., "result": ok/problem/na, "note": ...}.
ItemIn = Mapping[str, str]


def _grant_above(actor: Actor, roles: frozenset[str], path: str) -> bool:
    return actor.is_superuser or any(
        path.startswith(g.place_path) for g in actor.place_grants(roles)
    )


def _has_grant_under(user: User, path: str) -> bool:
    return Grant.objects.filter(user=user, place__path__startswith=path).exists()


# ---- teams and area leads -------------------------------------------------------------------


def manages_team(actor: Actor, team: SupervisionTeam) -> bool:
    return _grant_above(actor, TEAM_ROLES, team.place_path)


def team_places(actor: Actor) -> list[Place]:
    ids = [g.place_id for g in actor.place_grants(TEAM_ROLES)]
    return list(Place.objects.filter(pk__in=ids).order_by(*PLACE_ORDER))


@transaction.atomic
def team_save(
    *,
    actor: Actor,
    team: SupervisionTeam | None,
    name: str,
    place: Place | None,
    leader: User | None = None,
    members: Sequence[User] = (),
) -> SupervisionTeam:
    """Form or change a city's or district's supervision team (督导组)."""
    if team is not None and not manages_team(actor, team):
        raise NotAllowed(_("Only the city's or district's admins change this team."))
    name = normalize_line(name or "")
    if not name:
        raise field_error("name", _("Name the team."), CoreError.REQUIRED)
    if len(name) > NAME_MAX:
        raise field_error("name", _("At most %(n)s characters.") % {"n": NAME_MAX})
    if place is None:
        raise field_error("place", _("Choose the city or district."), CoreError.REQUIRED)
    if place.kind not in (PlaceKind.CITY, PlaceKind.DISTRICT) or not _grant_above(
        actor, TEAM_ROLES, place.path
    ):
        raise field_error("place", _("Choose a city or district you administer."))
    members = list({m.pk: m for m in [*members, *([leader] if leader else [])]}.values())
    if not members:
        raise field_error("members", _("Choose at least one member."), CoreError.REQUIRED)
    if team is None:
        team = SupervisionTeam(name=name, place=place, place_path=place.path, leader=leader)
    else:
        team.name, team.place, team.place_path, team.leader = name, place, place.path, leader
    team.save()
    team.members.set(members)
    return team


def manages_area_leads(actor: Actor, street: Place) -> bool:
    return _grant_above(actor, SUPERVISION_ABOVE_ROLES, street.path)


def lead_streets(actor: Actor) -> list[Place]:
    """The streets whose area leads the actor sets (a street admin's street, or all under a
    district or city admin)."""
    conds = [g.place_path for g in actor.place_grants(SUPERVISION_ABOVE_ROLES)]
    if actor.is_superuser:
        return list(Place.objects.filter(kind=PlaceKind.STREET).order_by(*PLACE_ORDER)[:500])
    rows: list[Place] = []
    for path in conds:
        rows += list(Place.objects.filter(kind=PlaceKind.STREET, path__startswith=path))
    return sorted({p.pk: p for p in rows}.values(), key=lambda p: p.sort_path)


@transaction.atomic
def area_lead_save(
    *,
    actor: Actor,
    area_lead: AreaLead | None,
    street: Place | None,
    leader: User | None,
    communities: Sequence[Place],
    note: str = "",
) -> AreaLead:
    """分片包干: a leader of the street answers for some of its communities."""
    if area_lead is not None and not manages_area_leads(actor, area_lead.street):
        raise NotAllowed(_("Only the street's admin sets its area leads."))
    if street is None:
        raise field_error("street", _("Choose the street."), CoreError.REQUIRED)
    if street.kind != PlaceKind.STREET or not manages_area_leads(actor, street):
        raise field_error("street", _("Choose a street you administer."))
    if leader is None:
        raise field_error("leader", _("Choose the leader."), CoreError.REQUIRED)
    if not _has_grant_under(leader, street.path):
        raise field_error("leader", _("The leader must work in this street."))
    if not communities:
        raise field_error("communities", _("Choose at least one community."), CoreError.REQUIRED)
    for c in communities:
        if c.kind != PlaceKind.COMMUNITY or c.parent_id != street.pk:
            raise field_error(
                "communities", _("%(place)s is not a community of this street.") % {"place": c.name}
            )
    note = normalize_line(note or "")[:200]
    clash = AreaLead.objects.filter(street=street, leader=leader)
    if area_lead is not None:
        clash = clash.exclude(pk=area_lead.pk)
    if clash.exists():
        raise field_error("leader", _("This leader already has an area in this street."))
    if area_lead is None:
        area_lead = AreaLead(street=street, street_path=street.path, leader=leader, note=note)
    else:
        area_lead.street, area_lead.street_path = street, street.path
        area_lead.leader, area_lead.note = leader, note
    area_lead.save()
    area_lead.communities.set(list(communities))
    return area_lead


# ---- inspections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectorScope:
    """What makes someone an inspector besides their grants: their teams' areas and the
    communities they lead (分片包干). Read once for a list of places."""

    team_paths: tuple[str, ...] = ()
    lead_communities: frozenset[int] = frozenset()


def inspector_scope(actor: Actor) -> InspectorScope:
    if actor.user_id is None:
        return InspectorScope()
    teams = SupervisionTeam.objects.filter(members__id=actor.user_id)
    leads = AreaLead.objects.filter(leader_id=actor.user_id, communities__isnull=False)
    return InspectorScope(
        tuple(teams.values_list("place_path", flat=True)),
        frozenset(leads.values_list("communities", flat=True)),
    )


def inspects(actor: Actor, place: Place, scope: InspectorScope | None = None) -> bool:
    """City and district admins (and their teams' members) inspect places under them; a street
    admin the street's communities; an area lead their communities."""
    if place.kind not in (PlaceKind.STREET, PlaceKind.COMMUNITY):
        return False
    if actor.is_superuser or _grant_above(actor, TEAM_ROLES, place.path):
        return True
    if place.kind == PlaceKind.COMMUNITY and _grant_above(
        actor, frozenset({Role.STREET_ADMIN}), place.path
    ):
        return True
    if actor.user_id is None:
        return False
    scope = scope if scope is not None else inspector_scope(actor)
    if any(place.path.startswith(p) for p in scope.team_paths):
        return True
    return place.pk in scope.lead_communities


@transaction.atomic
def inspection_create(
    *,
    actor: Actor,
    place: Place | None,
    inspected_on: datetime.date | None,
    items: Sequence[ItemIn],
    team: SupervisionTeam | None = None,
    summary: str = "",
) -> Inspection:
    """Record an inspection of a street or community with its checklist (as found)."""
    if place is None:
        raise field_error(
            "place", _("Choose the street or community inspected."), CoreError.REQUIRED
        )
    if actor.user_id is None or not inspects(actor, place):
        raise field_error("place", _("Choose a street or community you supervise."))
    if inspected_on is None:
        raise field_error(
            "inspected_on", _("Enter the date of the inspection."), CoreError.REQUIRED
        )
    if inspected_on > timezone.localdate():
        raise field_error("inspected_on", _("The inspection date cannot be in the future."))
    if team is not None:
        member = team.members.filter(pk=actor.user_id).exists()
        if not (member or manages_team(actor, team)):
            raise field_error("team", _("Choose a team you belong to."))
        if not place.path.startswith(team.place_path):
            raise field_error("team", _("This team does not supervise this place."))
    summary = normalize_paragraphs(summary)
    if len(summary) > TEXT_MAX:
        raise field_error("summary", _("At most %(n)s characters.") % {"n": TEXT_MAX})
    rows: list[InspectionItem] = []
    for i, raw in enumerate(items):
        name = normalize_line(raw.get("item") or "")
        note = normalize_paragraphs(raw.get("note"))
        result = (raw.get("result") or "").strip()
        if not note and (not name or not result):
            continue  # an empty row, or an item not assessed this time
        n = {"n": i + 1}
        if not name:
            raise field_error(
                "items", _("Row %(n)s: name the checklist item.") % n, CoreError.REQUIRED
            )
        if len(name) > ITEM_MAX or len(note) > ITEM_NOTE_MAX:
            raise field_error("items", _("Row %(n)s: the text is too long.") % n)
        if result not in ItemResult.values:
            raise field_error(
                "items", _("Row %(n)s: choose in order, problem found or not applicable.") % n
            )
        if result == ItemResult.PROBLEM and not note:
            raise field_error(
                "items", _("Row %(n)s: say what the problem is.") % n, CoreError.REQUIRED
            )
        rows.append(InspectionItem(item=name, result=result, note=note, position=len(rows)))
    if not rows:
        raise field_error("items", _("Fill in at least one checklist item."), CoreError.REQUIRED)
    if len(rows) > ITEMS_MAX:
        raise field_error("items", _("At most %(n)s checklist items.") % {"n": ITEMS_MAX})
    inspection = Inspection.objects.create(
        place=place,
        place_path=place.path,
        team=team,
        inspector_id=actor.user_id,
        inspected_on=inspected_on,
        summary=summary,
        created_at=timezone.now(),
    )
    for r in rows:
        r.inspection, r.place_path = inspection, place.path
    InspectionItem.objects.bulk_create(rows)
    return inspection


def verifies(actor: Actor, inspection: Inspection) -> bool:
    """The inspector, and the offices above the inspected place, verify its rectifications."""
    if actor.is_superuser or actor.user_id == inspection.inspector_id:
        return True
    return any(
        inspection.place_path.startswith(g.place_path) and g.place_path != inspection.place_path
        for g in actor.place_grants(SUPERVISION_ABOVE_ROLES)
    )


def reports_done(actor: Actor, rectification: Rectification) -> bool:
    """The inspected place's own office (its admin), and the responsible user."""
    if actor.is_superuser or (actor.user_id and actor.user_id == rectification.owner_id):
        return True
    return any(g.place_path == rectification.place_path for g in actor.place_grants(OFFICE_ROLES))


@transaction.atomic
def rectification_add(
    *,
    actor: Actor,
    inspection: Inspection,
    finding: str,
    owner_name: str,
    deadline: datetime.date | None,
    owner: User | None = None,
    item: InspectionItem | None = None,
) -> Rectification:
    """A finding to rectify (整改), its responsible person and deadline."""
    if not verifies(actor, inspection):
        raise NotAllowed(_("Only the inspector and the offices above set rectifications."))
    finding = normalize_paragraphs(finding)
    if not finding:
        raise field_error("finding", _("Say what must be rectified."), CoreError.REQUIRED)
    if len(finding) > TEXT_MAX:
        raise field_error("finding", _("At most %(n)s characters.") % {"n": TEXT_MAX})
    owner_name = normalize_line(owner_name or "")
    if not owner_name and owner is not None:
        owner_name = owner.display_name or owner.username
    if not owner_name:
        raise field_error("owner_name", _("Name the person responsible."), CoreError.REQUIRED)
    if len(owner_name) > OWNER_MAX:
        raise field_error("owner_name", _("At most %(n)s characters.") % {"n": OWNER_MAX})
    if owner is not None and not _has_grant_under(owner, inspection.place_path):
        raise field_error("owner", _("The responsible user must work in the inspected place."))
    if deadline is None:
        raise field_error("deadline", _("Enter the deadline."), CoreError.REQUIRED)
    if deadline < inspection.inspected_on:
        raise field_error("deadline", _("The deadline cannot be before the inspection date."))
    if item is not None and item.inspection_id != inspection.pk:
        raise field_error("item", _("Choose an item of this inspection."))
    return Rectification.objects.create(
        inspection=inspection,
        item=item,
        place_path=inspection.place_path,
        finding=finding,
        owner_name=owner_name,
        owner=owner,
        deadline=deadline,
    )


@transaction.atomic
def rectification_update(
    *, actor: Actor, rectification: Rectification, status: str, note: str
) -> RectificationUpdate:
    """Follow-up: "reported" (the inspected place says it is done, with a note), "closed" (the
    inspector or an office above verified it) or "open" (reopened, with a note)."""
    r = (
        Rectification.objects.select_for_update()
        .select_related("inspection")
        .get(pk=rectification.pk)
    )
    status = (status or "").strip()
    note = normalize_paragraphs(note)
    if len(note) > TEXT_MAX:
        raise field_error("note", _("At most %(n)s characters.") % {"n": TEXT_MAX})
    if status == RectificationStatus.REPORTED:
        if not reports_done(actor, r):
            raise NotAllowed(_("Only the inspected place reports its rectification done."))
        if r.status != RectificationStatus.OPEN:
            raise field_error("status", _("Only an open rectification is reported done."))
        if not note:
            raise field_error("note", _("Say what was done."), CoreError.REQUIRED)
    elif status in (RectificationStatus.CLOSED, RectificationStatus.OPEN):
        if not verifies(actor, r.inspection):
            raise NotAllowed(_("Only the inspector and the offices above verify rectifications."))
        if status == RectificationStatus.CLOSED and r.status == RectificationStatus.CLOSED:
            raise field_error("status", _("This rectification is already closed."))
        if status == RectificationStatus.OPEN:
            if r.status == RectificationStatus.OPEN:
                raise field_error("status", _("This rectification is already open."))
            if not note:
                raise field_error("note", _("Say why it is reopened."), CoreError.REQUIRED)
    else:
        raise field_error(
            "status",
            _("Choose reported done, closed or reopened."),
            CoreError.REQUIRED if not status else CoreError.INVALID,
        )
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    now = timezone.now()
    update = RectificationUpdate.objects.create(
        rectification=r,
        inspection_id=r.inspection_id,
        place_path=r.place_path,
        by_id=actor.user_id,
        at=now,
        note=note,
        status=status,
    )
    r.status = status
    if status == RectificationStatus.REPORTED:
        r.done_at = now
    r.closed_at = now if status == RectificationStatus.CLOSED else None
    r.save(update_fields=["status", "done_at", "closed_at"])
    return update
