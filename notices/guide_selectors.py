"""Reads of the protection guide: public, so an anonymous visitor reads the published items;
search in both languages, filter by topic."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from core.actor import Actor
from notices.models import GuideItem, GuideTopic
from places.models import Place


def _visible(actor: Actor) -> QuerySet[GuideItem]:
    if actor.is_authenticated:
        return GuideItem.objects.for_actor(actor)
    # The guide is public (GuideItemQuerySet): without a login, the published items.
    return GuideItem.objects.filter(published=True)


def guide_items(actor: Actor, *, q: str = "", topic: str = "") -> QuerySet[GuideItem]:
    rows = _visible(actor)
    if topic:
        rows = rows.filter(topic=topic)
    if q:
        rows = rows.filter(
            Q(title_zh__icontains=q)
            | Q(body_zh__icontains=q)
            | Q(title_en__icontains=q)
            | Q(body_en__icontains=q)
        )
    order = Case(
        *[When(topic=t, then=Value(i)) for i, t in enumerate(GuideTopic.values)],
        default=Value(99),
        output_field=IntegerField(),
    )
    return rows.annotate(topic_order=order).order_by("topic_order", "position", "pk")


def access_guide_item(actor: Actor, guide_item_id: int) -> GuideItem:
    row = _visible(actor).filter(pk=guide_item_id).first()
    if row is None:
        raise Http404
    return row


def guide_city(actor: Actor) -> Place | None:
    """The city whose guide the actor edits (their first city-admin grant), if any."""
    from notices.guide import guide_cities

    ids = guide_cities(actor)
    return Place.objects.filter(pk__in=ids).order_by("pk").first() if ids else None
