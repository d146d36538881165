"""What the triage case pages show, shaped for their templates: the queue's rows, the case's
follow-up grid and timeline, the follow-up rows. No database reads here (the views pass in what
the selectors found); masking follows `names_person`, decided in triage/policies."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.actor import Actor
from core.masking import mask_name
from core.once import once_token
from core.roles import Role
from core.time_format import waited
from health.models import Slot
from health.rules import current_slot, symptom_labels
from triage.models import (
    CaseEvent,
    Category,
    CloseReason,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpLevel,
    FollowUpStatus,
    Origin,
    Transport,
    TriageCase,
)
from triage.policies import FOLLOW_UP_ROLES, may, names_person
from triage.web.case_forms import FollowUpForm

# A person waiting this long for triage is shown as late in the queue.
QUEUE_LATE_AFTER = datetime.timedelta(hours=2)


def shown_name(actor: Actor, row: TriageCase | FollowUp, name: str) -> str:
    return name if names_person(actor, row) else mask_name(name)


# ---- the health centre's queue ----------------------------------------------------------------


@dataclass
class QueueRow:
    case: TriageCase
    name: str
    waited: str
    late: bool
    temperature: Any
    symptoms: list[str]


def communities(actor: Actor) -> list[tuple[int, str]]:
    """The communities the actor serves as a health centre (from the grants: no query)."""
    out: dict[int, str] = {}
    for g in actor.place_grants(Role.HEALTH_WORKER):
        assert g.place_id is not None
        out[g.place_id] = g.label.split(" · ")[-1] if g.label else str(g.place_id)
    return sorted(out.items(), key=lambda item: item[1])


def queue_row(actor: Actor, case: TriageCase, now: datetime.datetime) -> QueueRow:
    flag = case.flag
    temperature = case.temperature
    symptoms = case.symptoms
    if temperature is None and flag is not None:
        temperature = flag.max_temperature
    if not symptoms and flag is not None:
        symptoms = flag.symptoms
    since = case.triage_due_since
    return QueueRow(
        case=case,
        name=mask_name(case.resident.person.name),
        waited=waited(since, now),
        late=since is not None and now - since >= QUEUE_LATE_AFTER,
        temperature=temperature,
        symptoms=symptom_labels(symptoms),
    )


# ---- the case list ----------------------------------------------------------------------------


def category_counts(by_category: dict[str, int]) -> list[tuple[str, Any, int]]:
    """The category filter's choices with how many cases each holds ("none": not triaged)."""
    return [
        ("none", _("Not triaged yet"), by_category.get("", 0)),
        *[(value, label, by_category.get(value, 0)) for value, label in Category.choices],
    ]


# ---- the case ---------------------------------------------------------------------------------


@dataclass
class GridCell:
    slot: str
    state: str  # done, abnormal, due, late, centre, none
    follow_up: FollowUp | None = None


@dataclass
class GridDay:
    day: datetime.date
    number: int
    cells: list[GridCell] = field(default_factory=list)


def follow_up_grid(case: TriageCase, rows: list[FollowUp], today: datetime.date) -> list[GridDay]:
    """The observation as days × (morning, afternoon): what each slot holds."""
    by_key = {(f.day, f.slot): f for f in rows}
    days = {f.day for f in rows}
    if case.observation_start and case.observation_end:
        day = case.observation_start
        while day <= case.observation_end:
            days.add(day)
            day += datetime.timedelta(days=1)
    if not days:
        return []
    first = min(days)
    out = []
    for day in sorted(days):
        grid_day = GridDay(day=day, number=(day - first).days + 1)
        for slot in (Slot.MORNING, Slot.AFTERNOON):
            f = by_key.get((day, slot))
            grid_day.cells.append(GridCell(slot=slot, state=_cell_state(f), follow_up=f))
        out.append(grid_day)
    return out


def _cell_state(f: FollowUp | None) -> str:
    if f is None:
        return "none"
    if f.status == FollowUpStatus.DONE:
        return "abnormal" if f.abnormal else "done"
    if f.level == FollowUpLevel.HEALTH_CENTRE:
        return "centre"
    if f.level == FollowUpLevel.GRID_WORKER:
        return "late"
    return "due"


@dataclass
class TimelineRow:
    event: CaseEvent
    label: str
    by: str
    change: str
    details: list[str]
    link_case: int | None = None


def _value_label(kind: str, value: str, data: dict[str, Any]) -> str:
    if not value:
        return ""
    choices: dict[str, Any] = {
        EventKind.CATEGORY: Category,
        EventKind.DISPOSITION: Disposition,
        EventKind.BED_QUEUED: Disposition,
        EventKind.OPENED: Origin,
        EventKind.FLAG_JOINED: Origin,
        EventKind.TRANSPORT: Transport,
        EventKind.CLOSED: CloseReason,
    }
    enum = choices.get(kind)
    if enum is not None:
        try:
            return str(enum(value).label)
        except ValueError:
            return value
    if kind == EventKind.BED_ASSIGNED:
        return str(data.get("site") or "")
    if kind == EventKind.CONTACT_LINKED:
        return f"#{value}"
    if kind == EventKind.FOLLOW_UP:
        day, _sep, slot = value.partition(" ")
        label = Slot(slot).label if slot in Slot.values else slot
        return f"{day[5:]} {label}"
    return ""


def timeline_rows(events: list[CaseEvent]) -> list[TimelineRow]:
    rows = []
    for e in events:
        data = e.data or {}
        before = _value_label(e.kind, e.from_value, data)
        after = _value_label(e.kind, e.to_value, data)
        change = f"{before} → {after}" if before and after else after or before
        details: list[str] = []
        if data.get("temperature"):
            details.append(f"{data['temperature']} °C")
        if data.get("symptoms"):
            details.append("、".join(symptom_labels(int(data["symptoms"]))))
        if data.get("test_result"):
            details.append(_("Test: %(result)s") % {"result": data["test_result"]})
        if data.get("last_contact_on"):
            details.append(_("last contact %(day)s") % {"day": data["last_contact_on"]})
        if data.get("abnormal"):
            details.append(_("abnormal"))
        rows.append(
            TimelineRow(
                event=e,
                label=str(EventKind(e.kind).label) if e.kind in EventKind.values else e.kind,
                by=str(e.by) if e.by_id else _("System"),
                change=change,
                details=details,
                link_case=int(e.to_value)
                if e.kind == EventKind.CONTACT_LINKED and e.to_value.isdigit()
                else None,
            )
        )
    return rows


# ---- follow-ups -------------------------------------------------------------------------------


@dataclass
class FollowUpRow:
    follow_up: FollowUp
    name: str
    phone: str
    named: bool
    started: bool
    waited: str
    form: FollowUpForm | None = None


def _started(f: FollowUp, today: datetime.date, slot: str) -> bool:
    if f.day != today:
        return f.day < today
    return f.slot == Slot.MORNING or slot == Slot.AFTERNOON


def follow_up_row(
    actor: Actor, f: FollowUp, now: datetime.datetime, next_url: str = ""
) -> FollowUpRow:
    """A follow-up as a row, with its quick record form when it is due, its slot has begun and
    the actor may record it."""
    today, slot = current_slot(now)
    named = names_person(actor, f)
    person = f.resident.person
    started = _started(f, today, slot)
    form = None
    if f.status == FollowUpStatus.DUE and started and may(actor, FOLLOW_UP_ROLES):
        form = FollowUpForm(initial={"once": once_token(), "next": next_url})
        form.auto_id = f"f{f.pk}_%s"
    return FollowUpRow(
        follow_up=f,
        name=person.name if named else mask_name(person.name),
        phone=person.phone if named else "",
        named=named,
        started=started,
        waited=waited(f.due_at, now) if f.status == FollowUpStatus.DUE and f.level else "",
        form=form,
    )
