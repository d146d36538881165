"""What users type is kept (issue 15 #14): Chinese punctuation "，（）；：“”。、" in free text —
a request's details, an accept note, a care contact, a notice, a flag's note, a stock receipt, a
place's name — is stored and shown as typed; full-width digits are made ASCII only where a number
or a code is read (a temperature, a phone, an ID number, a quantity, a building or room number).
The rule and its two functions live in core.validators (normalize_line / normalize_text)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accounts.selectors import actor_for_user
from care.contacts import care_contact_log
from care.models import CareAssignment, ContactKind, HealthState
from core.validators import validate_id_number, validate_phone
from health.flags import health_flag_dismiss
from health.models import HealthFlag
from health.rules import parse_temperature
from notices.publishing import notice_publish
from places.models import PlaceKind
from places.services import household_create, place_create
from service_requests.filing import request_file
from service_requests.handling import request_accept
from supplies.models import Stock
from supplies.stock import stock_receive
from testkit import ROOT, TinyCity, synthetic_id_number

pytestmark = pytest.mark.django_db

# Everything a Chinese sentence is written with, and full-width digits inside it.
TYPED = "老人胸闷，需要降压药（硝苯地平）；地址：３栋“东门”。谢谢、辛苦"


def _page(tc: TinyCity, role: str, url: str) -> str:
    c = Client()
    c.force_login(tc.users[role])
    response = c.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_request_details_and_accept_note_are_kept_and_shown_as_typed(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    r = request_file(
        actor=actor_for_user(tc.users["resident"]),
        resident=tc.inside.residents[0],
        category="medicine",
        details=TYPED,
        urgency="normal",
    )
    request_accept(actor=actor_for_user(tc.users["community_admin"]), request=r, note=TYPED)
    r.refresh_from_db()
    assert r.details == TYPED
    assert r.events.filter(kind="accepted").get().text == TYPED
    html = _page(tc, "community_admin", f"/requests/{r.pk}/")
    assert html.count(TYPED) >= 2  # the details and the accept note on the timeline


def test_care_contact_is_kept_and_shown_as_typed(tiny_city: TinyCity) -> None:
    tc = tiny_city
    assignment = CareAssignment.objects.get(household=tc.inside.household, ended_at=None)
    contact = care_contact_log(
        actor=actor_for_user(tc.users["cadre"]),
        assignment=assignment,
        kind=ContactKind.PHONE,
        health=HealthState.WELL,
        outcome=TYPED,
        needs="缺米、面；（急）",
    )
    contact.refresh_from_db()
    assert contact.outcome == TYPED and contact.needs == "缺米、面；（急）"
    assert TYPED in _page(tc, "cadre", f"/care/assignments/{assignment.pk}/")


def test_notice_title_and_body_are_kept_as_typed(tiny_city: TinyCity) -> None:
    tc = tiny_city
    body = "　　一、各小区（含商铺）暂停营业；\n　　二、请居民理解：“非必要不外出”。"
    notice = notice_publish(
        actor=actor_for_user(tc.users["street_admin"]),
        kind="order",
        title="关于封闭管理的通令（第２号）",
        # Pasted with a zero-width space and a NUL (PostgreSQL refuses a NUL: it was a 500).
        body=body.replace("暂停", "暂\u200b停\x00") + "\n\n\n",
        issuer=tc.inside.street,
        targets=[tc.inside.street],
    )
    notice.refresh_from_db()
    assert notice.title == "关于封闭管理的通令（第２号）"
    assert notice.body == body
    assert "关于封闭管理的通令（第２号）" in _page(tc, "resident", f"/notices/{notice.pk}/")


def test_flag_note_and_stock_receipt_are_kept_as_typed(tiny_city: TinyCity) -> None:
    tc = tiny_city
    flag = HealthFlag.objects.get(household=tc.inside.household)
    health_flag_dismiss(
        actor=actor_for_user(tc.users["grid_worker"]), flag=flag, note="复测３６．５，正常。"
    )
    flag.refresh_from_db()
    assert flag.close_note == "复测３６．５，正常。"

    stock = Stock.objects.get(place=tc.inside.community)
    movement = stock_receive(
        actor=ROOT,
        stock=stock,
        quantity="１２",  # type: ignore[arg-type]  # as the form's text field sends it
        source="区指挥部（捐赠）",
        note="口罩：N95；",
    )
    # The quantity is a number: its full-width digits are read as 12. The words stay as typed.
    assert movement.delta == 12
    assert (movement.source, movement.note) == ("区指挥部（捐赠）", "口罩：N95；")


def test_names_of_places_are_kept_but_house_numbers_are_normalised(tiny_city: TinyCity) -> None:
    tc = tiny_city
    street = place_create(
        actor=ROOT, kind=PlaceKind.STREET, name="新华街道（开发区）", parent=tc.inside.district
    )
    assert street.name == "新华街道（开发区）"
    building = place_create(
        actor=ROOT, kind=PlaceKind.BUILDING, name="１０栋", parent=tc.inside.grid
    )
    assert building.name == "10栋"  # a house number, sorted and searched as one
    household = household_create(actor=ROOT, building=building, room="１单元１０１")
    assert household.room == "1单元101"


@pytest.mark.parametrize(
    ("field", "typed", "read"),
    [
        ("temperature", "３８．２℃", Decimal("38.2")),
        ("phone", "１３８－１２３４－５６７８", "13812345678"),
        ("id", "４２０１０３ １９８０ ０５１７ ００２３", None),
    ],
)
def test_numbers_are_read_from_full_width_digits(field: str, typed: str, read: object) -> None:
    if field == "temperature":
        assert parse_temperature(typed) == read
    elif field == "phone":
        assert validate_phone(typed) == read
    else:
        number = synthetic_id_number()
        full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
        assert validate_id_number(full_width[:6] + "－" + full_width[6:]) == number
