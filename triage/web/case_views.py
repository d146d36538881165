"""The triage case pages: the health centre's queue, the case list, opening a case, the case
itself (assessment, disposition, transport, close contacts, follow-ups, timeline) and the grid
worker's follow-up list. Each view parses, calls the selectors and one service, and renders;
who may do what is decided in triage/ (the services check the policies). Reads are in
triage/selectors.py, what the templates show is shaped in triage/web/presenters.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.actor import Actor
from core.audit import audit_record
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.forms import run_once
from core.http import actor_of
from core.masking import mask_name, mask_phone
from core.once import once_token
from core.pagination import paginate, search_term
from core.roles import Role
from core.time_format import waited
from core.validators import normalize_text
from health.rules import symptom_bits, symptom_labels
from people.models import Resident
from people.selectors import access_resident
from places.selectors import place_breadcrumbs
from triage import cases as case_services
from triage import contacts as contact_services
from triage import decisions, selectors
from triage import follow_ups as follow_up_services
from triage import policies as triage_policies
from triage.models import (
    CaseStatus,
    Category,
    Disposition,
    FollowUpLevel,
    FollowUpStatus,
    Origin,
    Site,
    SiteKind,
    TriageCase,
)
from triage.policies import CONTACT_ROLES, OPEN_ROLES, check_sees_cases, may, names_person
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
from triage.web.presenters import (
    category_counts,
    communities,
    follow_up_grid,
    follow_up_row,
    queue_row,
    shown_name,
    timeline_rows,
)

# ---- small helpers ----------------------------------------------------------------------------


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


QUEUE_TABS = ("queue", "overdue", "release")


def queue(request: HttpRequest) -> HttpResponse:
    """/triage/: the health centre's queue. Other case staff are sent to the case list."""
    actor = actor_of(request)
    check_sees_cases(actor)
    if not (actor.is_superuser or selectors.is_health_centre(actor)):
        return redirect("triage:cases")
    q = search_term(request)
    served = communities(actor)
    community_id = _int(request.GET.get("community"))
    if community_id not in {pk for pk, _name in served}:
        community_id = None
    tab = request.GET.get("tab", "queue")
    if tab not in QUEUE_TABS:
        tab = "queue"
    now = timezone.now()
    waiting = selectors.triage_queue(actor, q=q, community_id=community_id).select_related("flag")
    overdue = selectors.follow_ups_overdue(
        actor, level=FollowUpLevel.HEALTH_CENTRE, q=q
    ).select_related("case__household")
    ended = selectors.release_check(actor)
    counts = {"queue": waiting.count(), "overdue": overdue.count(), "release": ended.count()}
    lists: dict[str, Any] = {"queue": waiting, "overdue": overdue, "release": ended}
    page = paginate(request, lists[tab])
    rows: list[Any] = list(page.object_list)
    if tab == "queue":
        rows = [queue_row(actor, c, now) for c in rows]
    elif tab == "overdue":
        rows = [follow_up_row(actor, f, now) for f in rows]
    else:
        rows = [(c, shown_name(actor, c, c.resident.person.name)) for c in rows]
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
        "communities": served if len(served) > 1 else [],
        "community_id": community_id,
        "today": timezone.localdate(),
    }
    return render(request, "triage/queue.html", context)


# ---- the case list ----------------------------------------------------------------------------


STATUS_FILTERS = [("open", CaseStatus.OPEN.label), ("closed", CaseStatus.CLOSED.label)]


def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    check_sees_cases(actor)
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
    by_category = selectors.case_category_counts(
        actor, q=q, status=shown_status, disposition=disposition, place_id=place_id
    )
    page = paginate(request, cases)
    rows = [(c, mask_name(c.resident.person.name)) for c in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "q": q,
        "status": status,
        "category": category,
        "disposition": disposition,
        "statuses": [*STATUS_FILTERS, ("all", _("All"))],
        "category_counts": category_counts(by_category),
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
    found = selectors.residents_to_open(actor, q=q) if q and not resident else []
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


@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page. Its forms post to one view each (case_assess, case_dispose, …)."""
    actor = actor_of(request)
    case = selectors.access_case(actor, case_id)
    return _case_page(request, actor, case)


def _allowed(actor: Actor, case: TriageCase) -> set[str]:
    """The case forms the actor is offered (the services check the policies again)."""
    if case.status != CaseStatus.OPEN:
        return set()
    allowed = set()
    if triage_policies.may_assess(actor):
        allowed.add("assess")
    if triage_policies.may_dispose(actor):
        allowed.add("transport")
        if case.category:  # the health centre triages first
            allowed.add("dispose")
    if may(actor, CONTACT_ROLES):
        allowed.add("contact")
    return allowed


def _sites(actor: Actor, allowed: set[str]) -> list[Site]:
    """The sites with a free bed, offered by the disposition form only."""
    if "dispose" not in allowed:
        return []
    return selectors.sites_with_room(actor, SiteKind.HOSPITAL) + selectors.sites_with_room(
        actor, SiteKind.ISOLATION
    )


def _case_to_change(
    request: HttpRequest, case_id: int, action: str
) -> tuple[Actor, TriageCase, set[str]]:
    """The case a form posts to, refused unless the actor is offered that form."""
    actor = actor_of(request)
    case = selectors.access_case(actor, case_id)
    allowed = _allowed(actor, case)
    if action not in allowed:
        raise NotAllowed(_("Your role may not do this to a case."))
    return actor, case, allowed


def _case_page(
    request: HttpRequest,
    actor: Actor,
    case: TriageCase,
    *,
    sites: list[Site] | None = None,
    posted: tuple[str, Any] | None = None,
) -> HttpResponse:
    """The case with the forms the actor is offered; `posted` is the form sent back with its
    errors (then the page is a 400 and the contact search is not repeated)."""
    allowed = _allowed(actor, case)
    if sites is None:
        sites = _sites(actor, allowed)
    forms: dict[str, Any] = {
        "assess": _assess_form(case, None) if "assess" in allowed else None,
        "dispose": _dispose_form(case, None, sites) if "dispose" in allowed else None,
        "transport": _transport_form(None) if "transport" in allowed else None,
        "contact": _contact_form(None) if "contact" in allowed else None,
    }
    contact_q = ""
    contact_found: list[Resident] = []
    if posted is not None:
        action, form = posted
        forms[action] = form
        if action == "contact":
            contact_found = _chosen_contact(actor, request)
    elif "contact" in allowed:
        contact_q = _search(request, "contact_q")
        if contact_q:
            contact_found = selectors.contact_candidates(actor, case, q=contact_q)
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
            (c, shown_name(actor, c, c.resident.person.name))
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
        "untriaged_note": "transport" in allowed and not case.category,
    }
    status = 400 if any(f is not None and f.is_bound and f.errors for f in forms.values()) else 200
    return render(request, "triage/case_detail.html", context, status=status)


def _chosen_contact(actor: Actor, request: HttpRequest) -> list[Resident]:
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


def _dispose_form(case: TriageCase, data: Any, sites: list[Site]) -> DispositionForm:
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


@require_POST
def case_assess(request: HttpRequest, case_id: int) -> HttpResponse:
    actor, case, _allowed_forms = _case_to_change(request, case_id, "assess")
    form = _assess_form(case, request.POST)
    url = reverse("triage:case", args=[case.pk])

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

    done = run_once(request, form, handle, _("Assessment saved."))
    return done or _case_page(request, actor, case, posted=("assess", form))


@require_POST
def case_dispose(request: HttpRequest, case_id: int) -> HttpResponse:
    actor, case, allowed = _case_to_change(request, case_id, "dispose")
    sites = _sites(actor, allowed)
    form = _dispose_form(case, request.POST, sites)
    url = reverse("triage:case", args=[case.pk])

    def handle(d: dict[str, Any]) -> str:
        decisions.case_disposition_set(
            actor=actor,
            case=case,
            disposition=d["disposition"],
            reason=d["reason"],
            site=form.chosen_site(),
        )
        return url

    done = run_once(request, form, handle, _("Disposition saved."))
    return done or _case_page(request, actor, case, sites=sites, posted=("dispose", form))


@require_POST
def case_transport(request: HttpRequest, case_id: int) -> HttpResponse:
    actor, case, _allowed_forms = _case_to_change(request, case_id, "transport")
    form = _transport_form(request.POST)
    url = reverse("triage:case", args=[case.pk])

    def handle(d: dict[str, Any]) -> str:
        decisions.transport_set(actor=actor, case=case, transport=d["transport"], note=d["note"])
        return url

    done = run_once(request, form, handle, _("Transport saved."))
    return done or _case_page(request, actor, case, posted=("transport", form))


@require_POST
def case_contact(request: HttpRequest, case_id: int) -> HttpResponse:
    actor, case, _allowed_forms = _case_to_change(request, case_id, "contact")
    form = _contact_form(request.POST)
    url = reverse("triage:case", args=[case.pk])

    def handle(d: dict[str, Any]) -> str:
        try:
            resident = access_resident(actor, d["resident"])
        except Http404:
            raise field_error(
                "resident", _("Choose the person from the search results."), CoreError.INVALID
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

    done = run_once(request, form, handle, "")
    return done or _case_page(request, actor, case, posted=("contact", form))


# ---- follow-ups -------------------------------------------------------------------------------


FOLLOW_UP_TABS = ("today", "overdue")


def follow_up_list(request: HttpRequest) -> HttpResponse:
    """The grid worker's list: today's follow-ups of their area and the overdue ones (the
    health centre sees those overdue at its level), each with a quick record form."""
    actor = actor_of(request)
    check_sees_cases(actor)
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
    rows = [follow_up_row(actor, f, now, next_url) for f in page.object_list]
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
    row = follow_up_row(actor, f, now, _back(request, ""))
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
