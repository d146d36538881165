"""What the guide API gives: each item in both languages."""

from __future__ import annotations

import datetime

from ninja import Schema

from core.pagination import PageQuery


class GuideQuery(PageQuery):
    q: str = ""
    topic: str = ""


class GuideItemOut(Schema):
    id: int
    topic: str
    topic_label: str
    position: int
    title_zh: str
    body_zh: str
    title_en: str
    body_en: str
    source: str
    published: bool
    updated_at: datetime.datetime


class GuidePageOut(Schema):
    items: list[GuideItemOut]
    count: int
