"""The wellbeing pages: the community admin's board, the street's queue (its own communities
only), a worker files a need once when sending twice, the street answers, others cannot."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mobilisation.models import NeedStatus, WorkerNeed
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _token(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="once" value="([^"]+)"', html[start:])
    assert found
    return found.group(1)


def test_board_queue_and_own_needs_render_for_their_roles(tiny_city: TinyCity) -> None:
    tc = tiny_city
    admin = _client(tc, "community_admin").get("/duty/wellbeing/").content.decode()
    assert 'data-testid="board"' in admin and 'data-testid="queue"' not in admin
    assert "grid_worker" in admin and 'data-testid="board-need"' in admin
    assert 'data-testid="count-unreported"' in admin
    street = _client(tc, "street_admin").get("/duty/wellbeing/").content.decode()
    assert 'data-testid="queue-row"' in street and "晚班没有饭吃" in street
    assert "【OST】" not in street and 'data-testid="board"' not in street
    ost = _client(tc, "【OST】_admin").get("/duty/wellbeing/").content.decode()
    assert "【OST】晚班没有饭吃" in ost and ">晚班没有饭吃" not in ost
    mine = _client(tc, "grid_worker").get("/duty/wellbeing/").content.decode()
    assert 'data-testid="my-need"' in mine and 'data-testid="board"' not in mine
    for role in ("resident", "unit_admin"):
        assert _client(tc, role).get("/duty/wellbeing/").status_code == 403
        assert _client(tc, role).get("/duty/needs/new/").status_code == 403
    need = WorkerNeed.objects.get(community=tc.inside.community)
    assert _client(tc, "grid_worker").get(f"/duty/needs/{need.pk}/").status_code == 200
    assert _client(tc, "volunteer").get(f"/duty/needs/{need.pk}/").status_code == 404
    assert _client(tc, "【OST】_admin").get(f"/duty/needs/{need.pk}/").status_code == 404


def test_file_once_the_street_answers_and_the_worker_closes(tiny_city: TinyCity) -> None:
    tc = tiny_city
    w = _client(tc, "volunteer")
    page = w.get("/duty/needs/new/").content.decode()
    form = {"once": _token(page, "need-form"), "kind": "commuting", "details": "夜班后没有公交"}
    bad = w.post("/duty/needs/new/", {**form, "details": ""})
    assert bad.status_code == 400 and 'data-testid="error-details"' in bad.content.decode()
    before = WorkerNeed.objects.count()
    first = w.post("/duty/needs/new/", form)
    again = w.post("/duty/needs/new/", form)
    assert first.status_code == again.status_code == 302
    assert WorkerNeed.objects.count() == before + 1
    need = WorkerNeed.objects.get(details="夜班后没有公交")
    url = f"/duty/needs/{need.pk}/"
    assert first["Location"] == url
    assert 'data-testid="answer-form"' not in w.get(url).content.decode()
    assert w.post(url, {"action": "answer", "once": "a", "answer": "x"}).status_code == 403
    admin = _client(tc, "community_admin")
    assert admin.post(url, {"action": "answer", "once": "b", "answer": "x"}).status_code == 403
    street = _client(tc, "street_admin")
    html = street.get(url).content.decode()
    token = _token(html, "answer-form")
    empty = street.post(url, {"action": "answer", "once": token, "answer": ""})
    assert empty.status_code == 400 and 'data-testid="error-answer"' in empty.content.decode()
    done = street.post(url, {"action": "answer", "once": token, "answer": "街道安排班车"})
    assert done.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED and need.answer == "街道安排班车"
    html = w.get(url).content.decode()
    assert "街道安排班车" in html
    assert w.post(url, {"action": "close", "once": _token(html, "close-form")}).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED


def test_the_admin_files_for_one_of_their_workers(tiny_city: TinyCity) -> None:
    tc = tiny_city
    admin = _client(tc, "community_admin")
    page = admin.get("/duty/needs/new/").content.decode()
    form = {
        "once": _token(page, "need-form"),
        "worker": str(tc.users["cadre"].pk),
        "kind": "family",
        "details": "家中老人需照顾",
    }
    assert admin.post("/duty/needs/new/", form).status_code == 302
    need = WorkerNeed.objects.get(details="家中老人需照顾")
    assert need.worker_id == tc.users["cadre"].pk and need.street_id == tc.inside.street.pk
    bad = admin.post(
        "/duty/needs/new/", {**form, "once": "n2", "worker": str(tc.users["resident"].pk)}
    )
    assert bad.status_code == 400
