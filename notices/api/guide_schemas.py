"""What the guide API gives: each item in both languages."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class GuideQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)
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
