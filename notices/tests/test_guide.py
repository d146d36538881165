"""The protection guide: seeded once (idempotent), public (no login), searchable in Chinese and
English, by topic; only the city's admins add and edit items, with field-named errors."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from notices.guide import guide_item_save
from notices.guide_seed import ITEMS, guide_seed
from notices.guide_selectors import guide_items
from notices.models import GuideItem, GuideTopic
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_covers_the_topics(tiny_city: TinyCity) -> None:
    tc = tiny_city
    before = GuideItem.objects.count()
    assert guide_seed(tc.city) == len(ITEMS)
    assert guide_seed(tc.city) == 0
    assert GuideItem.objects.count() == before + len(ITEMS)
    topics = set(GuideItem.objects.filter(city=tc.city).values_list("topic", flat=True))
    for t in ("home", "going_out", "masks", "hands", "caring", "fever"):
        assert t in topics
    fever = GuideItem.objects.get(city=tc.city, topic=GuideTopic.FEVER, position=1)
    assert "邻里" in fever.body_zh and "发热门诊" in fever.body_zh and "Linli" in fever.body_en


def rows(html: str) -> str:
    """The result rows of the guide page (not the topic buttons)."""
    return html.split('data-testid="guide-rows"')[1]


def test_public_search_in_both_languages_and_topic(tiny_city: TinyCity) -> None:
    tc = tiny_city
    guide_seed(tc.city)
    anon = Client()
    r = anon.get("/guide/?q=发热门诊")
    assert r.status_code == 200
    html = rows(r.content.decode())
    assert "发热了怎么办" in html and "洗手" not in html
    anon.cookies["django_language"] = "en"
    html = rows(anon.get("/guide/?q=fever clinic").content.decode())
    assert "If you have a fever" in html and "Hand washing" not in html
    html = rows(anon.get("/guide/?topic=hands").content.decode())
    assert "Hand washing: running water" in html and "Masks: which" not in html
    # Drafts are for the city's admins.
    assert "Draft: masks" not in anon.get("/guide/").content.decode()
    item = GuideItem.objects.get(city=tc.city, topic=GuideTopic.HANDS, position=1)
    page = anon.get(f"/guide/{item.pk}/").content.decode()
    assert "20 seconds" in page and "中国疾病预防控制中心" in page
    draft = GuideItem.objects.get(title_en="Draft: masks")
    assert anon.get(f"/guide/{draft.pk}/").status_code == 404
    api = Client().get("/api/guide?q=口罩").json()
    assert api["count"] >= 1 and all(not i["title_en"].startswith("Draft") for i in api["items"])
    assert Client().get(f"/api/guide/{item.pk}").json()["title_zh"].startswith("洗手")
    assert Client().get(f"/api/guide/{draft.pk}").status_code == 404
    admin = actor_for_user(tc.users["city_admin"])
    assert draft in guide_items(admin, q="Draft")


def _token(html: str) -> str:
    found = re.search(r'name="once" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_only_city_admins_edit(tiny_city: TinyCity) -> None:
    tc = tiny_city
    item = GuideItem.objects.filter(published=True).first()
    assert item is not None
    for role in ("district_admin", "street_admin", "community_admin", "resident"):
        c = Client()
        c.force_login(tc.users[role])
        assert c.get("/guide/new/").status_code == 403
        assert c.get(f"/guide/{item.pk}/edit/").status_code == 403
        with pytest.raises(NotAllowed):
            guide_item_save(
                actor=actor_for_user(tc.users[role]),
                item=item,
                city=None,
                topic="masks",
                title_zh="改",
                body_zh="改",
                title_en="x",
                body_en="x",
                source="x",
            )
    assert Client().get("/guide/new/").status_code == 302
    admin = actor_for_user(tc.users["city_admin"])
    with pytest.raises(ValidationError) as info:
        guide_item_save(
            actor=admin,
            item=None,
            city=tc.city,
            topic="masks",
            title_zh="口罩",
            body_zh="正文",
            title_en="",
            body_en="text",
            source="疾控中心",
        )
    assert "title_en" in info.value.error_dict
    c = Client()
    c.force_login(tc.users["city_admin"])
    page = c.get("/guide/new/").content.decode()
    before = GuideItem.objects.count()
    data = {
        "once": _token(page),
        "topic": "going_out",
        "position": "3",
        "title_zh": "乘电梯",
        "body_zh": "不用手直接按按钮。",
        "title_en": "Taking the lift",
        "body_en": "Do not press the buttons with bare fingers.",
        "source": "中国疾病预防控制中心",
        "published": "on",
    }
    assert c.post("/guide/new/", data).status_code == 302
    assert c.post("/guide/new/", data).status_code == 302  # sent twice: one item
    assert GuideItem.objects.count() == before + 1
    made = GuideItem.objects.get(title_en="Taking the lift")
    edit = c.get(f"/guide/{made.pk}/edit/").content.decode()
    r = c.post(f"/guide/{made.pk}/edit/", {**data, "once": _token(edit), "title_zh": "乘电梯时"})
    assert r.status_code == 302
    made.refresh_from_db()
    assert made.title_zh == "乘电梯时" and made.updated_by_id == tc.users["city_admin"].pk
