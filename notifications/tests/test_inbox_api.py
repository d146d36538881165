"""One's own inbox through the API and the bell's count; the console outbox page is the demo's
only way to read a code, so who opens it is tested too."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.actor import Actor
from notifications.delivery import text_queue
from notifications.kinds import Kind
from notifications.models import Delivery, Notification
from notifications.selectors import unread_count
from notifications.services import notify
from notifications.texts import TextTemplate
from testkit import TinyCity


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _tell(user: User, key: str, place: str = "1栋") -> None:
    notify(Kind.CASE_WAITING, [user.pk], {"place": place, "step": "triage"}, dedupe_key=key)


def test_the_api_lists_only_ones_own_lines_with_the_unread_count(tiny_city: TinyCity) -> None:
    worker = tiny_city.users["grid_worker"]
    _tell(worker, "a")
    _tell(worker, "b")
    r = _client(worker).get("/api/notifications")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2 and body["unread"] == 2
    assert {i["kind"] for i in body["items"]} == {"case_waiting"}
    # The sample line of the community admin (testkit) is not the worker's.
    assert all("1栋" in i["title"] for i in body["items"])
    unread_only = _client(worker).get("/api/notifications?unread_only=true&limit=1").json()
    assert unread_only["count"] == 2 and len(unread_only["items"]) == 1


def test_reading_anothers_line_is_404_and_marks_nothing(tiny_city: TinyCity) -> None:
    owner = tiny_city.users["community_admin"]
    line = Notification.objects.get(recipient=owner, dedupe_key="sample:inside")
    other = _client(tiny_city.users["grid_worker"])
    assert other.post(f"/api/notifications/{line.pk}/read").status_code == 404
    assert other.post(f"/inbox/{line.pk}/open/").status_code == 404
    line.refresh_from_db()
    assert line.read_at is None
    r = _client(owner).post(f"/api/notifications/{line.pk}/read")
    assert r.status_code == 200 and r.json()["read_at"] is not None
    assert _client(owner).get("/api/notifications/unread").json() == {"unread": 0}


def test_read_all_reads_only_ones_own(tiny_city: TinyCity) -> None:
    worker = tiny_city.users["grid_worker"]
    _tell(worker, "a")
    r = _client(worker).post("/api/notifications/read-all", "{}", content_type="application/json")
    assert r.status_code == 200
    assert unread_count(Actor(user_id=worker.pk)) == 0
    assert unread_count(Actor(user_id=tiny_city.users["community_admin"].pk)) == 1


def test_the_bell_shows_the_unread_count_with_one_query(tiny_city: TinyCity) -> None:
    worker = tiny_city.users["grid_worker"]
    for i in range(3):
        _tell(worker, f"k{i}")
    page = _client(worker).get("/").content.decode()
    assert 'data-testid="bell-count">3<' in page
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(Actor(user_id=worker.pk)) == 3
    assert len(ctx.captured_queries) == 1


def test_the_outbox_opens_to_visitors_only_in_the_demo(tiny_city: TinyCity, settings: Any) -> None:
    text_queue(phone="13812345678", template=TextTemplate.CODE, params={"code": "864209"})
    settings.TEXT_CONSOLE_OUTBOX_PUBLIC = False
    assert Client().get("/inbox/outbox/").status_code in (302, 404)
    assert _client(tiny_city.users["grid_worker"]).get("/inbox/outbox/").status_code == 404
    page = _client(tiny_city.users["city_admin"]).get("/inbox/outbox/").content.decode()
    assert "864209" in page and "138****5678" in page and "13812345678" not in page
    settings.TEXT_CONSOLE_OUTBOX_PUBLIC = True
    assert "864209" in Client().get("/inbox/outbox/").content.decode()
    # A real provider: the page is gone for everyone.
    settings.TEXT_GATEWAY = "aliyun"
    assert Client().get("/inbox/outbox/").status_code == 404


def test_an_unknown_kind_is_refused_before_anything_is_written(tiny_city: TinyCity) -> None:
    before = Notification.objects.count()
    try:
        notify("no_such_kind", [tiny_city.users["grid_worker"].pk], {}, dedupe_key="x")  # type: ignore[arg-type]
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown kind must raise")
    assert Notification.objects.count() == before


def test_setup_shows_a_text_message_masked_and_without_its_code(tiny_city: TinyCity) -> None:
    d = text_queue(phone="13812345678", template=TextTemplate.CODE, params={"code": "864209"})
    assert d is not None
    admin = _client(tiny_city.users["city_admin"])
    page = admin.get(f"/admin/notifications/delivery/{d.pk}/change/").content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page and "864209" not in page
    listing = admin.get("/admin/notifications/delivery/").content.decode()
    assert "138****5678" in listing and "13812345678" not in listing
    # A district admin has no view of the city's text messages.
    district = _client(tiny_city.users["district_admin"])
    assert district.get(f"/admin/notifications/delivery/{d.pk}/change/").status_code in (403, 404)


def test_the_sweep_hands_each_due_text_out_once_and_workers_send_it_once(
    tiny_city: TinyCity, settings: Any
) -> None:
    from notifications.delivery import deliveries_claim, delivery_attempt
    from notifications.gateways import stand_in
    from notifications.models import DeliveryStatus

    settings.TEXT_GATEWAY = "stand_in"
    stand_in.reset()
    queued = [
        text_queue(phone=f"1334737000{i}", template=TextTemplate.REPORT_REMINDER, params={})
        for i in range(3)
    ]
    first = deliveries_claim(100)
    assert {d.pk for d in queued if d} <= set(first)
    assert deliveries_claim(100) == []  # claimed: the next minute's sweep hands out nothing
    for pk in first:
        delivery_attempt(pk)
        delivery_attempt(pk)  # a batch handed out twice sends nothing twice
    assert len(stand_in.SENT) == len(first)
    assert not Delivery.objects.filter(pk__in=first, status=DeliveryStatus.QUEUED).exists()
