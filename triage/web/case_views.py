"""The triage case pages: the health centre's queue, the case list, opening a case, the case
itself (assessment, disposition, transport, close contacts, follow-ups, timeline) and the grid
worker's follow-up list. Each view parses, calls the selectors and one service, and renders;
who may do what is decided in triage/ (the services check the policies)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.actor import Actor
from core.audit import audit_record
from core.errors import NotAllowed, field_error
from core.forms import run_once
from core.http import actor_of
from core.masking import mask_name, mask_phone
from core.once import once_token
from core.pagination import paginate, search_term
from core.roles import Role
from core.time_format import waited
from core.validators import normalize_text
from health.models import Slot
from health.rules import current_slot, symptom_bits, symptom_labels
from people.selectors import LIVING, access_resident, resident_list
from places.selectors import place_breadcrumbs
from triage import cases as case_services
from triage import contacts as contact_services
from triage import decisions, selectors
from triage import follow_ups as follow_up_services
from triage.models import (
    CaseEvent,
    CaseStatus,
    Category,
    CloseReason,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpLevel,
    FollowUpStatus,
    Origin,
    SiteKind,
    Transport,
    TriageCase,
)
from triage.policies import CONTACT_ROLES, FOLLOW_UP_ROLES, OPEN_ROLES, may, names_person
from triage.querysets import CASE_ROLES
from triage.rules import CATEGORY_NEXT, DISPOSITIONS_FOR
from triage.stats import access_stats_place
from triage.web.case_forms import (
    AssessForm,
    CaseOpenForm,
    ContactForm,
    DispositionForm,
    FollowUpForm,
    TransportForm,
)

# A person waiting this long for triage is shown as late in the queue.
QUEUE_LATE_AFTER = datetime.timedelta(hours=2)


# ---- small helpers ----------------------------------------------------------------------------


def _require_case_role(actor: Actor) -> None:
    if not (actor.is_superuser or actor.has_role(CASE_ROLES)):
        raise NotAllowed(_("Your role does not see triage cases."))


def _shown_name(actor: Actor, row: TriageCase | FollowUp, name: str) -> str:
    return name if names_person(actor, row) else mask_name(name)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _search(request: HttpRequest, name: str) -> str:
    return normalize_text(request.GET.get(name, ""))[:50]


def _back(request: HttpRequest, fallback: str) -> str:
    url = str(request.POST.get("next") or request.GET.get("next") or "")
    if url.startswith("/triage/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}
    ):
        return url
    return fallback


# ---- the health centre's queue ----------------------------------------------------------------


@dataclass
class QueueRow:
    case: TriageCase
    name: str
    waited: str
    late: bool
    temperature: Any
    symptoms: list[str]


def release_check(actor: Actor) -> QuerySet[TriageCase]:
    """Home observations whose last day has come and that the periodic release did not close
    (a follow-up missing or abnormal, a category that may not go home, or today is day 14 and
    the afternoon check is still to come)."""
    return (
        TriageCase.objects.for_actor(actor)
        .filter(
            status=CaseStatus.OPEN,
            disposition=Disposition.HOME_OBSERVATION,
            observation_end__lte=timezone.localdate(),
        )
        .select_related(*selectors.CASE_RELATED)
        .order_by("observation_end", "pk")
    )


def _communities(actor: Actor) -> list[tuple[int, str]]:
    """The communities the actor serves as a health centre (from the grants: no query)."""
    out: dict[int, str] = {}
    for g in actor.place_grants(Role.HEALTH_WORKER):
        assert g.place_id is not None
        out[g.place_id] = g.label.split(" · ")[-1] if g.label else str(g.place_id)
    return sorted(out.items(), key=lambda item: item[1])


QUEUE_TABS = ("queue", "overdue", "release")


def queue(request: HttpRequest) -> HttpResponse:
    """/triage/: the health centre's queue. Other case staff are sent to the case list."""
    actor = actor_of(request)
    _require_case_role(actor)
    if not (actor.is_superuser or selectors.is_health_centre(actor)):
        return redirect("triage:cases")
    q = search_term(request)
    communities = _communities(actor)
    community_id = _int(request.GET.get("community"))
    if community_id not in {pk for pk, _name in communities}:
        community_id = None
    tab = request.GET.get("tab", "queue")
    if tab not in QUEUE_TABS:
        tab = "queue"
    now = timezone.now()
    waiting = selectors.triage_queue(actor, q=q, community_id=community_id).select_related("flag")
    overdue = selectors.follow_ups_overdue(
        actor, level=FollowUpLevel.HEALTH_CENTRE, q=q
    ).select_related("case__household")
    ended = release_check(actor)
    counts = {"queue": waiting.count(), "overdue": overdue.count(), "release": ended.count()}
    lists: dict[str, Any] = {"queue": waiting, "overdue": overdue, "release": ended}
    page = paginate(request, lists[tab])
    rows: list[Any] = list(page.object_list)
    if tab == "queue":
        rows = [_queue_row(actor, c, now) for c in rows]
    elif tab == "overdue":
        rows = [_follow_up_row(actor, f, now) for f in rows]
    else:
        rows = [(c, _shown_name(actor, c, c.resident.person.name)) for c in rows]
    context = {
        "tab": tab,
        "tabs": [
            ("queue", _("Waiting for triage"), counts["queue"]),
            ("overdue", _("Follow-ups overdue"), counts["overdue"]),
            ("release", _("Observation ended"), counts["release"]),
        ],
        "page": page,
        "rows": rows,
        "q": q,
        "communities": communities if len(communities) > 1 else [],
        "community_id": community_id,
        "today": timezone.localdate(),
    }
    return render(request, "triage/queue.html", context)


def _queue_row(actor: Actor, case: TriageCase, now: datetime.datetime) -> QueueRow:
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


STATUS_FILTERS = [("open", CaseStatus.OPEN.label), ("closed", CaseStatus.CLOSED.label)]


def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_case_role(actor)
    q = search_term(request)
    status = request.GET.get("status", CaseStatus.OPEN)
    if status not in (*CaseStatus.values, "all"):
        status = CaseStatus.OPEN
    category = request.GET.get("category", "")
    if category not in (*Category.values, "none"):
        category = ""
    disposition = request.GET.get("disposition", "")
    if disposition not in (*Disposition.values, "none"):
        disposition = ""
    shown_status = "" if status == "all" else status
    # A place (from the dashboard's counts): the cases under it only.
    place_id = _int(request.GET.get("place"))
    place = access_stats_place(actor, place_id) if place_id else None
    cases = selectors.case_list(
        actor,
        q=q,
        status=shown_status,
        category=category,
        disposition=disposition,
        place_id=place_id,
    )
    # How many of each category the other filters find (one grouped count).
    by_category = dict(
        selectors.case_list(
            actor, q=q, status=shown_status, disposition=disposition, place_id=place_id
        )
        .prefetch_related(None)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    page = paginate(request, cases)
    rows = [(c, mask_name(c.resident.person.name)) for c in page.object_list]
    category_counts = [
        ("none", _("Not triaged yet"), by_category.get("", 0)),
        *[(value, label, by_category.get(value, 0)) for value, label in Category.choices],
    ]
    context = {
        "page": page,
        "rows": rows,
        "q": q,
        "status": status,
        "category": category,
        "disposition": disposition,
        "statuses": [*STATUS_FILTERS, ("all", _("All"))],
        "category_counts": category_counts,
        "total": sum(by_category.values()),
        "found": page.paginator.count,
        "dispositions": [("none", _("None yet")), *Disposition.choices],
        "place": place,
        "may_open": actor.is_superuser or actor.has_role(OPEN_ROLES),
        "is_health_centre": actor.is_superuser or selectors.is_health_centre(actor),
    }
    return render(request, "triage/case_list.html", context)


# ---- opening a case ---------------------------------------------------------------------------


def case_open(request: HttpRequest) -> HttpResponse:
    """Step 1: find the resident; step 2: how they came to notice and what was found."""
    actor = actor_of(request)
    if not may(actor, OPEN_ROLES):
        raise NotAllowed(_("Only grid workers, community admins and health workers open cases."))
    q = search_term(request)
    resident_id = _int(request.GET.get("resident"))
    resident = access_resident(actor, resident_id) if resident_id else None
    found = (
        list(resident_list(actor, q=q, status=LIVING).select_related("building", "household")[:20])
        if q and not resident
        else []
    )
    form = CaseOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if resident is None:
            raise Http404

        def handle(d: dict[str, Any]) -> str:
            assert resident is not None
            case, created = case_services.case_open(
                actor=actor, resident=resident, origin=d["origin"], note=d["note"]
            )
            if created:
                messages.success(request, _("Case #%(id)s opened.") % {"id": case.pk})
            else:
                messages.info(
                    request,
                    _("This person already had an open case: joined the open case #%(id)s.")
                    % {"id": case.pk},
                )
            return reverse("triage:case", args=[case.pk])

        done = run_once(request, form, handle, "")
        if done:
            return done
    else:
        form.initial.update({"once": once_token(), "origin": Origin.CALL})
    context = {
        "q": q,
        "found": found,
        "resident": resident,
        "open_case": selectors.open_case_for(actor, resident.pk) if resident else None,
        "form": form,
    }
    return render(request, "triage/case_open.html", context, status=400 if form.errors else 200)


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


CASE_ACTIONS = ("assess", "dispose", "transport", "contact")


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.access_case(actor, case_id)
    is_open = case.status == CaseStatus.OPEN
    may_assess = is_open and decisions.may_assess(actor)
    may_dispose = is_open and decisions.may_dispose(actor)
    may_contact = is_open and may(actor, CONTACT_ROLES)
    sites = (
        selectors.sites_with_room(actor, SiteKind.HOSPITAL)
        + selectors.sites_with_room(actor, SiteKind.ISOLATION)
        if may_dispose and case.category
        else []
    )
    forms: dict[str, Any] = {
        "assess": _assess_form(case, None) if may_assess else None,
        "dispose": _dispose_form(case, None, sites) if may_dispose and case.category else None,
        "transport": _transport_form(None) if may_dispose else None,
        "contact": _contact_form(None) if may_contact else None,
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CASE_ACTIONS or forms.get(action) is None:
            raise NotAllowed(_("Your role may not do this to a case."))
        done = _case_post(request, actor, case, action, forms, sites)
        if done:
            return done
    contact_q = _search(request, "contact_q") if may_contact and not _posted(forms) else ""
    contact_found = (
        list(
            resident_list(actor, q=contact_q, status=LIVING)
            .exclude(pk=case.resident_id)
            .select_related("building", "household")[:10]
        )
        if contact_q
        else []
    )
    if may_contact and request.method == "POST" and request.POST.get("action") == "contact":
        contact_found = _chosen_contact(actor, request)
    today = timezone.localdate()
    follow_ups = list(selectors.case_follow_ups(case))
    named = names_person(actor, case)
    context = {
        "case": case,
        "name": case.resident.person.name if named else mask_name(case.resident.person.name),
        # The phone in full only through the registry's recorded reveal (linked on the page).
        "phone": mask_phone(case.resident.person.phone),
        "named": named,
        "crumbs": place_breadcrumbs(actor, case.building, include_self=True),
        "symptoms": symptom_labels(case.symptoms),
        "contacts": [
            (c, _shown_name(actor, c, c.resident.person.name))
            for c in selectors.case_contacts(actor, case)
        ],
        "reports": list(selectors.case_reports(actor, case)),
        "timeline": timeline_rows(list(selectors.case_timeline(actor, case))),
        "grid": follow_up_grid(case, follow_ups, today),
        "today": today,
        "forms": forms,
        "contact_q": contact_q,
        "contact_found": contact_found,
        "waited": waited(case.triage_due_since, timezone.now()),
        "bed_waited": waited(case.bed_wanted_since, timezone.now()),
        "untriaged_note": may_dispose and not case.category,
    }
    status = 400 if any(f is not None and f.is_bound and f.errors for f in forms.values()) else 200
    return render(request, "triage/case_detail.html", context, status=status)


def _posted(forms: dict[str, Any]) -> bool:
    return any(f is not None and f.is_bound for f in forms.values())


def _chosen_contact(actor: Actor, request: HttpRequest) -> list[Any]:
    """The person chosen in a contact form that came back with an error, to keep them chosen."""
    resident_id = _int(request.POST.get("resident"))
    if resident_id is None:
        return []
    try:
        return [access_resident(actor, resident_id)]
    except Http404:
        return []


def _choice_field(form: Any, name: str) -> ChoiceField:
    field = form.fields[name]
    assert isinstance(field, ChoiceField)
    return field


def _assess_form(case: TriageCase, data: Any) -> AssessForm:
    form = AssessForm(
        data, initial={"once": once_token(), "category": case.category}, auto_id="assess_%s"
    )
    allowed = CATEGORY_NEXT[case.category] | ({case.category} if case.category else set())
    _choice_field(form, "category").choices = [
        ("", _("Choose…")),
        *[(value, label) for value, label in Category.choices if value in allowed],
    ]
    return form


def _dispose_form(case: TriageCase, data: Any, sites: list[Any]) -> DispositionForm:
    form = DispositionForm(data, sites=sites, initial={"once": once_token()}, auto_id="dispose_%s")
    allowed = DISPOSITIONS_FOR[case.category] - {case.disposition}
    _choice_field(form, "disposition").choices = [
        ("", _("Choose…")),
        *[(value, label) for value, label in Disposition.choices if value in allowed],
    ]
    return form


def _transport_form(data: Any) -> TransportForm:
    return TransportForm(data, initial={"once": once_token()}, auto_id="transport_%s")


def _contact_form(data: Any) -> ContactForm:
    return ContactForm(data, initial={"once": once_token()}, auto_id="contact_%s")


def _case_post(
    request: HttpRequest,
    actor: Actor,
    case: TriageCase,
    action: str,
    forms: dict[str, Any],
    sites: list[Any],
) -> HttpResponse | None:
    url = reverse("triage:case", args=[case.pk])
    post = request.POST
    if action == "assess":
        form: Any = _assess_form(case, post)

        def handle(d: dict[str, Any]) -> str:
            decisions.case_assess(
                actor=actor,
                case=case,
                category=d["category"],
                temperature=d["temperature"] or None,
                symptoms=symptom_bits(d["symptoms"]),
                test_result=d["test_result"],
                notes=d["notes"],
                reason=d["reason"],
            )
            return url

        message = _("Assessment saved.")
    elif action == "dispose":
        form = _dispose_form(case, post, sites)

        def handle(d: dict[str, Any]) -> str:
            decisions.case_disposition_set(
                actor=actor,
                case=case,
                disposition=d["disposition"],
                reason=d["reason"],
                site=form.chosen_site(),
            )
            return url

        message = _("Disposition saved.")
    elif action == "transport":
        form = _transport_form(post)

        def handle(d: dict[str, Any]) -> str:
            decisions.transport_set(
                actor=actor, case=case, transport=d["transport"], note=d["note"]
            )
            return url

        message = _("Transport saved.")
    else:
        form = _contact_form(post)

        def handle(d: dict[str, Any]) -> str:
            try:
                resident = access_resident(actor, d["resident"])
            except Http404:
                raise field_error(
                    "resident", _("Choose the person from the search results."), "invalid"
                ) from None
            contact = contact_services.contact_link(
                actor=actor,
                index_case=case,
                resident=resident,
                last_contact_on=d["last_contact_on"],
                note=d["note"],
            )
            messages.success(request, _("Close contact linked: case #%(id)s.") % {"id": contact.pk})
            return url

        message = ""
    done = run_once(request, form, handle, message)
    forms[action] = form
    return done


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


def _follow_up_row(
    actor: Actor, f: FollowUp, now: datetime.datetime, next_url: str = ""
) -> FollowUpRow:
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


FOLLOW_UP_TABS = ("today", "overdue")


def follow_up_list(request: HttpRequest) -> HttpResponse:
    """The grid worker's list: today's follow-ups of their area and the overdue ones (the
    health centre sees those overdue at its level), each with a quick record form."""
    actor = actor_of(request)
    _require_case_role(actor)
    centre = selectors.is_health_centre(actor) and not actor.has_role(Role.GRID_WORKER)
    level = FollowUpLevel.HEALTH_CENTRE if centre else FollowUpLevel.GRID_WORKER
    tab = request.GET.get("tab", "overdue" if centre else "today")
    if tab not in FOLLOW_UP_TABS:
        tab = "today"
    now = timezone.now()
    # The room is shown to knock at the door (the selectors join the building only).
    today_rows = selectors.follow_ups_today(actor).select_related("case__household")
    overdue = selectors.follow_ups_overdue(actor, level=level).select_related("case__household")
    counts = {
        "today": today_rows.filter(status=FollowUpStatus.DUE).count(),
        "overdue": overdue.count(),
    }
    page = paginate(request, today_rows if tab == "today" else overdue)
    next_url = request.get_full_path()
    rows = [_follow_up_row(actor, f, now, next_url) for f in page.object_list]
    phones = [r for r in rows if r.phone]
    if phones:
        _record_call_list(actor, len(phones))
    context = {
        "tab": tab,
        "tabs": [
            ("today", _("Today"), counts["today"]),
            ("overdue", _("Overdue"), counts["overdue"]),
        ],
        "page": page,
        "rows": rows,
        "centre": centre,
        "today": timezone.localdate(),
    }
    return render(request, "triage/follow_ups.html", context)


def _record_call_list(actor: Actor, people: int) -> None:
    """The list carries phone numbers to call: who opened it is recorded (never the numbers)."""
    grants = actor.place_grants(Role.GRID_WORKER, Role.HEALTH_WORKER)
    audit_record(
        actor=actor,
        action="view_follow_up_list",
        target_type="place",
        target_id=grants[0].place_id if grants else "",
        place_path=grants[0].place_path if grants else "",
        detail={"residents": people},
    )


def follow_up_detail(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    """One follow-up: record it (the quick forms of the list post here; errors show here)."""
    actor = actor_of(request)
    f = selectors.access_follow_up(actor, follow_up_id)
    now = timezone.now()
    row = _follow_up_row(actor, f, now, _back(request, ""))
    form = FollowUpForm(request.POST) if request.method == "POST" else row.form
    if request.method == "POST":
        assert form is not None
        back = _back(request, reverse("triage:follow_ups"))

        def handle(d: dict[str, Any]) -> str:
            follow_up_services.follow_up_record(
                actor=actor,
                follow_up=f,
                temperature=d["temperature"],
                symptoms=symptom_bits(d["symptoms"]),
                note=d["note"],
            )
            return back

        done = run_once(request, form, handle, _("Follow-up recorded."))
        if done:
            return done
    row.form = form
    context = {
        "row": row,
        "f": f,
        "case": f.case,
        "symptoms": symptom_labels(f.symptoms),
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "triage/follow_up.html", context, status=status)
