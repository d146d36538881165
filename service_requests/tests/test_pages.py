"""The resident request pages: who sees which page, the office's list (search, filters, counts),
the resident's own requests (public events only), filing, the request page's forms (a bad
dispatch names its field and changes nothing; a form sent twice acts once), the street's queue,
vehicles and time targets."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.selectors import actor_for_user
from service_requests.escalation import escalations_due_run
from service_requests.filing import request_file
from service_requests.handling import request_accept, request_note
from service_requests.models import (
    Dispatch,
    Level,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    Vehicle,
)
from testkit import ROOT, TinyCity

OFFICE = ["city_admin", "district_admin", "street_admin", "community_admin", "grid_worker"]
OTHERS = [
    "building_head",
    "health_worker",
    "cadre",
    "volunteer",
    "property_staff",
    "community_police",
    "unit_admin",
    "resident",
]


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _actor(tc: TinyCity, role: str) -> Any:
    return actor_for_user(tc.users[role])


def _token(html: str, testid: str, field: str = "once") -> str:
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="([a-z_]*-?)' + field + r'" value="([^"]+)"', html[start:])
    assert found, f"{testid} carries a one-time token"
    return found.group(2)


def _file(tc: TinyCity, **kw: Any) -> ServiceRequest:
    args: dict[str, Any] = {
        "resident": tc.inside.residents[0],
        "category": "urgent_trip",
        "details": "去医院透析",
        "urgency": "urgent",
    }
    args.update(kw)
    return request_file(actor=_actor(tc, "resident"), **args)


def _inside_request(tc: TinyCity) -> ServiceRequest:
    return ServiceRequest.objects.get(household=tc.inside.household, details__contains="降压药")


def _far_request(tc: TinyCity) -> ServiceRequest:
    return ServiceRequest.objects.get(household=tc.other_district.household)


# ---- who sees what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_renders_for_every_role_and_refuses_out_of_scope(tiny_city: TinyCity) -> None:
    tc = tiny_city
    inside = _inside_request(tc)
    far = _far_request(tc)
    vehicle = Vehicle.objects.get(place=tc.inside.community)
    pages = ["/requests/", "/requests/mine/", "/requests/new/", "/requests/street/"]
    pages += ["/requests/vehicles/", f"/requests/vehicles/{vehicle.pk}/", "/requests/targets/"]
    for role in OFFICE + OTHERS:
        c = _client(tc, role)
        for url in pages:
            assert c.get(url).status_code in (200, 302, 403, 404), (role, url)
        if role != "city_admin":  # the city admin sees the whole city
            assert c.get(f"/requests/{far.pk}/").status_code == 404, role
            assert c.get(f"/requests/{far.pk}/accept/").status_code == 404, role
    for role in [*OFFICE, "resident", "volunteer"]:
        c = _client(tc, role)
        response = c.get(f"/requests/{inside.pk}/")
        assert response.status_code == 200, role
        # A GET on an action's URL changes nothing: back to the page.
        assert c.get(f"/requests/{inside.pk}/accept/").status_code == 302, role
    for role in OFFICE:
        assert _client(tc, role).get("/requests/").status_code == 200, role
        assert _client(tc, role).get("/requests/targets/").status_code == 200, role
    assert _client(tc, "resident").get("/requests/")["Location"] == "/requests/mine/"
    assert _client(tc, "street_admin").get("/requests/street/").status_code == 200
    assert _client(tc, "community_admin").get("/requests/street/").status_code == 403
    assert ServiceRequest.objects.get(pk=inside.pk).status == RequestStatus.NEW


@pytest.mark.django_db
def test_names_in_full_for_the_handling_office_masked_for_others(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _file(tc)
    person = r.resident.person
    html = _client(tc, "community_admin").get(f"/requests/{r.pk}/").content.decode()
    assert person.name in html and person.phone in html
    html = _client(tc, "street_admin").get(f"/requests/{r.pk}/").content.decode()
    assert person.name not in html and person.phone not in html
    assert person.name[0] + "*" in html


# ---- the office's list --------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_search_filters_counts_and_no_query_per_row(tiny_city: TinyCity) -> None:
    tc = tiny_city
    urgent = _file(tc)
    food = _file(tc, category="food", urgency="normal", details="买米")
    c = _client(tc, "community_admin")
    html = c.get("/requests/").content.decode()
    rows = html.count('data-testid="request-row"')
    assert rows == 4  # the tiny city's two medicine requests in the community and these two
    # Most urgent first.
    assert html.index(f"#{urgent.pk}<") < html.index(f"#{food.pk}<")
    assert f">#{_far_request(tc).pk}<" not in html
    html = c.get("/requests/", {"category": "food"}).content.decode()
    assert html.count('data-testid="request-row"') == 1 and f"#{food.pk}<" in html
    html = c.get("/requests/", {"q": f"#{food.pk}"}).content.decode()
    assert html.count('data-testid="request-row"') == 1
    name = tc.inside.residents[0].person
    html = c.get("/requests/", {"q": name.search_key[:6] or name.name}).content.decode()
    assert f"#{urgent.pk}<" in html and f"#{_inside_request(tc).pk}<" not in html
    # Overdue: nothing yet; two hours later the urgent trip's clocks ran out.
    html = c.get("/requests/", {"overdue": "1"}).content.decode()
    assert 'data-testid="no-requests"' in html
    ServiceRequest.objects.filter(pk=urgent.pk).update(
        respond_due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    html = c.get("/requests/", {"overdue": "1"}).content.decode()
    assert html.count('data-testid="request-row"') == 1 and "clock late" in html
    html = c.get("/requests/", {"status": "closed"}).content.decode()
    assert 'data-testid="count-open">4<' in html
    # No query per row.
    for _i in range(5):
        _file(tc, category="medicine", urgency="soon")
    with CaptureQueriesContext(connection) as few:
        c.get("/requests/")
    for _i in range(10):
        _file(tc, category="medicine", urgency="soon")
    with CaptureQueriesContext(connection) as more:
        c.get("/requests/")
    assert len(more) == len(few)


# ---- the resident -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_resident_sees_own_household_and_public_events_only(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _file(tc)
    admin = _actor(tc, "community_admin")
    request_accept(actor=admin, request=r, note="马上安排")
    request_note(actor=admin, request=r, text="内部车辆紧张", public=False)
    request_note(actor=admin, request=r, text="司机十分钟到", public=True)
    c = _client(tc, "resident")
    html = c.get("/requests/mine/").content.decode()
    assert f"#{r.pk}<" in html and "司机十分钟到" in html
    assert f"#{_far_request(tc).pk}<" not in html and "内部" not in html
    page = c.get(f"/requests/{r.pk}/").content.decode()
    assert "司机十分钟到" in page and "内部车辆紧张" not in page
    assert c.get(f"/requests/{_far_request(tc).pk}/").status_code == 404
    office = _client(tc, "community_admin").get(f"/requests/{r.pk}/").content.decode()
    assert "内部车辆紧张" in office


@pytest.mark.django_db
def test_resident_files_for_a_member_of_their_household(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "resident")
    html = c.get("/requests/new/").content.decode()
    token = _token(html, "request-form")
    member = tc.inside.residents[1]
    data = {
        "once": token,
        "member": str(member.pk),
        "category": "medicine",
        "urgency": "soon",
        "details": "",
    }
    bad = c.post("/requests/new/", data)
    assert bad.status_code == 400 and 'data-testid="error-details"' in bad.content.decode()
    before = ServiceRequest.objects.count()
    data["details"] = "买胰岛素"
    data["needed_by"] = (timezone.localtime() + datetime.timedelta(hours=3)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    first = c.post("/requests/new/", data)
    again = c.post("/requests/new/", data)
    assert first.status_code == 302 and again.status_code == 302
    assert ServiceRequest.objects.count() == before + 1
    filed = ServiceRequest.objects.latest("pk")
    assert filed.resident == member and filed.needed_by is not None
    assert first["Location"] == f"/requests/{filed.pk}/"


@pytest.mark.django_db
def test_staff_find_the_resident_then_file(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "grid_worker")
    person = tc.inside.residents[0].person
    html = c.get("/requests/new/", {"q": person.name}).content.decode()
    assert 'data-testid="pick-resident"' in html
    far = tc.other_district.residents[0]
    assert c.get("/requests/new/", {"resident": far.pk}).status_code == 404
    url = f"/requests/new/?resident={tc.inside.residents[0].pk}"
    html = c.get(url).content.decode()
    token = _token(html, "request-form")
    response = c.post(
        url, {"once": token, "category": "food", "urgency": "normal", "details": "送菜"}
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.latest("pk").source == "grid_worker"


# ---- the request page's forms -------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_dispatch_names_the_field_and_changes_nothing(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _file(tc)
    c = _client(tc, "community_admin")
    html = c.get(f"/requests/{r.pk}/").content.decode()
    token = _token(html, "vehicle-form")
    vehicle = Vehicle.objects.get(place=tc.inside.community)
    start = timezone.localtime() + datetime.timedelta(hours=1)
    data = {
        "dispatch_vehicle-once": token,
        "dispatch_vehicle-vehicle": str(vehicle.pk),
        "dispatch_vehicle-slot_start": start.strftime("%Y-%m-%dT%H:%M"),
        "dispatch_vehicle-slot_end": (start - datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
    }
    bad = c.post(f"/requests/{r.pk}/dispatch-vehicle/", data)
    assert bad.status_code == 400
    assert 'data-testid="error-slot_end"' in bad.content.decode()
    assert not Dispatch.objects.filter(request=r).exists()
    # Too many supplies: the quantity is named; the stock is untouched.
    html = c.get(f"/requests/{r.pk}/").content.decode()
    from supplies.models import Stock

    stock = Stock.objects.get(place=tc.inside.community)
    left = stock.quantity
    bad = c.post(
        f"/requests/{r.pk}/dispatch-supplies/",
        {
            "dispatch_supplies-once": _token(html, "supplies-form"),
            "dispatch_supplies-stock": str(stock.pk),
            "dispatch_supplies-quantity": str(left + 1),
        },
    )
    assert bad.status_code == 400
    assert 'data-testid="error-quantity"' in bad.content.decode()
    assert Stock.objects.get(pk=stock.pk).quantity == left
    assert not Dispatch.objects.filter(request=r).exists()
    # The good slot books once, even sent twice.
    data["dispatch_vehicle-slot_end"] = (start + datetime.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    html = c.get(f"/requests/{r.pk}/").content.decode()
    data["dispatch_vehicle-once"] = _token(html, "vehicle-form")
    assert c.post(f"/requests/{r.pk}/dispatch-vehicle/", data).status_code == 302
    assert c.post(f"/requests/{r.pk}/dispatch-vehicle/", data).status_code == 302
    assert Dispatch.objects.filter(request=r, vehicle=vehicle).count() == 1


@pytest.mark.django_db
def test_forms_sent_twice_act_once_and_others_are_refused(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _file(tc)
    c = _client(tc, "community_admin")
    html = c.get(f"/requests/{r.pk}/").content.decode()
    data = {"accept-once": _token(html, "accept-form"), "accept-note": "收到"}
    assert c.post(f"/requests/{r.pk}/accept/", data).status_code == 302
    assert c.post(f"/requests/{r.pk}/accept/", data).status_code == 302
    assert RequestEvent.objects.filter(request=r, kind="accepted").count() == 1
    html = c.get(f"/requests/{r.pk}/").content.decode()
    note = {"note-once": _token(html, "note-form"), "note-text": "已联系", "note-public": "on"}
    c.post(f"/requests/{r.pk}/note/", note)
    c.post(f"/requests/{r.pk}/note/", note)
    assert RequestEvent.objects.filter(request=r, kind="note", text="已联系").count() == 1
    # The street does not handle it yet; the resident may not mark it done.
    for role in ("street_admin", "resident"):
        response = _client(tc, role).post(f"/requests/{r.pk}/done/", {"done-note": "x"})
        assert response.status_code == 403, role
    assert ServiceRequest.objects.get(pk=r.pk).status == RequestStatus.ACCEPTED
    # Escalation needs a reason.
    html = c.get(f"/requests/{r.pk}/").content.decode()
    bad = c.post(f"/requests/{r.pk}/escalate/", {"escalate-once": _token(html, "escalate-form")})
    assert bad.status_code == 400 and 'data-testid="error-reason"' in bad.content.decode()
    assert ServiceRequest.objects.get(pk=r.pk).level == Level.COMMUNITY


@pytest.mark.django_db
def test_done_confirm_and_rate_by_the_resident(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _file(tc)
    c = _client(tc, "community_admin")
    html = c.get(f"/requests/{r.pk}/").content.decode()
    assert (
        c.post(
            f"/requests/{r.pk}/done/",
            {"done-once": _token(html, "done-form"), "done-note": "已送达"},
        ).status_code
        == 302
    )
    resident = _client(tc, "resident")
    html = resident.get(f"/requests/{r.pk}/").content.decode()
    assert 'data-testid="confirm-form"' in html and 'data-testid="done-form"' not in html
    data = {"confirm-once": _token(html, "confirm-form"), "confirm-rating": "5"}
    assert resident.post(f"/requests/{r.pk}/confirm/", data).status_code == 302
    assert resident.post(f"/requests/{r.pk}/confirm/", data).status_code == 302
    r.refresh_from_db()
    assert r.status == RequestStatus.CLOSED and r.confirmed and r.rating == 5
    assert RequestEvent.objects.filter(request=r, kind="confirmed").count() == 1


@pytest.mark.django_db
def test_not_solved_reopens_the_request_with_the_residents_note(tiny_city: TinyCity) -> None:
    """Issue 15 item 18 (FixMyStreet #897): confirming had no "not solved" answer."""
    tc = tiny_city
    r = _file(tc)
    c = _client(tc, "community_admin")
    html = c.get(f"/requests/{r.pk}/").content.decode()
    c.post(
        f"/requests/{r.pk}/done/",
        {"done-once": _token(html, "done-form"), "done-note": "已送达"},
    )
    resident = _client(tc, "resident")
    html = resident.get(f"/requests/{r.pk}/").content.decode()
    assert 'data-testid="not-solved-form"' in html
    token = _token(html, "not-solved-form")
    empty = resident.post(f"/requests/{r.pk}/not-solved/", {"not_solved-once": token})
    assert empty.status_code == 400
    r.refresh_from_db()
    assert r.status == RequestStatus.DONE
    data = {"not_solved-once": token, "not_solved-note": "药还没有送到，（急）"}
    assert resident.post(f"/requests/{r.pk}/not-solved/", data).status_code == 302
    assert resident.post(f"/requests/{r.pk}/not-solved/", data).status_code == 302  # once
    r.refresh_from_db()
    assert r.status == RequestStatus.NEW and r.reopen_count == 1 and not r.confirmed
    events = RequestEvent.objects.filter(request=r, kind="reopened")
    assert events.count() == 1 and "药还没有送到，（急）" in events.get().text
    # The office sees it open again, with the resident's note.
    office = c.get(f"/requests/{r.pk}/").content.decode()
    assert "药还没有送到" in office and 'data-testid="accept-form"' in office


# ---- the street's queue -------------------------------------------------------------------------


@pytest.mark.django_db
def test_street_queue_shows_its_communities_escalated_requests_only(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _file(tc)
    far = request_file(
        actor=ROOT,
        resident=tc.other_street.residents[0],
        category="urgent_trip",
        details="【OST】急诊",
        urgency="urgent",
    )
    later = timezone.now() + datetime.timedelta(hours=3)
    assert escalations_due_run(now=later) >= 2
    html = _client(tc, "street_admin").get("/requests/street/").content.decode()
    assert f"#{r.pk}<" in html and f"#{far.pk}<" not in html
    assert 'data-testid="street-waited"' in html and tc.inside.community.name in html
    # The street admin now handles it: the dispatch forms of the street.
    page = _client(tc, "street_admin").get(f"/requests/{r.pk}/").content.decode()
    assert 'data-testid="vehicle-form"' in page and "应急车" in page
    assert 'data-testid="vehicle-form"' not in (
        _client(tc, "community_admin").get(f"/requests/{r.pk}/").content.decode()
    )


# ---- vehicles and targets -----------------------------------------------------------------------


@pytest.mark.django_db
def test_vehicle_register_and_targets(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "community_admin")
    html = c.get("/requests/vehicles/").content.decode()
    token = _token(html, "vehicle-register-form")
    data = {
        "once": token,
        "place": str(tc.inside.community.pk),
        "name": "新能源车",
        "seats": "5",
        "is_active": "on",
    }
    assert c.post("/requests/vehicles/", data).status_code == 302
    assert c.post("/requests/vehicles/", data).status_code == 302
    assert Vehicle.objects.filter(name="新能源车").count() == 1
    assert (
        "新能源车" not in _client(tc, "【OST】_admin").get("/requests/vehicles/").content.decode()
    )
    city = _client(tc, "city_admin")
    html = city.get("/requests/targets/").content.decode()
    token = _token(html, "target-form-food")
    bad = city.post(
        "/requests/targets/",
        {"once": token, "category": "food", "respond_minutes": "90", "done_minutes": "30"},
    )
    assert bad.status_code == 400
    ok = city.post(
        "/requests/targets/",
        {"once": token, "category": "food", "respond_minutes": "90", "done_minutes": "600"},
    )
    assert ok.status_code == 302
    assert 'data-testid="target-form-food"' not in (
        _client(tc, "community_admin").get("/requests/targets/").content.decode()
    )
    assert _client(tc, "community_admin").post("/requests/targets/", {}).status_code == 403


@pytest.mark.django_db
def test_dispatch_people_and_cancel_a_dispatch(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _file(tc)
    c = _client(tc, "community_admin")
    html = c.get(f"/requests/{r.pk}/").content.decode()
    helper = tc.users["cadre"]
    assert f'value="{helper.pk}"' in html
    assert f'value="{tc.users["resident"].pk}"' not in html.split('data-testid="people-form"')[1]
    data = {
        "dispatch_people-once": _token(html, "people-form"),
        "dispatch_people-person": str(helper.pk),
    }
    assert c.post(f"/requests/{r.pk}/dispatch-people/", data).status_code == 302
    dispatch = Dispatch.objects.get(request=r, person=helper)
    # The helper now sees the request among theirs.
    assert f"#{r.pk}<" in _client(tc, "cadre").get("/requests/mine/").content.decode()
    html = c.get(f"/requests/{r.pk}/").content.decode()
    cancel = {
        "dispatch_cancel-once": _token(html, "dispatch-cancel-form"),
        "dispatch_cancel-dispatch": str(dispatch.pk),
        "dispatch_cancel-reason": "人手调整",
    }
    assert c.post(f"/requests/{r.pk}/dispatch-cancel/", cancel).status_code == 302
    assert c.post(f"/requests/{r.pk}/dispatch-cancel/", cancel).status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.status == "cancelled"
    # A dispatch of another request cannot be cancelled through this one.
    other = _inside_request(tc)
    theirs = Dispatch.objects.get(request=other)
    html = c.get(f"/requests/{r.pk}/").content.decode()
    response = c.post(
        f"/requests/{r.pk}/dispatch-cancel/",
        {
            "dispatch_cancel-once": once_token_of(html),
            "dispatch_cancel-dispatch": str(theirs.pk),
        },
    )
    assert response.status_code == 400
    assert Dispatch.objects.get(pk=theirs.pk).status == "active"


def once_token_of(html: str) -> str:
    """Any fresh one-time token on the page (the service checks the rest)."""
    found = re.search(r'name="[a-z_]*-?once" value="([^"]+)"', html)
    assert found
    return found.group(1)
