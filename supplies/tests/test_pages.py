"""The supplies pages through the test client: who sees and moves which stock, field-named
errors, a form sent twice acts once, and a worker's own page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from core.roles import Role
from supplies import stock as svc
from supplies.models import MovementKind, Stock, StockMovement, SupplyItem
from supplies.selectors import ledger_sum
from supplies.tests.conftest import actor
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def _once(page: str, testid: str) -> str:
    form = re.search(rf'data-testid="{testid}".*?</form>', page, re.S)
    assert form, f"the page has the {testid}"
    token = re.search(r'name="once" value="([^"]+)"', form.group(0))
    assert token, "the form carries a one-time token"
    return token.group(1)


def _sample(tc: TinyCity, place: str = "community") -> Stock:
    """The masks stock the tiny city holds at the inside community (or street)."""
    return Stock.objects.get(item__name="医用外科口罩", place=getattr(tc.inside, place))


@pytest.mark.parametrize("role", [Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN])
def test_offices_see_the_stocks_of_their_area(tiny_city: TinyCity, role: str) -> None:
    tc = tiny_city
    page = _client(tc, role).get("/supplies/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="stock-row"' in text
    assert str(tc.other_district.community.name) not in text
    community = _sample(tc)
    r = _client(tc, role).get(f"/supplies/stocks/{community.pk}/")
    assert r.status_code == 200
    assert 'data-testid="ledger-row"' in r.content.decode()
    movable = 'data-testid="receive-form"' in r.content.decode()
    assert movable == (role == Role.COMMUNITY_ADMIN)


def test_out_of_area_stock_is_not_found_and_workers_see_no_stock_pages(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    theirs = Stock.objects.get(item__name="医用外科口罩", place=tc.other_district.community)
    assert (
        _client(tc, Role.COMMUNITY_ADMIN).get(f"/supplies/stocks/{theirs.pk}/").status_code == 404
    )
    volunteer = _client(tc, Role.VOLUNTEER)
    assert volunteer.get("/supplies/").status_code == 403
    assert volunteer.get(f"/supplies/stocks/{_sample(tc).pk}/").status_code in (403, 404)


def test_receive_twice_sent_acts_once(tiny_city: TinyCity) -> None:
    tc = tiny_city
    stock = _sample(tc)
    c = _client(tc, Role.COMMUNITY_ADMIN)
    page = c.get(f"/supplies/stocks/{stock.pk}/").content.decode()
    form = {
        "action": "receive",
        "once": _once(page, "receive-form"),
        "quantity": "12",
        "source": "区里调拨",
        "note": "",
    }
    before = stock.quantity
    assert c.post(f"/supplies/stocks/{stock.pk}/", form).status_code == 302
    assert c.post(f"/supplies/stocks/{stock.pk}/", form).status_code == 302
    stock.refresh_from_db()
    assert stock.quantity == before + 12
    assert (
        StockMovement.objects.filter(stock=stock, kind=MovementKind.RECEIPT, delta=12).count() == 1
    )
    assert ledger_sum(stock) == stock.quantity


def test_taking_more_than_in_stock_shows_the_field_and_changes_nothing(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    stock = _sample(tc)
    c = _client(tc, Role.COMMUNITY_ADMIN)
    page = c.get(f"/supplies/stocks/{stock.pk}/").content.decode()
    r = c.post(
        f"/supplies/stocks/{stock.pk}/",
        {
            "action": "issue",
            "once": _once(page, "issue-form"),
            "worker": str(tc.users[Role.VOLUNTEER].pk),
            "quantity": str(stock.quantity + 1),
        },
    )
    assert r.status_code == 400
    assert 'data-testid="error-quantity"' in r.content.decode()
    before = stock.quantity
    stock.refresh_from_db()
    assert stock.quantity == before
    # The worker list offers the community's staff, not residents.
    text = r.content.decode()
    assert f'value="{tc.users[Role.VOLUNTEER].pk}"' in text
    assert f'value="{tc.users[Role.RESIDENT].pk}"' not in text


def test_issue_and_the_workers_own_page(tiny_city: TinyCity) -> None:
    tc = tiny_city
    stock = _sample(tc)
    c = _client(tc, Role.COMMUNITY_ADMIN)
    page = c.get(f"/supplies/stocks/{stock.pk}/").content.decode()
    r = c.post(
        f"/supplies/stocks/{stock.pk}/",
        {
            "action": "issue",
            "once": _once(page, "issue-form"),
            "worker": str(tc.users[Role.VOLUNTEER].pk),
            "quantity": "3",
            "note": "入户走访",
        },
    )
    assert r.status_code == 302
    mine = _client(tc, Role.VOLUNTEER).get("/supplies/mine/")
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "医用外科口罩" in text and "入户走访" in text
    # The grid worker sees their own (from the tiny city), not the volunteer's.
    other = _client(tc, Role.GRID_WORKER).get("/supplies/mine/").content.decode()
    assert "入户走访" not in other and 'data-testid="mine-row"' in other
    empty = _client(tc, Role.RESIDENT).get("/supplies/mine/")
    assert empty.status_code == 200 and 'data-testid="mine-empty"' in empty.content.decode()


def test_a_district_admin_reads_but_cannot_move(tiny_city: TinyCity) -> None:
    tc = tiny_city
    stock = _sample(tc)
    c = _client(tc, Role.DISTRICT_ADMIN)
    r = c.post(f"/supplies/stocks/{stock.pk}/", {"action": "receive", "once": "x", "quantity": "5"})
    assert r.status_code == 403
    before = stock.quantity
    stock.refresh_from_db()
    assert stock.quantity == before


def test_street_transfers_to_a_community_from_the_page(tiny_city: TinyCity) -> None:
    tc = tiny_city
    street = _sample(tc, "street")
    community = _sample(tc)
    c = _client(tc, Role.STREET_ADMIN)
    page = c.get(f"/supplies/stocks/{street.pk}/").content.decode()
    r = c.post(
        f"/supplies/stocks/{street.pk}/",
        {
            "action": "transfer",
            "once": _once(page, "transfer-form"),
            "to_place": str(tc.inside.community.pk),
            "quantity": "100",
        },
    )
    assert r.status_code == 302
    before_street, before_community = street.quantity, community.quantity
    street.refresh_from_db()
    community.refresh_from_db()
    assert street.quantity == before_street - 100
    assert community.quantity == before_community + 100
    # A community's page offers no transfer.
    mine = _client(tc, Role.COMMUNITY_ADMIN).get(f"/supplies/stocks/{community.pk}/")
    assert 'data-testid="transfer-form"' not in mine.content.decode()


def test_register_a_receipt_of_a_new_item_and_alarm_on_top(tiny_city: TinyCity) -> None:
    tc = tiny_city
    gloves = SupplyItem.objects.create(name="一次性手套", kind="protective", unit="双")
    c = _client(tc, Role.COMMUNITY_ADMIN)
    page = c.get("/supplies/").content.decode()
    r = c.post(
        "/supplies/",
        {
            "action": "receive_new",
            "once": _once(page, "receive-new-form"),
            "item": str(gloves.pk),
            "place": str(tc.inside.community.pk),
            "quantity": "8",
            "source": "捐赠",
        },
    )
    assert r.status_code == 302
    stock = Stock.objects.get(item=gloves, place=tc.inside.community)
    assert r["Location"] == f"/supplies/stocks/{stock.pk}/"
    svc.stock_threshold_set(actor=actor(tc, Role.COMMUNITY_ADMIN), stock=stock, low_threshold=10)
    text = c.get("/supplies/").content.decode()
    rows = re.findall(r'data-testid="stock-row" data-stock="(\d+)"', text)
    assert rows[0] == str(stock.pk)  # the low one on top
    assert 'data-testid="low-count"' in text
    low = c.get("/supplies/?low=1").content.decode()
    assert re.findall(r'data-testid="stock-row" data-stock="(\d+)"', low) == [str(stock.pk)]
    found = c.get("/supplies/?q=手套").content.decode()
    assert re.findall(r'data-testid="stock-row" data-stock="(\d+)"', found) == [str(stock.pk)]
    # Without a quantity, the field says so and nothing is made.
    page = c.get("/supplies/").content.decode()
    r = c.post(
        "/supplies/",
        {
            "action": "receive_new",
            "once": _once(page, "receive-new-form"),
            "item": str(gloves.pk),
            "place": str(tc.inside.community.pk),
            "quantity": "",
        },
    )
    assert r.status_code == 400 and 'data-testid="error-quantity"' in r.content.decode()


def test_a_return_from_the_ledger_acts_once(tiny_city: TinyCity) -> None:
    tc = tiny_city
    stock = _sample(tc)
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    sent = svc.stock_take(actor=admin, stock=stock, quantity=4, kind=MovementKind.DISPATCH)
    c = _client(tc, Role.COMMUNITY_ADMIN)
    page = c.get(f"/supplies/stocks/{stock.pk}/").content.decode()
    form = re.search(
        rf'<form[^>]*data-testid="return-form">.*?value="{sent.pk}".*?</form>', page, re.S
    )
    assert form
    token = re.search(r'name="once" value="([^"]+)"', form.group(0))
    assert token
    data = {"action": "return", "once": token.group(1), "movement": str(sent.pk)}
    assert c.post(f"/supplies/stocks/{stock.pk}/", data).status_code == 302
    assert c.post(f"/supplies/stocks/{stock.pk}/", data).status_code == 302
    r = c.post(f"/supplies/stocks/{stock.pk}/", {**data, "once": "fresh"})
    assert r.status_code == 400 and 'data-testid="return-error"' in r.content.decode()
    assert StockMovement.objects.filter(stock=stock, source=f"return:{sent.pk}").count() == 1


def test_catalogue_pages(tiny_city: TinyCity) -> None:
    tc = tiny_city
    city = _client(tc, Role.CITY_ADMIN)
    page = city.get("/supplies/items/").content.decode()
    form = {
        "once": _once(page, "item-form"),
        "name": "84消毒液",
        "kind": "disinfectant",
        "unit": "瓶",
    }
    assert city.post("/supplies/items/", form).status_code == 302
    assert city.post("/supplies/items/", form).status_code == 302
    assert SupplyItem.objects.filter(name="84消毒液").count() == 1
    page = city.get("/supplies/items/").content.decode()
    r = city.post("/supplies/items/", {**form, "once": _once(page, "item-form")})
    assert r.status_code == 400 and 'data-testid="error-name"' in r.content.decode()
    item = SupplyItem.objects.get(name="84消毒液")
    edit = city.get(f"/supplies/items/{item.pk}/")
    assert edit.status_code == 200 and 'data-testid="item-form"' in edit.content.decode()
    community = _client(tc, Role.COMMUNITY_ADMIN)
    r = community.get(f"/supplies/items/{item.pk}/")
    assert r.status_code == 200 and 'data-testid="item-form"' not in r.content.decode()
    r = community.post(f"/supplies/items/{item.pk}/", {**form, "name": "改名", "once": "z"})
    assert r.status_code == 403
    item.refresh_from_db()
    assert item.name == "84消毒液"
    assert _client(tc, Role.VOLUNTEER).get(f"/supplies/items/{item.pk}/").status_code in (403, 404)
