"""The wellbeing pages (M13): the community's board of its workers (admin), the street's queue
of needs, a worker's own needs, filing one, and one need (the street answers, the worker
closes)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from mobilisation import wellbeing as services
from mobilisation import wellbeing_selectors as selectors
from mobilisation.crew import crew
from mobilisation.duty_querysets import worker_community_paths
from mobilisation.models import NeedKind
from mobilisation.policies import answers_in, managed_communities, may_close_need
from mobilisation.web.wellbeing_forms import AnswerForm, CloseForm, NeedForm
from places.selectors import access_place


def wellbeing(request: HttpRequest) -> HttpResponse:
    """/duty/wellbeing/: the admin's board, the street's queue and one's own needs, as held."""
    actor = actor_of(request)
    managed = managed_communities(actor)
    streets = selectors.answered_streets(actor)
    works = bool(worker_community_paths(actor))
    if not (managed or streets or works or actor.is_superuser):
        raise NotAllowed(_("This page is for community workers, their admin and the street."))
    q = search_term(request)
    context: dict[str, Any] = {"q": q, "board": None, "queue": None, "mine": None}
    if managed:
        raw = request.GET.get("community", "")
        community_id = int(raw) if raw.isdigit() and int(raw) in managed else managed[0]
        community = access_place(actor, community_id)
        rows = selectors.wellbeing_board(actor, community, q=q)
        context.update(
            board=rows,
            counts=selectors.board_counts(rows),
            community=community,
            communities=[access_place(actor, c) for c in managed] if len(managed) > 1 else [],
        )
    if streets or actor.is_superuser:
        kind = request.GET.get("kind", "")
        kind = kind if kind in NeedKind.values else ""
        page = paginate(request, selectors.street_queue(actor, q=q, kind=kind))
        now = timezone.now()
        context.update(
            queue=[(n, selectors.waiting(n, now)) for n in page.object_list],
            page=page,
            kind=kind,
            kinds=NeedKind.choices,
        )
    if works:
        context["mine"] = list(selectors.my_needs(actor)[:20])
    return render(request, "mobilisation/wellbeing_board.html", context)


def need_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    managed = managed_communities(actor)
    if not (worker_community_paths(actor) or managed):
        raise NotAllowed(_("Only the worker or their community's admin files a need."))
    form = NeedForm(request.POST if request.method == "POST" else None)
    people: dict[str, str] = {}
    for community_id in managed:
        for p in crew(access_place(actor, community_id)):
            people.setdefault(str(p.user_id), p.name)
    choices = [("", _("Myself"))]
    choices += [(k, v) for k, v in people.items() if k != str(actor.user_id)]
    form.fields["worker"].choices = choices  # type: ignore[attr-defined]
    if request.method == "POST":

        def file(d: dict[str, Any]) -> str:
            need = services.need_file(
                actor=actor, kind=d["kind"], details=d["details"], worker_id=d["worker"] or None
            )
            return reverse("duty:need", args=[need.pk])

        done = run_once(request, form, file, _("Sent to the street."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    context = {"form": form, "for_others": len(choices) > 1}
    return render(
        request, "mobilisation/need_new.html", context, status=400 if form.errors else 200
    )


def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    actor = actor_of(request)
    need = selectors.access_need(actor, need_id)
    open_ = need.status != "closed"
    may_answer = open_ and answers_in(actor, need.street_id)
    may_close = open_ and may_close_need(actor, need)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post is not None else ""
    answer_form = AnswerForm(post if action == "answer" else None) if may_answer else None
    close_form = CloseForm(post if action == "close" else None) if may_close else None
    if post is not None:
        if action == "answer" and answer_form is not None:

            def answer(d: dict[str, Any]) -> str:
                services.need_answer(actor=actor, need=need, answer=d["answer"])
                return reverse("duty:need", args=[need.pk])

            done = run_once(request, answer_form, answer, _("Answer sent."))
        elif action == "close" and close_form is not None:

            def close(d: dict[str, Any]) -> str:
                services.need_close(actor=actor, need=need)
                return reverse("duty:need", args=[need.pk])

            done = run_once(request, close_form, close, _("Need closed."))
        else:
            raise NotAllowed(_("You may not do this to this need."))
        if done:
            return done
    if answer_form is not None and not answer_form.is_bound:
        answer_form.initial.update(once=once_token(), answer=need.answer)
    if close_form is not None and not close_form.is_bound:
        close_form.initial["once"] = once_token()
    context = {
        "need": need,
        "waiting": selectors.waiting(need),
        "answer_form": answer_form,
        "close_form": close_form,
    }
    errors = answer_form is not None and answer_form.errors
    return render(request, "mobilisation/need_detail.html", context, status=400 if errors else 200)
