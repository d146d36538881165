"""Public opinion (舆情, M15): any staff member reports a rumour or a sudden incident; it reaches
its street at once (the street's path is the incident's); the street records its handling steps
and publishes rebuttals (辟谣) linked to it. Services: keyword-only, actor first, atomic; they
check who may do what and name the wrong field."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.scoping import ancestor_paths
from core.validators import normalize_line, normalize_paragraphs
from notices.models import (
    IncidentAction,
    IncidentKind,
    IncidentStatus,
    Notice,
    NoticeKind,
    OpinionIncident,
    Urgency,
)
from notices.notifying import rumour_critical_tell
from notices.policies import HANDLER_ROLES, REPORTER_ROLES, may_report_at
from notices.publishing import notice_publish
from places.models import Place, PlaceKind

SUMMARY_MAX = 2000
WHERE_MAX = 200
NOTE_MAX = 2000
REACH_MAX = 10_000_000
ABOVE_COMMUNITY = (PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET)


def reports_incidents(actor: Actor) -> bool:
    return actor.is_superuser or bool(actor.place_grants(REPORTER_ROLES))


def handles_incident(actor: Actor, incident: OpinionIncident) -> bool:
    """The street's admin and the offices above it handle; the reporter only reads."""
    if actor.is_superuser:
        return True
    return any(
        incident.place_path.startswith(g.place_path) for g in actor.place_grants(HANDLER_ROLES)
    )


def _ancestor(place: Place, kind: str) -> Place | None:
    if place.kind == kind:
        return place
    return Place.objects.filter(path__in=ancestor_paths(place.path), kind=kind).first()


def own_community(actor: Actor) -> Place | None:
    """The community the reporter works in (a grid's, a building's), when there is one."""
    for g in actor.place_grants(REPORTER_ROLES):
        if g.scope_kind in ABOVE_COMMUNITY:
            continue
        place = Place.objects.filter(path=g.place_path).first()
        found = _ancestor(place, PlaceKind.COMMUNITY) if place is not None else None
        if found is not None:
            return found
    return None


def _clean_choice(field: str, value: str, choices: Sequence[str], message: str) -> str:
    value = (value or "").strip()
    if value not in choices:
        raise field_error(field, message, CoreError.REQUIRED if not value else CoreError.INVALID)
    return value


@transaction.atomic
def incident_report(
    *,
    actor: Actor,
    kind: str,
    summary: str,
    where_seen: str,
    reach: int | None = 0,
    urgency: str = Urgency.NORMAL,
    place: Place | None = None,
) -> OpinionIncident:
    """Report a rumour or an incident seen at `place` (a street or community; default: the
    reporter's community). The street's admin sees it at once; a critical one is told to the
    street's and district's admins (notices.notifying)."""
    if actor.user_id is None or not reports_incidents(actor):
        raise NotAllowed(_("Only staff report rumours and public-opinion incidents."))
    kind = _clean_choice("kind", kind, IncidentKind.values, _("Choose rumour or incident."))
    summary = normalize_paragraphs(summary)
    if not summary:
        raise field_error("summary", _("Say what is being said."), CoreError.REQUIRED)
    if len(summary) > SUMMARY_MAX:
        raise field_error("summary", _("At most %(n)s characters.") % {"n": SUMMARY_MAX})
    where_seen = normalize_line(where_seen or "")
    if not where_seen:
        raise field_error(
            "where_seen", _("Say where it was seen (e.g. a WeChat group)."), CoreError.REQUIRED
        )
    if len(where_seen) > WHERE_MAX:
        raise field_error("where_seen", _("At most %(n)s characters.") % {"n": WHERE_MAX})
    if reach is None:
        reach = 0
    if reach < 0 or reach > REACH_MAX:
        raise field_error(
            "reach", _("Enter a number of people from 0 to %(n)s.") % {"n": REACH_MAX}
        )
    urgency = _clean_choice("urgency", urgency, Urgency.values, _("Choose the urgency."))
    if place is None:
        place = own_community(actor)
        if place is None:
            raise field_error("place", _("Choose the street or community."), CoreError.REQUIRED)
    if not may_report_at(actor, place):
        raise field_error("place", _("Choose a street or community in your area."))
    street = _ancestor(place, PlaceKind.STREET)
    if street is None:
        raise field_error("place", _("Choose a street or community in your area."))
    incident = OpinionIncident.objects.create(
        kind=kind,
        summary=summary,
        where_seen=where_seen,
        reach=reach,
        urgency=urgency,
        street=street,
        community=place if place.kind == PlaceKind.COMMUNITY else None,
        place_path=street.path,
        reported_by_id=actor.user_id,
        reported_at=timezone.now(),
    )
    rumour_critical_tell(incident)
    return incident


def _lock(incident: OpinionIncident) -> OpinionIncident:
    return OpinionIncident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def incident_act(
    *, actor: Actor, incident: OpinionIncident, note: str, status: str
) -> IncidentAction:
    """Record one handling step and the status it leaves (handling or closed; a closed incident
    is reopened by a step "handling"). Closing needs a note."""
    if actor.user_id is None or not handles_incident(actor, incident):
        raise NotAllowed(_("Only the street and the offices above it handle this incident."))
    incident = _lock(incident)
    status = _clean_choice(
        "status",
        status,
        [IncidentStatus.HANDLING, IncidentStatus.CLOSED],
        _("Choose the status this step leaves: being handled or closed."),
    )
    note = normalize_paragraphs(note)
    if len(note) > NOTE_MAX:
        raise field_error("note", _("At most %(n)s characters.") % {"n": NOTE_MAX})
    # Closing, reopening and a step that changes nothing say what was done.
    needs_note = IncidentStatus.CLOSED in (status, incident.status) or status == incident.status
    if not note and needs_note:
        raise field_error("note", _("Say what was done."), CoreError.REQUIRED)
    now = timezone.now()
    action = IncidentAction.objects.create(
        incident=incident, by_id=actor.user_id, at=now, note=note, status=status
    )
    incident.status = status
    incident.closed_at = now if status == IncidentStatus.CLOSED else None
    incident.save(update_fields=["status", "closed_at"])
    return action


def rebuttal_issuer(actor: Actor, incident: OpinionIncident) -> Place | None:
    """The office the rebuttal is issued by: the actor's nearest office at or above the street."""
    grants = [
        g for g in actor.place_grants(HANDLER_ROLES) if incident.place_path.startswith(g.place_path)
    ]
    if not grants:
        return incident.street if actor.is_superuser else None
    nearest = max(grants, key=lambda g: len(g.place_path))
    return Place.objects.filter(path=nearest.place_path).first()


@transaction.atomic
def incident_rebut(
    *,
    actor: Actor,
    incident: OpinionIncident,
    title: str,
    body: str,
    communities: Sequence[Place] = (),
) -> Notice:
    """Publish a rebuttal (辟谣) answering the incident, to the whole street or to some of its
    communities; a handling step records it."""
    if actor.user_id is None or not handles_incident(actor, incident):
        raise NotAllowed(_("Only the street and the offices above it answer this incident."))
    issuer = rebuttal_issuer(actor, incident)
    if issuer is None:
        raise NotAllowed(_("Only the street and the offices above it answer this incident."))
    for c in communities:
        if c.kind != PlaceKind.COMMUNITY or not c.path.startswith(incident.street.path):
            raise field_error(
                "communities", _("%(place)s is not a community of this street.") % {"place": c.name}
            )
    targets = list(communities) or [incident.street]
    notice = notice_publish(
        actor=actor,
        kind=NoticeKind.REBUTTAL,
        title=title,
        body=body,
        issuer=issuer,
        targets=targets,
        incident=incident,
    )
    incident = _lock(incident)
    status = incident.status if incident.status != IncidentStatus.REPORTED else "handling"
    IncidentAction.objects.create(
        incident=incident,
        by_id=actor.user_id,
        at=notice.published_at,
        note=_("Rebuttal published: %(title)s") % {"title": notice.title},
        status=status,
    )
    if status != incident.status:
        incident.status = status
        incident.save(update_fields=["status"])
    return notice
