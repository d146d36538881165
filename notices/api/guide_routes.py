"""The protection guide API (M19): public, like the pages (no login needed); each item in
Chinese and English. Search `q` in both languages, filter by `topic`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from core.api import ErrorOut
from core.errors import field_error
from core.http import actor_of
from core.pagination import search_text
from notices.api.guide_schemas import GuideItemOut, GuidePageOut, GuideQuery
from notices.guide_selectors import access_guide_item, guide_items
from notices.models import GuideItem, GuideTopic

router = Router(tags=["guide"])
ERRORS = {404: ErrorOut, 422: ErrorOut}


def _item_out(item: GuideItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "topic": item.topic,
        "topic_label": str(GuideTopic(item.topic).label),
        "position": item.position,
        "title_zh": item.title_zh,
        "body_zh": item.body_zh,
        "title_en": item.title_en,
        "body_en": item.body_en,
        "source": item.source,
        "published": item.published,
        "updated_at": item.updated_at,
    }


@router.get("/guide", response={200: GuidePageOut, **ERRORS}, auth=None)
def list_guide(request: HttpRequest, query: Query[GuideQuery]) -> Any:
    """The guide's items (published ones; the city's admins also see drafts)."""
    if query.topic not in ("", *GuideTopic.values):
        raise field_error("topic", _("Choose the topic."))
    rows = guide_items(actor_of(request), q=search_text(query.q), topic=query.topic)
    page = rows[query.offset : query.offset + query.limit]
    return {"items": [_item_out(i) for i in page], "count": rows.count()}


@router.get("/guide/{guide_item_id}", response={200: GuideItemOut, **ERRORS}, auth=None)
def get_guide_item(request: HttpRequest, guide_item_id: int) -> Any:
    return _item_out(access_guide_item(actor_of(request), guide_item_id))
