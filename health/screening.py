"""Door-to-door screening (排查): a grid worker at one household's door records everyone living
there in one visit — present, away or refused, with temperature and symptoms — or "nobody home,
revisit". Each present or away member gets a health report (source: screening) through
health.reporting, the one way reports are written; refused members get none and stay in "not
reported". A visit made while an open sweep covers the household is attached to that sweep.

Everything is one transaction: a wrong field of any member stores nothing. The same visit sent
twice (double tap, a phone's queue replayed) is stored once: the client's idempotency key is
unique per recorder.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.scoping import place_columns_q
from core.validators import normalize_line, normalize_text
from health import reporting, rules
from health.error_codes import HealthError
from health.models import (
    HealthReport,
    Presence,
    ScreeningVisit,
    Source,
    SweepCampaign,
    SweepStatus,
    VisitOutcome,
)
from health.policies import SCREEN_ROLES, may_screen
from people.models import Resident, ResidentStatus
from places.models import Household

# Who lives in a household for screening: residents living here or temporarily away.
LIVING = (ResidentStatus.PRESENT, ResidentStatus.AWAY)
# What a screener may find for one member at the door.
MEMBER_PRESENCE = (Presence.PRESENT, Presence.AWAY, Presence.REFUSED)
NOTE_MAX = 200

# ---- floors ----------------------------------------------------------------------------------

_EXPLICIT_FLOOR = re.compile(r"(\d+)\s*(?:层|楼(?!栋)|F)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def floor_of(room: str) -> int | None:
    """The floor a room is on, read from how rooms are written in Wuhan's registries:
    "3单元502" → 5, "1201" → 12, "101" → 1, "12层3号" → 12, "3号" → 1 (a one-storey row);
    None when the room has no digits (it goes under "other")."""
    text = normalize_text(room or "")
    explicit = _EXPLICIT_FLOOR.search(text)
    if explicit:
        number = int(explicit.group(1))
        return number if number > 0 else None
    groups = _DIGITS.findall(text)
    if not groups:
        return None
    last = groups[-1].lstrip("0") or "0"
    if len(last) <= 2:
        return 1 if int(last) > 0 else None
    return int(last[:-2])


# ---- who may screen where --------------------------------------------------------------------


def check_may_screen(actor: Actor) -> None:
    if not may_screen(actor):
        raise NotAllowed(_("Your role does not do door-to-door screening."))


def screening_households(actor: Actor) -> Any:
    """Households the actor may screen: those of their screening area (not merely visible)."""
    qs = Household.objects.all()
    if actor.is_superuser:
        return qs
    q = place_columns_q(actor, SCREEN_ROLES)
    if q is None:
        return qs.none()
    # A building head's grant is a building: Household carries building_id too.
    return qs.filter(q)


def access_screening_household(actor: Actor, household_id: int) -> Household:
    check_may_screen(actor)
    household = (
        screening_households(actor)
        .select_related("building", "grid", "community")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise Http404
    return household


def open_campaign_for(path: str, day: datetime.date) -> SweepCampaign | None:
    """The open sweep covering a place (its path) on `day`: the narrowest scope wins."""
    parts = [p for p in path.strip("/").split("/") if p]
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return (
        SweepCampaign.objects.filter(
            status=SweepStatus.OPEN,
            scope_path__in=prefixes,
            start_date__lte=day,
            end_date__gte=day,
        )
        .order_by("-scope_path", "-start_date", "-pk")
        .first()
    )


# ---- recording a visit -----------------------------------------------------------------------


@dataclass
class MemberFinding:
    """What the screener found for one member, as typed (parsed by the service)."""

    resident_id: int
    presence: str = Presence.PRESENT
    temperature: str = ""
    symptoms: list[str] = field(default_factory=list)
    contact: bool = False
    declared: str = ""


@dataclass
class VisitResult:
    visit: ScreeningVisit
    created: bool
    reports_created: int = 0


def member_field(resident_id: int, name: str) -> str:
    """The error key of one member's field: "members.<resident id>.<field>"."""
    return f"members.{resident_id}.{name}"


def _add(errors: dict[str, list[ValidationError]], key: str, error: ValidationError) -> None:
    errors.setdefault(key, []).append(error)


@transaction.atomic
def screening_visit_record(
    *,
    actor: Actor,
    household: Household,
    outcome: str,
    members: list[MemberFinding] | None = None,
    note: str = "",
    idempotency_key: str | None = None,
    recorded_at: datetime.datetime | None = None,
) -> VisitResult:
    """Record one visit at a household's door, with a report for each present or away member.

    `members` covers the household's living members who have not reported in this slot yet
    (those who have are linked, not asked again). Raises NotAllowed for a role that does not
    screen, Http404 for a household outside the actor's area, and a ValidationError naming
    each wrong field ("members.<resident id>.temperature") — then nothing is stored."""
    check_may_screen(actor)
    if not screening_households(actor).filter(pk=household.pk).exists():
        raise Http404
    key = (normalize_text(idempotency_key or "")[:64]) or None
    if key is not None and actor.user_id:
        first = ScreeningVisit.objects.filter(recorded_by_id=actor.user_id, idempotency_key=key)
        if (found := first.first()) is not None:
            return VisitResult(found, created=False)
    if outcome not in VisitOutcome.values:
        raise field_error("outcome", _("Choose screened or nobody home."), code=CoreError.INVALID)
    note = normalize_line(note)
    if len(note) > NOTE_MAX:
        raise field_error(
            "note", _("Keep the note under %(n)s characters.") % {"n": NOTE_MAX}, CoreError.TOO_LONG
        )
    now = timezone.now()
    at = recorded_at
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    day, slot = rules.current_slot(at or now)
    rules.check_slot_open(day, slot, now=now, recorded_at=at)

    living = {
        r["pk"]: r
        for r in Resident.objects.filter(household_id=household.pk, status__in=LIVING).values(
            "pk", "status"
        )
    }
    already = {
        r["resident_id"]: r
        for r in HealthReport.objects.filter(household_id=household.pk, day=day, slot=slot).values(
            "id", "resident_id", "presence", "abnormal", "declared"
        )
    }
    findings = {m.resident_id: m for m in (members or [])}
    errors: dict[str, list[ValidationError]] = {}
    items: list[reporting.ReportInput] = []
    declared_by_resident: dict[int, str] = {}
    rows: list[dict[str, Any]] = []
    refused = 0
    if outcome == VisitOutcome.SCREENED:
        for rid in findings:
            if rid not in living:
                _add(
                    errors,
                    member_field(rid, "resident"),
                    ValidationError(
                        _("This person does not live in this household."),
                        code=HealthError.NOT_IN_HOUSEHOLD,
                    ),
                )
        for rid in sorted(living):
            # A member reported this slot keeps the report unless the screener enters a finding:
            # then it is a correction, stored as the slot's latest version (history kept).
            finding_given = findings.get(rid) is not None and bool(findings[rid].presence)
            if rid in already and not finding_given:
                report = already[rid]
                rows.append(
                    {"resident": rid, "presence": report["presence"], "report": report["id"]}
                )
                continue
            finding = findings.get(rid)
            if finding is None or not finding.presence:
                _add(
                    errors,
                    member_field(rid, "presence"),
                    ValidationError(_("Choose present, away or refused."), code=CoreError.REQUIRED),
                )
                continue
            if finding.presence not in MEMBER_PRESENCE:
                _add(
                    errors,
                    member_field(rid, "presence"),
                    ValidationError(_("Choose present, away or refused."), code=CoreError.INVALID),
                )
                continue
            if finding.presence == Presence.REFUSED:
                refused += 1
                rows.append({"resident": rid, "presence": Presence.REFUSED, "report": None})
                continue
            raw = {
                "resident": rid,
                "day": day.isoformat(),
                "slot": slot,
                "presence": finding.presence,
                "temperature": finding.temperature if finding.presence == Presence.PRESENT else "",
                "symptoms": finding.symptoms if finding.presence == Presence.PRESENT else [],
                "contact": finding.contact,
                "declared": finding.declared,
                "recorded_at": at,
            }
            try:
                item = reporting.report_input(raw, now=now)
            except ValidationError as e:
                for name, errs in e.error_dict.items():
                    # Day and slot are the visit's own; a member's field otherwise.
                    target = name if name in ("day", "slot", "recorded_at") else None
                    for err in errs:
                        _add(errors, target or member_field(rid, name), err)
                continue
            items.append(item)
            declared_by_resident[rid] = item.declared
            rows.append({"resident": rid, "presence": finding.presence, "report": None})
        if not living:
            _add(
                errors,
                "household",
                ValidationError(_("Nobody is registered as living in this household."), "empty"),
            )
    # "Nobody home" records no one: members typed before pressing it are not stored.
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]

    reports_created = 0
    abnormal = sum(
        1
        for rid, r in already.items()
        if rid in living and outcome == VisitOutcome.SCREENED and (r["abnormal"] or r["declared"])
    )
    if items:
        result = reporting.health_reports_submit(actor=actor, items=items, source=Source.SCREENING)
        if result.rejected:
            bad: dict[str, list[ValidationError]] = {}
            for rejection in result.rejected:
                rid = items[rejection["index"]].resident_id
                for err in rejection["errors"]:
                    _add(
                        bad,
                        member_field(rid, err["field"]),
                        ValidationError(err["message"], err["code"]),
                    )
            raise ValidationError(bad)  # type: ignore[arg-type]
        report_of = {
            r.resident_id: r for r in [*result.created, *result.amended, *result.duplicates]
        }
        reports_created = len(result.created)
        for row in rows:
            got = report_of.get(row["resident"])
            if got is not None and row["report"] is None:
                row["report"] = got.report_id
                if got.abnormal or declared_by_resident.get(row["resident"]):
                    abnormal += 1
    campaign = open_campaign_for(household.building.path, day)
    visit = ScreeningVisit(
        city_id=household.city_id,
        district_id=household.district_id,
        street_id=household.street_id,
        community_id=household.community_id,
        grid_id=household.grid_id,
        household=household,
        building_id=household.building_id,
        day=day,
        slot=slot,
        outcome=outcome,
        members=rows if outcome == VisitOutcome.SCREENED else [],
        present_count=sum(1 for r in rows if r["presence"] == Presence.PRESENT),
        away_count=sum(1 for r in rows if r["presence"] == Presence.AWAY),
        refused_count=refused,
        abnormal_count=abnormal,
        campaign=campaign,
        note=note,
        recorded_by_id=actor.user_id or 0,
        recorded_at=at or now,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # The same visit, sent at the same moment by another request: that one counts.
        same = ScreeningVisit.objects.filter(
            recorded_by_id=actor.user_id, idempotency_key=key
        ).first()
        if same is None or key is None:
            raise
        return VisitResult(same, created=False)
    return VisitResult(visit, created=True, reports_created=reports_created)


def visible_visits(actor: Actor) -> Any:
    return ScreeningVisit.objects.for_actor(actor)


def member_findings(data: list[dict[str, Any]]) -> list[MemberFinding]:
    """MemberFindings from plain dicts (the API's JSON, a form's rows)."""
    out = []
    for d in data:
        try:
            rid = int(str(d.get("resident_id") or d.get("resident") or "0"))
        except ValueError:
            rid = 0
        symptoms = d.get("symptoms") or []
        if isinstance(symptoms, str):
            symptoms = [s for s in symptoms.replace("，", ",").split(",")]
        out.append(
            MemberFinding(
                resident_id=rid,
                presence=str(d.get("presence") or ""),
                temperature=str(d.get("temperature") or ""),
                symptoms=[str(s) for s in symptoms],
                contact=reporting._bool(d.get("contact")),
                declared=str(d.get("declared") or ""),
            )
        )
    return out


__all__ = [
    "LIVING",
    "MemberFinding",
    "VisitResult",
    "access_screening_household",
    "floor_of",
    "may_screen",
    "member_field",
    "member_findings",
    "open_campaign_for",
    "screening_visit_record",
]
