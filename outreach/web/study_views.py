"""The study pages (主题党日, M3), phone first: the list of programmes with one's own progress, a
programme's materials, a material to read and mark studied with a reflection, the completion
table with drill-down and reminders, a branch's discussion, and a new programme for an
organisation department. Views parse, call selectors and one service, and render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from outreach import study
from outreach import study_selectors as sel
from outreach.study_seed import seed_materials_add
from outreach.web.study_forms import (
    PostForm,
    ProgrammeForm,
    ReflectionForm,
    RemindForm,
    StudiedForm,
)
from places.selectors import access_place


def _org_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("org", "")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def study_list(request: HttpRequest) -> HttpResponse:
    """/study/: programmes the actor takes part in or oversees, with their own progress."""
    actor = actor_of(request)
    q = search_term(request)
    page = paginate(request, sel.programme_list(actor, q))
    progress = sel.own_progress_many(actor, list(page.object_list))
    member = sel.own_member(actor)
    rows = [
        {
            "p": p,
            "progress": progress[p.pk],
            "open": sel.in_window(p),
            "member": member is not None and sel.takes_part(p, member.org),
        }
        for p in page.object_list
    ]
    context = {
        "q": q,
        "page": page,
        "rows": rows,
        "reminders": sel.my_reminders(actor),
        "may_publish": bool(sel.publish_places(actor)),
    }
    return render(request, "outreach/study_list.html", context)


def programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    """/study/<id>/: the materials with ✓ for those studied and the progress bar."""
    actor = actor_of(request)
    p = sel.access_programme(actor, programme_id)
    member = sel.takes_part_member(actor, p)
    context = {
        "p": p,
        "materials": sel.programme_materials(actor, p),
        "progress": sel.own_progress(actor, p),
        "member": member,
        "open": sel.in_window(p),
        "may_completion": sel.reads_completion(actor),
        "may_discuss": member is not None,
        "may_add": sel.publishes_at(actor, p.place),
    }
    return render(request, "outreach/study_programme.html", context)


def material(request: HttpRequest, material_id: int) -> HttpResponse:
    """/study/materials/<id>/: the text, "mark studied" and the member's reflection."""
    actor = actor_of(request)
    m = sel.access_material(actor, material_id)
    p = m.programme
    member = sel.takes_part_member(actor, p)
    record = sel.own_record(actor, m)
    form = ReflectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("action") == "study":
            studied = StudiedForm(request.POST)

            def mark(d: dict[str, Any]) -> str:
                study.material_study(actor=actor, material=m)
                return request.path

            done = run_once(request, studied, mark, _("Marked as studied."))
            if done:
                return done
            for e in studied.non_field_errors():
                messages.error(request, str(e))
            return redirect(request.path)

        def reflect(d: dict[str, Any]) -> str:
            study.reflection_write(actor=actor, material=m, text=d["reflection"])
            return request.path

        done = run_once(request, form, reflect, _("Your reflection is saved."))
        if done:
            return done
    else:
        form.initial = {"once": once_token(), "reflection": record.reflection if record else ""}
    siblings = sel.programme_materials(actor, p)
    ids = [x.pk for x in siblings]
    at = ids.index(m.pk) if m.pk in ids else -1
    context = {
        "m": m,
        "p": p,
        "member": member,
        "record": record,
        "form": form,
        "once": once_token(),
        "open": sel.in_window(p),
        "progress": sel.own_progress(actor, p),
        "next": siblings[at + 1] if 0 <= at < len(siblings) - 1 else None,
        "previous": siblings[at - 1] if at > 0 else None,
    }
    return render(
        request, "outreach/study_material.html", context, status=400 if form.errors else 200
    )


def completion(request: HttpRequest, programme_id: int) -> HttpResponse:
    """/study/<id>/completion/?org=: members / started / completed / not started per child
    organisation (per area and unit at the top), and who has not started."""
    actor = actor_of(request)
    p = sel.access_programme(actor, programme_id)
    if not sel.reads_completion(actor):
        raise NotAllowed(_("Only the offices and unit admins over the members see completion."))
    org = sel.access_completion_org(actor, p, _org_param(request))
    c = sel.completion(actor, p, org)
    q = search_term(request)
    waiting = paginate(request, sel.not_started(actor, p, org, q))
    org_rows = sel.orgs_by_ids(actor, [r.org_id for r in c.rows if r.org_id])
    remindable = {o.pk for o in org_rows if sel.oversees_org(actor, o)}
    context = {
        "p": p,
        "c": c,
        "org": org,
        "q": q,
        "waiting": waiting,
        "remindable": remindable,
        "may_remind_here": org is not None and sel.oversees_org(actor, org),
        "once": once_token(),
        "reminders": sel.reminders_for(actor, p, org)[:5] if org is not None else [],
    }
    return render(request, "outreach/study_completion.html", context)


@require_POST
def remind(request: HttpRequest, programme_id: int) -> HttpResponse:
    """POST /study/<id>/remind/ (org in the form): remind those under it who have not started."""
    actor = actor_of(request)
    p = sel.access_programme(actor, programme_id)
    form = RemindForm(request.POST)
    back = reverse("party:completion", kwargs={"programme_id": p.pk})
    if not form.is_valid():
        messages.error(request, _("Choose an organisation to remind."))
        return redirect(back)
    org = sel.access_completion_org(actor, p, form.cleaned_data["org"])
    assert org is not None
    back += "?" + urlencode({"org": org.pk})

    def action(d: dict[str, Any]) -> str:
        r = study.reminder_send(actor=actor, programme=p, org=org)
        messages.success(request, _("%(n)s members were reminded.") % {"n": r.recipients})
        return back

    done = run_once(request, form, action, "")
    if done:
        return done
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))
    return redirect(back)


def discussion(request: HttpRequest, programme_id: int) -> HttpResponse:
    """/study/<id>/discussion/?org=: the organisation's thread (by default the member's own)."""
    actor = actor_of(request)
    p = sel.access_programme(actor, programme_id)
    org = sel.access_thread(actor, p, _org_param(request))
    form = PostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            study.discussion_post(actor=actor, programme=p, org=org, body=d["body"])
            return request.get_full_path()

        done = run_once(request, form, action, _("Posted."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    posts = paginate(request, sel.thread_posts(actor, p, org))
    context = {"p": p, "org": org, "page": posts, "form": form}
    return render(
        request, "outreach/study_discussion.html", context, status=400 if form.errors else 200
    )


def programme_new(request: HttpRequest) -> HttpResponse:
    """/study/new/: an organisation department publishes a programme."""
    actor = actor_of(request)
    places = sel.publish_places(actor)
    if not places:
        raise NotAllowed(_("Only the organisation department of a city or district publishes."))
    form = ProgrammeForm(request.POST if request.method == "POST" else None)
    form.fields["place"].choices = [(pl.pk, pl.name) for pl in places]  # type: ignore[attr-defined]
    form.fields["orgs"].choices = sel.publish_org_choices(actor)  # type: ignore[attr-defined]
    if request.method == "POST":

        @transaction.atomic
        def action(d: dict[str, Any]) -> str:
            place = access_place(actor, d["place"])
            p = study.programme_publish(
                actor=actor,
                place=place,
                title=d["title"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                orgs=sel.orgs_by_ids(actor, d["orgs"]),
            )
            if d["material_title"] or d["material_body"]:
                study.material_add(
                    actor=actor,
                    programme=p,
                    title=d["material_title"],
                    body=d["material_body"],
                    source=d["material_source"],
                )
            if d["from_seed"]:
                seed_materials_add(actor=actor, programme=p)
            if not p.materials.exists():
                raise ValidationError(
                    {"material_title": [_("Add the seed's materials or one material.")]}
                )
            return reverse("party:programme", kwargs={"programme_id": p.pk})

        done = run_once(request, form, action, _("The programme is published."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    return render(
        request, "outreach/study_new.html", {"form": form}, status=400 if form.errors else 200
    )
