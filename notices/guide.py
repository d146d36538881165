"""Editing the protection guide (公众防护指南, M19): the city's admins write its items, in plain
Chinese with an English version."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from core.validators import normalize_line, normalize_paragraphs
from notices.models import GuideItem, GuideTopic
from notices.policies import may_edit_guide_item
from places.models import Place, PlaceKind

TITLE_MAX = 200
BODY_MAX = 10000
SOURCE_MAX = 200


def guide_cities(actor: Actor) -> list[int]:
    """The cities whose guide the actor edits: their city-admin grants."""
    return [
        g.place_id
        for g in actor.place_grants(Role.CITY_ADMIN)
        if g.place_id and g.scope_kind == PlaceKind.CITY
    ]


def _title(field: str, value: str) -> str:
    text = normalize_line(value or "")
    if not text:
        raise field_error(field, _("Enter a title."), CoreError.REQUIRED)
    if len(text) > TITLE_MAX:
        raise field_error(field, _("At most %(n)s characters.") % {"n": TITLE_MAX})
    return text


def _body(field: str, value: str) -> str:
    text = normalize_paragraphs(value)
    if not text:
        raise field_error(field, _("Enter the text."), CoreError.REQUIRED)
    if len(text) > BODY_MAX:
        raise field_error(field, _("At most %(n)s characters.") % {"n": BODY_MAX})
    return text


@transaction.atomic
def guide_item_save(
    *,
    actor: Actor,
    item: GuideItem | None,
    city: Place | None,
    topic: str,
    title_zh: str,
    body_zh: str,
    title_en: str,
    body_en: str,
    source: str,
    position: int = 0,
    published: bool = True,
) -> GuideItem:
    """Create (item None, for `city`) or update a guide item; every text in both languages."""
    if actor.user_id is None:
        raise NotAllowed(_("Only the city's admins edit the guide."))
    if item is None:
        if city is None or city.kind != PlaceKind.CITY:
            raise field_error("city", _("Choose the city."), CoreError.REQUIRED)
        if not (actor.is_superuser or city.pk in guide_cities(actor)):
            raise NotAllowed(_("Only the city's admins edit the guide."))
        item = GuideItem(city=city, city_path=city.path)
    elif not may_edit_guide_item(actor, item):
        raise NotAllowed(_("Only the city's admins edit the guide."))
    if topic not in GuideTopic.values:
        raise field_error("topic", _("Choose the topic."), CoreError.INVALID)
    item.topic = topic
    item.title_zh = _title("title_zh", title_zh)
    item.body_zh = _body("body_zh", body_zh)
    item.title_en = _title("title_en", title_en)
    item.body_en = _body("body_en", body_en)
    item.source = normalize_line(source or "")
    if not item.source:
        raise field_error("source", _("Say where the advice comes from."), CoreError.REQUIRED)
    if len(item.source) > SOURCE_MAX:
        raise field_error("source", _("At most %(n)s characters.") % {"n": SOURCE_MAX})
    if not isinstance(position, int) or not 0 <= position <= 999:
        raise field_error("position", _("Enter a whole number from 0 to 999."))
    item.position = position
    item.published = bool(published)
    item.updated_at = timezone.now()
    item.updated_by_id = actor.user_id
    item.save()
    return item
