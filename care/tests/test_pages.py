"""The care pages render for the community admin and the carer, name the wrong field, and act
once when a form is sent twice; other roles are refused. The API does what the page does."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from care.models import CareAssignment, CareContact, ContactKind, EndReason
from care.tests.helpers import assign, household_with
from service_requests.models import ServiceRequest, Source
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


def test_home_renders_for_the_admin_and_sends_carers_to_their_list(tiny_city: TinyCity) -> None:
    tc = tiny_city
    h = household_with(tc.inside.building, name="王爷爷")
    r = _client(tc, "community_admin").get("/care/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="uncovered"' in html and str(h.room) in html
    assert "王爷爷" not in html  # names masked on the office list
    assert _client(tc, "community_admin").get("/care/?show=uncovered&q=wangyeye").status_code == 200
    assert _client(tc, "cadre").get("/care/")["Location"] == "/care/mine/"
    assert _client(tc, "resident").get("/care/").status_code == 403
    assert _client(tc, "resident").get("/care/mine/").status_code == 403


def test_assign_page_acts_once_when_sent_twice(tiny_city: TinyCity) -> None:
    tc = tiny_city
    h = household_with(tc.inside.building)
    c = _client(tc, "community_admin")
    url = f"/care/households/{h.pk}/assign/"
    page = c.get(url).content.decode()
    assert "cadre" in page
    form = {
        "once": _token(page, "assign-form"),
        "carer": "",
        "phone_every_days": "1",
        "visit_every_days": "3",
    }
    r = c.post(url, form)
    assert r.status_code == 400 and 'data-testid="error-carer"' in r.content.decode()
    form["carer"] = str(tc.users["cadre"].pk)
    first = c.post(url, form)
    second = c.post(url, form)
    assert first.status_code == 302 and second.status_code == 302
    assert CareAssignment.objects.filter(household=h).count() == 1
    # Another community's household is not found; a carer may not assign.
    other = household_with(tc.other_street.building)
    assert c.get(f"/care/households/{other.pk}/assign/").status_code == 404
    assert _client(tc, "cadre").get(url).status_code in (403, 404)


def test_carer_logs_a_contact_with_a_request_once(tiny_city: TinyCity) -> None:
    tc = tiny_city
    h = household_with(tc.inside.building, name="赵奶奶")
    a = assign(tc, h)
    c = _client(tc, "cadre")
    mine = c.get("/care/mine/").content.decode()
    assert "赵奶奶" in mine and "13912345678" in mine  # the carer phones them
    url = f"/care/assignments/{a.pk}/"
    page = c.get(url).content.decode()
    form = {
        "once": _token(page, "contact-form"),
        "action": "contact",
        "kind": ContactKind.VISIT,
        "health": "well",
        "needs": "降压药快吃完了",
        "request_category": "medicine",
        "request_urgency": "normal",
        "request_details": "",
    }
    assert c.post(url, form).status_code == 302
    assert c.post(url, form).status_code == 302
    contacts = CareContact.objects.filter(assignment=a)
    assert contacts.count() == 1
    contact = contacts.get()
    assert contact.request is not None and contact.request.source == Source.CARER
    assert 'data-testid="contact-request"' in c.get(url).content.decode()
    # A wrong field is named, nothing changes.
    page = c.get(url).content.decode()
    bad = {**form, "once": _token(page, "contact-form"), "request_category": "rocket"}
    r = c.post(url, bad)
    assert r.status_code == 400 and 'data-testid="error-request_category"' in r.content.decode()
    assert contacts.count() == 1


def test_admin_ends_and_carer_leave_page(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = assign(tc, household_with(tc.inside.building), role="volunteer")
    admin = _client(tc, "community_admin")
    page = admin.get(f"/care/assignments/{a.pk}/").content.decode()
    assert 'data-testid="end-form"' in page
    leave = admin.get("/care/leave/")
    assert leave.status_code == 200
    form = {
        "once": _token(leave.content.decode(), "leave-form"),
        "carer": str(tc.users["volunteer"].pk),
        "note": "部署结束",
    }
    r = admin.post("/care/leave/", form)
    assert r.status_code == 302 and "handover" in r["Location"]
    a.refresh_from_db()
    assert a.end_reason == EndReason.CARER_LEFT
    home = admin.get("/care/").content.decode()
    assert 'data-testid="handover"' in home
    assert _client(tc, "cadre").get("/care/leave/").status_code == 403


def test_others_do_not_open_an_assignment(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = assign(tc, household_with(tc.inside.building), role="cadre")
    for role in ("volunteer", "resident", "property_staff"):
        assert _client(tc, role).get(f"/care/assignments/{a.pk}/").status_code == 404
    assert _client(tc, "cadre").get(f"/care/assignments/{a.pk}/").status_code == 200


def test_api_mine_and_contact(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = assign(tc, household_with(tc.inside.building, name="钱爷爷"))
    c = _client(tc, "cadre")
    r = c.get("/api/care/mine")
    assert r.status_code == 200
    body = r.json()
    assert a.pk in [i["assignment_id"] for i in body["items"]]
    url = f"/api/care/assignments/{a.pk}/contacts"
    r = c.post(
        url, json.dumps({"kind": "phone", "health": "well"}), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    r = c.post(url, json.dumps({"kind": "nope"}), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"
    other = _client(tc, "volunteer").post(
        url, json.dumps({"kind": "phone", "health": "well"}), content_type="application/json"
    )
    assert other.status_code == 404
    assert ServiceRequest.objects.filter(household_id=a.household_id).count() == 0
