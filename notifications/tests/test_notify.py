"""The notification layer: notify tells each user once per dedupe key, honours their switches
and the kinds' defaults per role, texts only mobile numbers; the inbox is one's own (another's
line is 404 and stays unread); mark all read; the settings page saves; text deliveries retry
with back-off and give up; a code's copy goes once sent; the bell counts on every page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.roles import Role
from notifications.delivery import MAX_ATTEMPTS, delivery_attempt, text_queue
from notifications.gateways import stand_in
from notifications.kinds import Kind
from notifications.models import Channel, Delivery, DeliveryStatus, Notification, Preference
from notifications.services import notify
from notifications.tests.helpers import lines, user_with
from notifications.texts import TextTemplate
from testkit import TinyCity

MOBILE = "13800001111"


@pytest.fixture
def gateway(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.TEXT_GATEWAY = "stand_in"
    stand_in.reset()
    yield
    stand_in.reset()


def client_of(user: User) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def test_notify_tells_each_user_once_per_key(tiny_city: TinyCity) -> None:
    street = tiny_city.users[Role.STREET_ADMIN]
    district = tiny_city.users[Role.DISTRICT_ADMIN]
    ctx = {"number": "#7", "level": "street"}
    assert notify(Kind.REQUEST_ESCALATED, [street.pk], ctx, dedupe_key="k1") == 1
    assert notify(Kind.REQUEST_ESCALATED, [street.pk, district.pk], ctx, dedupe_key="k1") == 1
    assert notify(Kind.REQUEST_ESCALATED, [street.pk], ctx, dedupe_key="k2") == 1
    assert lines(street) == 2 and lines(district) == 1


def test_unknown_kind_raises_and_tells_nobody(tiny_city: TinyCity) -> None:
    with pytest.raises(ValueError):
        notify("no_such_kind", [tiny_city.users[Role.RESIDENT].pk], {}, dedupe_key="x")  # type: ignore[arg-type]
    assert not Notification.objects.filter(dedupe_key="x").exists()


def test_a_switch_off_stops_the_inbox_line(tiny_city: TinyCity) -> None:
    street = tiny_city.users[Role.STREET_ADMIN]
    Preference.objects.create(
        user=street, kind=Kind.REQUEST_OVERDUE, channel=Channel.IN_APP, enabled=False
    )
    assert notify(Kind.REQUEST_OVERDUE, [street.pk], {"number": "#1"}, dedupe_key="o") == 0
    assert lines(street) == 0
    # Another kind is not affected.
    assert notify(Kind.RUMOUR_CRITICAL, [street.pk], {"place": "x"}, dedupe_key="r") == 1


def test_text_goes_to_mobiles_with_the_switch_on(tiny_city: TinyCity, gateway: None) -> None:
    street = tiny_city.users[Role.STREET_ADMIN]  # escalations by text: on by default
    street.phone = MOBILE
    street.save()
    no_phone = user_with(Role.STREET_ADMIN, place=tiny_city.inside.street)
    landline = user_with(Role.STREET_ADMIN, place=tiny_city.inside.street)
    landline.phone = "02787654321"
    landline.save()
    switched_off = user_with(Role.DISTRICT_ADMIN, place=tiny_city.inside.district)
    switched_off.phone = "13900002222"
    switched_off.save()
    Preference.objects.create(
        user=switched_off, kind=Kind.REQUEST_ESCALATED, channel=Channel.TEXT, enabled=False
    )
    resident = tiny_city.users[Role.RESIDENT]  # not on by default for residents …
    resident.phone = "13700003333"
    resident.save()
    everyone = [street.pk, no_phone.pk, landline.pk, switched_off.pk, resident.pk]
    notify(Kind.REQUEST_ESCALATED, everyone, {"number": "#3"}, dedupe_key="t1")
    # (The tiny city holds one sample text, to no account.)
    told = Delivery.objects.filter(recipient__isnull=False)
    assert list(told.values_list("recipient_id", "phone")) == [(street.pk, MOBILE)]
    row = told.get()
    assert row.template == TextTemplate.NEW_MESSAGE and row.params == {"count": "1"}
    assert "#3" not in str(row.params)  # a template and its params, never the inbox words
    # … until they switch it on; and a key already used queues nothing more.
    Preference.objects.create(
        user=resident, kind=Kind.REQUEST_ESCALATED, channel=Channel.TEXT, enabled=True
    )
    notify(Kind.REQUEST_ESCALATED, everyone, {"number": "#3"}, dedupe_key="t1")
    assert told.count() == 1
    notify(Kind.REQUEST_ESCALATED, everyone, {"number": "#4"}, dedupe_key="t2")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [street.pk, street.pk, resident.pk]
    )


def test_the_inbox_is_ones_own(tiny_city: TinyCity) -> None:
    me = tiny_city.users[Role.STREET_ADMIN]
    other = tiny_city.users[Role.DISTRICT_ADMIN]
    notify(Kind.REQUEST_OVERDUE, [me.pk], {"number": "#11"}, dedupe_key="a", link="/requests/")
    notify(Kind.RUMOUR_CRITICAL, [other.pk], {"place": "别人的街道"}, dedupe_key="b")
    body = client_of(me).get(reverse("notifications:inbox")).content.decode()
    assert "Request #11 is overdue" in body
    assert "别人的街道" not in body
    theirs = Notification.objects.get(recipient=other)
    response = client_of(me).post(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    mine = Notification.objects.get(recipient=me)
    response = client_of(me).post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/requests/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_mark_all_read_marks_only_ones_own(tiny_city: TinyCity) -> None:
    me = tiny_city.users[Role.STREET_ADMIN]
    other = tiny_city.users[Role.DISTRICT_ADMIN]
    for key in ("a", "b"):
        notify(Kind.REQUEST_OVERDUE, [me.pk, other.pk], {"number": "#1"}, dedupe_key=key)
    client_of(me).post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 2


def test_the_settings_page_saves_the_switches(tiny_city: TinyCity) -> None:
    me = tiny_city.users[Role.STREET_ADMIN]
    c = client_of(me)
    page = c.get(reverse("notifications:preferences")).content.decode()
    assert f'data-testid="pref-{Kind.RUMOUR_CRITICAL}-text"' in page
    # Everything on except critical rumours in the app; text on only for escalations.
    form = {
        f"{k}:{Channel.IN_APP}": "on"
        for k in (Kind.REQUEST_ESCALATED, Kind.REQUEST_OVERDUE, Kind.NOTICE_PUBLISHED)
    }
    form[f"{Kind.REQUEST_ESCALATED}:{Channel.TEXT}"] = "on"
    assert c.post(reverse("notifications:preferences"), form).status_code == 302
    own = {
        (k, ch): on
        for k, ch, on in Preference.objects.filter(user=me).values_list(
            "kind", "channel", "enabled"
        )
    }
    assert own[(Kind.RUMOUR_CRITICAL, Channel.IN_APP)] is False
    assert own[(Kind.RUMOUR_CRITICAL, Channel.TEXT)] is False  # was on by default for streets
    assert (Kind.REQUEST_ESCALATED, Channel.IN_APP) not in own  # unchanged default: no row
    assert notify(Kind.RUMOUR_CRITICAL, [me.pk], {"place": "x"}, dedupe_key="r") == 0


def test_a_failed_text_is_retried_with_back_off_then_given_up(
    tiny_city: TinyCity, gateway: None
) -> None:
    d = text_queue(phone=MOBILE, template=TextTemplate.NEW_MESSAGE, params={"count": "1"})
    assert d is not None and d.gateway == "stand_in"
    stand_in.FAIL_NEXT.update(count=2, retry=True)
    assert delivery_attempt(d.pk) == DeliveryStatus.QUEUED
    first = Delivery.objects.get(pk=d.pk)
    assert first.attempts == 1 and first.error == "stand-in failure"
    assert delivery_attempt(d.pk) == DeliveryStatus.QUEUED
    second = Delivery.objects.get(pk=d.pk)
    assert first.next_attempt_at and second.next_attempt_at
    assert second.next_attempt_at - second.created_at > first.next_attempt_at - first.created_at
    assert delivery_attempt(d.pk) == DeliveryStatus.SENT
    assert stand_in.SENT == [(MOBILE, TextTemplate.NEW_MESSAGE, {"count": "1"})]
    assert delivery_attempt(d.pk) == "skipped"  # sent: never again
    # Failing every time: given up after MAX_ATTEMPTS.
    e = text_queue(phone=MOBILE, template=TextTemplate.NEW_MESSAGE, params={"count": "2"})
    assert e is not None
    stand_in.FAIL_NEXT.update(count=100, retry=True)
    results = [delivery_attempt(e.pk) for _ in range(MAX_ATTEMPTS + 1)]
    assert results == [DeliveryStatus.QUEUED] * (MAX_ATTEMPTS - 1) + [
        DeliveryStatus.FAILED,
        "skipped",
    ]
    assert Delivery.objects.get(pk=e.pk).attempts == MAX_ATTEMPTS


def test_an_error_no_retry_mends_fails_at_once(tiny_city: TinyCity, gateway: None) -> None:
    d = text_queue(phone=MOBILE, template=TextTemplate.NEW_MESSAGE, params={"count": "1"})
    assert d is not None
    stand_in.FAIL_NEXT.update(count=1, retry=False)
    assert delivery_attempt(d.pk) == DeliveryStatus.FAILED
    row = Delivery.objects.get(pk=d.pk)
    assert row.attempts == 1 and row.next_attempt_at is None


def test_a_codes_copy_is_blanked_once_sent(tiny_city: TinyCity, gateway: None) -> None:
    d = text_queue(phone=MOBILE, template=TextTemplate.CODE, params={"code": "123456"})
    assert d is not None
    assert delivery_attempt(d.pk) == DeliveryStatus.SENT
    assert stand_in.SENT[-1][2] == {"code": "123456"}
    assert Delivery.objects.get(pk=d.pk).params == {}
    # Another template keeps its params.
    e = text_queue(phone=MOBILE, template=TextTemplate.NEW_MESSAGE, params={"count": "3"})
    assert e is not None
    delivery_attempt(e.pk)
    assert Delivery.objects.get(pk=e.pk).params == {"count": "3"}


def test_the_bell_counts_unread_lines_on_a_page(tiny_city: TinyCity) -> None:
    me = tiny_city.users[Role.STREET_ADMIN]
    c = client_of(me)
    assert 'data-testid="bell-count"' not in c.get("/").content.decode()
    for key in ("a", "b", "c"):
        notify(Kind.REQUEST_OVERDUE, [me.pk], {"number": "#1"}, dedupe_key=key)
    body = c.get("/").content.decode()
    assert 'data-testid="bell-count">3<' in body
    c.post(reverse("notifications:read_all"))
    assert 'data-testid="bell-count"' not in c.get("/").content.decode()
