"""The recognition pages (M17): search people, a person's frontline record with forms to add
entries, nominations, accountability and activist records; commendation decisions (list, new,
detail with "publish as notice"); a nomination (decide); an accountability record; activists by
organisation. Views parse, call the selectors and one service, and render; the services check
who may do what; what the actor may not see is 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from outreach import policies as outreach_policies
from outreach import recognition as services
from outreach import recognition_selectors as sel
from outreach.frontline import frontline_record
from outreach.models import NominationStatus
from outreach.web.recognition_forms import (
    AccountabilityForm,
    ActivistForm,
    CommendationForm,
    ConfirmForm,
    DecideForm,
    EntryForm,
    NewActivistForm,
    NominationForm,
)


def _require_reader(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not sel.reads_recognition(actor):
        raise NotAllowed(_("Only organisation departments and party organisations read this."))
    return actor


def recognition_home(request: HttpRequest) -> HttpResponse:
    """/recognition/: search people by name; recent entries and nominations; counts."""
    actor = _require_reader(request)
    q = search_term(request)
    page = paginate(request, sel.people_search(actor, q), per_page=30)
    people = list(page.object_list)
    orgs = sel.people_orgs(people)
    context = {
        "q": q,
        "page": page,
        "rows": [(p, orgs.get(p.pk, "")) for p in people],
        "counts": sel.recognition_counts(actor),
        "entries": sel.recent_entries(actor, 8),
        "nominations": sel.recent_nominations(actor, 8),
        "is_department": sel.is_org_department(actor),
    }
    return render(request, "outreach/recognition_home.html", context)


FORMS = {
    "entry": EntryForm,
    "nominate": NominationForm,
    "accountability": AccountabilityForm,
    "activist": ActivistForm,
}


def _number(value: int | Decimal) -> str:
    """4.50 → "4.5", 3.00 → "3"."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def frontline(request: HttpRequest, person_id: int) -> HttpResponse:
    """/recognition/people/<person_id>/: the frontline record and the forms to add to it."""
    actor = actor_of(request)
    person = sel.access_person(actor, person_id)
    member = sel.membership_of(actor, person)
    orgs = list(outreach_policies.actor_orgs(actor).values_list("pk", "name")[:300])
    may_add = bool(orgs)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms: dict[str, Any] = {}
    for name, cls in FORMS.items():
        form = cls(request.POST if action == name else None)
        form.fields["org"].choices = [  # type: ignore[attr-defined]
            ("", _("The person's own organisation")),
            *orgs,
        ]
        if member is None:
            form.fields["org"].choices = orgs  # type: ignore[attr-defined]
        if not form.is_bound:
            form.initial["once"] = once_token()
            if member is not None and any(pk == member.org_id for pk, _n in orgs):
                form.initial["org"] = member.org_id
        forms[name] = form
    here = reverse("party:frontline", args=[person.pk])
    if action:
        if action not in FORMS or not may_add:
            raise NotAllowed(_("You may not add to this record."))
        form = forms[action]
        org_of = {pk: pk for pk, _n in orgs}

        def org_obj(d: dict[str, Any]) -> Any:
            pk = d.get("org")
            if pk is None:
                return None
            found = outreach_policies.actor_orgs(actor).filter(pk=org_of.get(pk, 0)).first()
            if found is None:
                raise ValidationError({"org": [_("Choose an organisation you record for.")]})
            return found

        def add(d: dict[str, Any]) -> str:
            org = org_obj(d)
            if action == "entry":
                services.frontline_entry_add(
                    actor=actor,
                    person=person,
                    org=org,
                    happened_on=d["happened_on"],
                    text=d["text"],
                )
            elif action == "nominate":
                n = services.nominate(
                    actor=actor, person=person, org=org, title=d["title"], deeds=d["deeds"]
                )
                return reverse("party:nomination", args=[n.pk])
            elif action == "accountability":
                a = services.accountability_record(
                    actor=actor,
                    person=person,
                    org=org,
                    finding=d["finding"],
                    decision=d["decision"],
                    authority=d["authority"],
                    decided_on=d["decided_on"],
                )
                return reverse("party:accountability", args=[a.pk])
            else:
                services.activist_record(
                    actor=actor,
                    person=person,
                    org=org,
                    found_where=d["found_where"],
                    found_on=d["found_on"],
                    note=d["note"],
                )
            return here + "#timeline"

        done = run_once(request, form, add, _("Saved."))
        if done:
            return done
    record = frontline_record(actor=actor, person=person)
    figures = record.figures()
    top = max([1, *[int(v) for v in figures.values()]])
    bars = [
        (key, label, _number(value), int(100 * min(float(value), top) / top))
        for key, label, value in (
            ("deployment_days", _("Days deployed"), figures["deployment_days"]),
            ("hours", _("Hours served"), figures["hours"]),
            ("care_contacts", _("Care contacts"), figures["care_contacts"]),
            ("requests_done", _("Requests done"), figures["requests_done"]),
            ("shifts_worked", _("Duty shifts worked"), figures["shifts_worked"]),
        )
    ]
    timeline = sorted(
        [("entry", e.happened_on, e) for e in record.entries]
        + [("nomination", timezone.localdate(n.recorded_at), n) for n in record.nominations]
        + [("accountability", a.decided_on, a) for a in record.accountability]
        + [("activist", a.found_on, a) for a in record.activist],
        key=lambda t: t[1],
        reverse=True,
    )
    context = {
        "person": person,
        "member": member,
        "record": record,
        "bars": bars,
        "timeline": timeline,
        "forms": forms,
        "may_add": may_add,
        "open_form": action,
        "activity_hours": _number(record.activity_hours),
        "shift_hours": _number(record.shift_hours),
    }
    status = 400 if action and forms[action].errors else 200
    return render(request, "outreach/recognition_frontline.html", context, status=status)


def commendations(request: HttpRequest) -> HttpResponse:
    actor = _require_reader(request)
    q = search_term(request)
    page = paginate(request, sel.commendation_list(actor, q), per_page=30)
    context = {
        "q": q,
        "page": page,
        "may_new": bool(sel.department_places(actor)),
    }
    return render(request, "outreach/recognition_commendations.html", context)


def commendation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    places = sel.department_places(actor)
    if not places:
        raise NotAllowed(_("Only the organisation department records commendations."))
    form = CommendationForm(request.POST if request.method == "POST" else None)
    form.fields["place"].choices = [(p.pk, p.name) for p in places]  # type: ignore[attr-defined]
    open_rows = list(sel.open_nominations(actor)[:300])
    choices = [(n.pk, f"{n.person.name} · {n.title} · {n.org.name}") for n in open_rows]
    form.fields["nominations"].choices = choices  # type: ignore[attr-defined]
    form.fields["not_adopted"].choices = choices  # type: ignore[attr-defined]
    by_pk = {n.pk: n for n in open_rows}
    if request.method == "POST":

        def create(d: dict[str, Any]) -> str:
            place = next((p for p in places if p.pk == d["place"]), None)
            c = services.commendation_record(
                actor=actor,
                place=place,
                title=d["title"],
                decision_text=d["decision_text"],
                authority=d["authority"],
                decided_on=d["decided_on"],
                nominations=[by_pk[i] for i in d["nominations"] if i in by_pk],
                not_adopted=[by_pk[i] for i in d["not_adopted"] if i in by_pk],
            )
            return reverse("party:commendation", args=[c.pk])

        done = run_once(request, form, create, _("Commendation recorded."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
        wanted = request.GET.get("nomination", "")
        if wanted.isdigit() and int(wanted) in by_pk:
            form.initial["nominations"] = [int(wanted)]
            form.initial["title"] = by_pk[int(wanted)].title
    context = {"form": form, "has_open": bool(open_rows)}
    return render(
        request,
        "outreach/recognition_commendation_new.html",
        context,
        status=400 if form.errors else 200,
    )


def commendation_detail(request: HttpRequest, commendation_id: int) -> HttpResponse:
    actor = actor_of(request)
    c = sel.access_commendation(actor, commendation_id)
    here = reverse("party:commendation", args=[c.pk])
    if request.method == "POST":

        def publish(_d: dict[str, Any]) -> str:
            services.commendation_publish(actor=actor, commendation=c)
            return here

        form = ConfirmForm(request.POST)
        done = run_once(request, form, publish, _("Published as a notice."))
        if done:
            return done
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
        return redirect(here)
    nominees = list(sel.commendation_nominees(actor, c))
    context = {
        "c": c,
        "commended": [n for n in nominees if n.status == NominationStatus.COMMENDED],
        "not_adopted": [n for n in nominees if n.status == NominationStatus.NOT_ADOPTED],
        "once": once_token(),
        "may_publish": c.notice_id is None
        and c.place_id in {p.pk for p in sel.department_places(actor)},
        "notice_url": _notice_url(c.notice_id),
    }
    return render(request, "outreach/recognition_commendation.html", context)


def _notice_url(notice_id: int | None) -> str:
    """The published notice's page, when the notices pages are installed."""
    if notice_id is None:
        return ""
    try:
        return reverse("notices:notice", args=[notice_id])
    except NoReverseMatch:
        return ""


def nomination_detail(request: HttpRequest, nomination_id: int) -> HttpResponse:
    actor = actor_of(request)
    n = sel.access_nomination(actor, nomination_id)
    department = any(n.scope_path.startswith(p.path) for p in sel.department_places(actor))
    may_decide = n.status == NominationStatus.PROPOSED and department
    form = None
    decisions = []
    if may_decide:
        decisions = list(sel.decisions_over(actor, n.scope_path)[:100])
        form = DecideForm(request.POST if request.method == "POST" else None)
        form.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (NominationStatus.COMMENDED.value, _("Commended")),
            (NominationStatus.NOT_ADOPTED.value, _("Not adopted")),
        ]
        form.fields["commendation"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(c.pk, f"{c.title} · {c.decided_on:%Y-%m-%d}") for c in decisions],
        ]
        if not form.is_bound:
            form.initial["once"] = once_token()
    if request.method == "POST":
        if form is None and department:
            # Sent again after it was decided (or decided by someone else meanwhile).
            messages.info(request, _("This nomination was already decided."))
            return redirect(reverse("party:nomination", args=[n.pk]))
        if form is None:
            raise NotAllowed(_("You may not decide this nomination."))
        by_pk = {c.pk: c for c in decisions}

        def decide(d: dict[str, Any]) -> str:
            services.nomination_decide(
                actor=actor,
                nomination=n,
                outcome=d["outcome"],
                commendation=by_pk.get(d["commendation"] or 0),
            )
            return reverse("party:nomination", args=[n.pk])

        done = run_once(request, form, decide, _("Nomination decided."))
        if done:
            return done
    context = {
        "n": n,
        "form": form,
        "may_commend": may_decide,
        "commendation_visible": n.commendation_id is not None
        and sel.commendation_list(actor).filter(pk=n.commendation_id).exists(),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "outreach/recognition_nomination.html", context, status=status)


def accountability_detail(request: HttpRequest, accountability_id: int) -> HttpResponse:
    actor = actor_of(request)
    a = sel.access_accountability(actor, accountability_id)
    return render(request, "outreach/recognition_accountability.html", {"a": a})


def activists(request: HttpRequest) -> HttpResponse:
    """/recognition/activists/: activists by organisation (search, filter); a form to record a
    new one found by name and ID number."""
    actor = _require_reader(request)
    q = search_term(request)
    org_id = request.GET.get("org", "")
    org = int(org_id) if org_id.isdigit() else None
    orgs = list(outreach_policies.actor_orgs(actor).values_list("pk", "name")[:300])
    form = NewActivistForm(request.POST if request.method == "POST" else None)
    form.fields["org"].choices = orgs  # type: ignore[attr-defined]
    form.fields["org"].required = True
    if request.method == "POST":
        if not orgs:
            raise NotAllowed(_("You may not add to this record."))

        def add(d: dict[str, Any]) -> str:
            person = sel.person_by_identity(d["id_number"], d["name"])
            if person is None:
                raise ValidationError(
                    {"id_number": [_("No one with this name and ID number in the registry.")]}
                )
            found = outreach_policies.actor_orgs(actor).filter(pk=d["org"]).first()
            if found is None:
                raise ValidationError({"org": [_("Choose an organisation you record for.")]})
            services.activist_record(
                actor=actor,
                person=person,
                org=found,
                found_where=d["found_where"],
                found_on=d["found_on"],
                note=d["note"],
            )
            return reverse("party:frontline", args=[person.pk])

        done = run_once(request, form, add, _("Saved."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    page = paginate(request, sel.activist_list(actor, q, org), per_page=50)
    context = {
        "q": q,
        "org": org,
        "orgs": sel.activist_orgs(actor),
        "page": page,
        "form": form if orgs else None,
    }
    status = 400 if form.errors else 200
    return render(request, "outreach/recognition_activists.html", context, status=status)
