"""The protection guide (公众防护指南, M19): public pages readable on a phone without logging in,
in Chinese or English by the active language; the city's admins add and edit its items."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from notices import guide_selectors as selectors
from notices.guide import guide_cities, guide_item_save
from notices.models import GuideItem, GuideTopic
from notices.policies import may_edit_guide_item
from notices.web.guide_forms import GuideItemForm
from places.models import Place


def english() -> bool:
    return not (get_language() or "zh-hans").startswith("zh")


def shown(item: GuideItem) -> dict[str, Any]:
    """The item in the active language."""
    en = english()
    return {
        "item": item,
        "title": item.title_en if en else item.title_zh,
        "body": item.body_en if en else item.body_zh,
        "topic": item.get_topic_display(),  # type: ignore[attr-defined]
    }


def _may_add(actor: Actor) -> bool:
    return actor.is_authenticated and (actor.is_superuser or bool(guide_cities(actor)))


@login_not_required
def guide_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = search_term(request)
    topic = request.GET.get("topic", "")
    topic = topic if topic in GuideTopic.values else ""
    page = paginate(request, selectors.guide_items(actor, q=q, topic=topic), per_page=30)
    context = {
        "q": q,
        "topic": topic,
        "topics": GuideTopic.choices,
        "page": page,
        "items": [shown(i) for i in page.object_list],
        "may_add": _may_add(actor),
    }
    return render(request, "notices/guide_list.html", context)


@login_not_required
def guide_item(request: HttpRequest, guide_item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.access_guide_item(actor, guide_item_id)
    context = {
        **shown(item),
        "may_edit": actor.is_authenticated and may_edit_guide_item(actor, item),
    }
    return render(request, "notices/guide_item.html", context)


def _save_form(
    request: HttpRequest, actor: Actor, item: GuideItem | None, city: Place | None
) -> HttpResponse:
    form = GuideItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":

        def save(d: dict[str, Any]) -> str:
            saved = guide_item_save(
                actor=actor,
                item=item,
                city=city,
                topic=d["topic"],
                title_zh=d["title_zh"],
                body_zh=d["body_zh"],
                title_en=d["title_en"],
                body_en=d["body_en"],
                source=d["source"],
                position=d["position"],
                published=d["published"],
            )
            return reverse("notices:guide_item", args=[saved.pk])

        done = run_once(request, form, save, _("Guide item saved."))
        if done:
            return done
    elif item is not None:
        form.initial.update(
            once=once_token(),
            topic=item.topic,
            position=item.position,
            title_zh=item.title_zh,
            body_zh=item.body_zh,
            title_en=item.title_en,
            body_en=item.body_en,
            source=item.source,
            published=item.published,
        )
    else:
        form.initial.update(once=once_token(), published=True)
    context = {"form": form, "item": item}
    return render(request, "notices/guide_form.html", context, status=400 if form.errors else 200)


def guide_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    city = selectors.guide_city(actor)
    if city is None:
        raise NotAllowed(_("Only the city's admins edit the guide."))
    return _save_form(request, actor, None, city)


def guide_edit(request: HttpRequest, guide_item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.access_guide_item(actor, guide_item_id)
    if not may_edit_guide_item(actor, item):
        raise NotAllowed(_("Only the city's admins edit the guide."))
    return _save_form(request, actor, item, None)
